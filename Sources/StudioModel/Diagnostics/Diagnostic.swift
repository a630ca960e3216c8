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

    /// The description followed by the offending source line and a caret under the column (in
    /// terminal columns: ``DisplayWidth``); of a
    /// line longer than ``shownLineLength`` characters, the part around the column, cut with `…`.
    /// - Parameter hidden: Ranges of `source` shown as ``SecretMasker/mask`` (literal secrets).
    public func rendered(source: String?, hiding hidden: [Range<String.Index>] = []) -> String {
        guard let source, line > 0 else { return description }
        // `\r\n` is one Character in Swift: a file with CRLF line ends splits on it too.
        let lines = source.split(omittingEmptySubsequences: false) { $0 == "\n" || $0 == "\r\n" }
        guard line <= lines.count else { return description }
        var (text, caretColumn) = Self.masking(hidden, in: lines[line - 1], caretColumn: max(0, column - 1))
        var prefix = "", suffix = ""
        if text.count > Self.shownLineLength {
            let start = max(0, min(caretColumn - Self.shownLineLength / 2, text.count - Self.shownLineLength))
            if start > 0 { prefix = "…" }
            if start + Self.shownLineLength < text.count { suffix = "…" }
            text = text.dropFirst(start).prefix(Self.shownLineLength)
            caretColumn = caretColumn - start + prefix.count
        }
        let shown = prefix + text + suffix
        // As wide on the terminal as what it stands under: an emoji or a CJK character takes two columns.
        let caretPad = shown.prefix(caretColumn).map { $0 == "\t" ? "\t" : String(repeating: " ", count: DisplayWidth.width(of: $0)) }
            .joined()
        return "\(description)\n\(shown)\n\(caretPad)^"
    }

    /// `line` with each part of it in `hidden` replaced by the mask, and the caret moved with
    /// the text after it (to the mask's start when it pointed inside one).
    private static func masking(
        _ hidden: [Range<String.Index>], in line: Substring, caretColumn: Int
    ) -> (Substring, Int) {
        let parts = hidden.filter { $0.overlaps(line.startIndex..<line.endIndex) }.sorted { $0.lowerBound < $1.lowerBound }
        guard !parts.isEmpty else { return (line, caretColumn) }
        var shown = ""
        var cursor = line.startIndex
        var caret = caretColumn
        for part in parts {
            let lower = max(part.lowerBound, line.startIndex), upper = min(part.upperBound, line.endIndex)
            guard lower >= cursor else { continue }
            let start = line.distance(from: line.startIndex, to: lower)
            let end = line.distance(from: line.startIndex, to: upper)
            // Shown columns so far differ from the line's by what earlier masks changed.
            let shift = shown.count - line.distance(from: line.startIndex, to: cursor)
            shown += line[cursor..<lower] + SecretMasker.mask
            if caretColumn >= end {
                caret += SecretMasker.mask.count - (end - start)
            } else if caretColumn >= start {
                caret = start + shift
            }
            cursor = upper
        }
        shown += line[cursor...]
        return (Substring(shown), caret)
    }

    /// The longest source line shown whole under a diagnostic.
    public static let shownLineLength = 160
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
