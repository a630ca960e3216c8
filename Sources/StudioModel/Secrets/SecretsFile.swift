import Yams

/// A workspace's secrets file, `.hookline/secrets.yaml`: a flat mapping of secret names to values.
///
/// ```yaml
/// crm_token: tok_live_51H…
/// lob_key: "test_0123"
/// ```
///
/// Each value is taken as written: YAML would read `pin: 0123` as the number 83 and `flag: yes`
/// as true, but a secret is text, so they stay `0123` and `yes`.
public enum SecretsFile {
    /// Where the file lives, relative to the workspace root.
    public static let path = ".hookline/secrets.yaml"

    /// The secret `hookline serve` takes as the key its ingest API's requests must send; the one
    /// secret that may not be empty.
    public static let ingestAPIKey = "ingest_api_key"

    /// The secrets in `text`; an empty file has none.
    /// - Throws: ``SecretsFileError`` with every problem: invalid YAML, a file that is not a
    ///   mapping, or, for each entry, a value that is empty, a list or a mapping, an
    ///   ``ingestAPIKey`` that is `""`.
    public static func parse(_ text: String) throws(SecretsFileError) -> [String: String] {
        let file = YAMLFile(path: path, source: text)
        let root = file.composeRoot()
        if let problem = file.diagnostics.first { throw SecretsFileError(diagnostic: problem) }
        guard let root, !root.isNullScalar else { return [:] }
        guard let mapping = root.mapping else {
            // A lone scalar is most likely a secret pasted without its name: not quoted.
            let found = root.scalar == nil ? root.kindDescription : "a single value"
            throw problem(in: file, at: root, "the secrets file must map names to values (name: value), not \(found)")
        }
        var secrets: [String: String] = [:]
        // Every entry is looked at, so that one run of validate lists every problem of the file.
        for (key, value) in mapping {
            guard let name = key.scalar?.string, !name.isEmpty else {
                file.error("a secret's name must be text, not \(key.kindDescription)", at: key)
                continue
            }
            guard !value.isNullScalar else {
                file.error("secret '\(name)' has no value", at: key, hint: "write it after '\(name): ', or remove the line")
                continue
            }
            guard let text = value.scalar?.string else {
                file.error("secret '\(name)' must be text, not \(value.kindDescription)", at: value)
                continue
            }
            // Other secrets may be empty (`''` is taken as written), but an empty ingest key would
            // let in a request whose Api-Key header is empty.
            guard !text.isEmpty || name != ingestAPIKey else {
                file.error(
                    "secret '\(name)' is empty, and an empty key would let in an empty Api-Key header", at: value,
                    hint: "write the key, or remove the line to take requests without one")
                continue
            }
            secrets[name] = text
        }
        if !file.diagnostics.isEmpty { throw SecretsFileError(diagnostics: file.diagnostics) }
        return secrets
    }

    private static func problem(in file: YAMLFile, at node: Node, _ message: String, hint: String? = nil) -> SecretsFileError {
        file.error(message, at: node, hint: hint)
        return SecretsFileError(diagnostic: file.diagnostics[file.diagnostics.count - 1])
    }
}

/// What is wrong with a secrets file, and where: every problem, in file order.
public struct SecretsFileError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The first problem.
    public var diagnostic: Diagnostic
    /// Every problem, the first included.
    public var diagnostics: [Diagnostic]

    public init(diagnostic: Diagnostic) {
        self.init(diagnostics: [diagnostic])
    }

    /// - Parameter diagnostics: At least one.
    public init(diagnostics: [Diagnostic]) {
        self.diagnostic = diagnostics[0]
        self.diagnostics = diagnostics
    }

    public var description: String { diagnostic.description }
}
