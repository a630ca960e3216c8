/// One problem found in a workspace file or a template, with where it is.
///
/// Printed the way compilers print: `workflows/a.yaml:3:7: error: unknown node type 'sendFax'`.
public struct Diagnostic: Sendable, Hashable, CustomStringConvertible {
    public enum Severity: String, Sendable, Hashable {
        case error
        case warning
    }

    /// The file, relative to the workspace root where possible.
    public var path: String
    /// 1-based line; 0 when the problem concerns the whole file.
    public var line: Int
    /// 1-based column, counted in Characters.
    public var column: Int
    public var severity: Severity
    public var message: String
    /// A suggestion, such as the nearest valid name.
    public var hint: String?

    public init(
        path: String, line: Int, column: Int, severity: Severity = .error, message: String, hint: String? = nil
    ) {
        self.path = path
        self.line = line
        self.column = column
        self.severity = severity
        self.message = message
        self.hint = hint
    }

    public var description: String {
        var text = "\(path):\(line):\(column): \(severity.rawValue): \(message)"
        if let hint { text += " (\(hint))" }
        return text
    }

    /// The description followed by the offending source line and a caret under the column.
    public func rendered(source: String?) -> String {
        guard let source, line > 0 else { return description }
        let lines = source.split(separator: "\n", omittingEmptySubsequences: false)
        guard line <= lines.count else { return description }
        let text = String(lines[line - 1])
        let caretPad = String(text.prefix(max(0, column - 1)).map { $0 == "\t" ? "\t" : " " })
        return "\(description)\n\(text)\n\(caretPad)^"
    }
}

/// A position in source text: 1-based line and column.
public struct SourceLocation: Sendable, Hashable {
    public var line: Int
    public var column: Int
    public init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }
}
