/// A problem parsing or rendering a template, with the 1-based line and column (in Characters) it concerns.
public struct TemplateError: Error, Sendable, Equatable, CustomStringConvertible {
    /// 1-based line in the template source.
    public var line: Int
    /// 1-based column in the template source, counted in Characters.
    public var column: Int
    /// What went wrong and, where possible, what was expected.
    public var message: String
    /// For a closer that does not match its block: where the block was opened, which `message` names as
    /// "opened at line:col", counted as `line` and `column` are.
    public var openedAt: SourceLocation?

    public init(line: Int, column: Int, message: String, openedAt: SourceLocation? = nil) {
        self.line = line
        self.column = column
        self.message = message
        self.openedAt = openedAt
    }

    /// `line:col: message`.
    public var description: String { "\(line):\(column): \(message)" }

    /// This error for a template written inside a larger file: `place` moves a template position to the file's,
    /// for `line` and `column` and for the "opened at" position the message names.
    public func placed(by place: (SourceLocation) -> SourceLocation) -> TemplateError {
        let location = place(SourceLocation(line: line, column: column))
        var placed = TemplateError(line: location.line, column: location.column, message: message)
        if let openedAt {
            let moved = place(openedAt)
            placed.message = message.replacing(Self.openedAtText(openedAt), with: Self.openedAtText(moved))
            placed.openedAt = moved
        }
        return placed
    }

    static func openedAtText(_ location: SourceLocation) -> String { "opened at \(location.line):\(location.column)" }

    /// Builds an error at a UTF-8 byte offset of `source`.
    static func at(_ offset: Int, in source: String, _ message: String) -> TemplateError {
        let location = TemplateError.location(ofUTF8Offset: offset, in: source)
        return TemplateError(line: location.line, column: location.column, message: message)
    }

    /// The 1-based line and Character column of a UTF-8 byte offset.
    static func location(ofUTF8Offset offset: Int, in source: String) -> SourceLocation {
        let utf8 = source.utf8
        let clamped = max(0, min(offset, utf8.count))
        var line = 1
        var lineStart = utf8.startIndex
        var index = utf8.startIndex
        let end = utf8.index(utf8.startIndex, offsetBy: clamped)
        while index < end {
            if utf8[index] == UInt8(ascii: "\n") {
                line += 1
                lineStart = utf8.index(after: index)
            }
            utf8.formIndex(after: &index)
        }
        // Round down to a Character boundary so a column inside a grapheme points at its start.
        let column = source[lineStart..<end].count + 1
        return SourceLocation(line: line, column: column)
    }
}
