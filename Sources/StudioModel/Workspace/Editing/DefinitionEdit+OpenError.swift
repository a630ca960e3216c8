extension DefinitionEdit {
    /// Why a file cannot be opened for editing, with where: `webhooks/a.yaml:4:13: error: …`.
    ///
    /// Messages name the field that holds a secret, never its value.
    public struct OpenError: Error, Sendable, Equatable, CustomStringConvertible {
        /// The problem, at its path, line and column; line and column are 0 when it concerns
        /// the whole file.
        public var diagnostic: Diagnostic

        /// An error that reports `diagnostic`.
        public init(diagnostic: Diagnostic) {
            self.diagnostic = diagnostic
        }

        init(path: String, line: Int = 0, column: Int = 0, message: String, hint: String? = nil) {
            diagnostic = Diagnostic(path: path, line: line, column: column, message: message, hint: hint)
        }

        /// `path:line:column: error: message (hint)`.
        public var description: String { diagnostic.description }

        /// How to keep a secret out of a definition file.
        static let moveHint = "move the value to .hookline/secrets.yaml and reference it as {{secret.name}}"
    }
}
