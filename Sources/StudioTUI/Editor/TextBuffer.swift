/// Multi-line text being edited, and a cursor in it: what the body editor types into.
///
/// Columns count Characters. Typing never indents by itself: a terminal delivers a paste as
/// keys, and an editor that indented after each line break would indent pasted JSON twice.
public struct TextBuffer: Sendable, Equatable {
    public private(set) var lines: [String]
    public private(set) var line = 0
    public private(set) var column = 0
    /// The column up/down aim for, kept across shorter lines.
    private var goalColumn = 0

    public init(_ text: String) {
        lines = text.components(separatedBy: "\n")
    }

    public var text: String { lines.joined(separator: "\n") }

    private var current: String { lines[line] }

    public mutating func insert(_ character: Character) {
        guard character != "\n" else { return breakLine() }
        var text = Array(current)
        text.insert(character, at: column)
        lines[line] = String(text)
        column += 1
        goalColumn = column
    }

    /// Inserts `text` at the cursor, its line breaks included, splicing each line once (a
    /// pasted body may be one long line).
    public mutating func insert(contentsOf text: String) {
        let pieces = text.components(separatedBy: "\n")
        guard pieces.count > 1 || !text.isEmpty else { return }
        let line = Array(current)
        let before = String(line[..<column])
        let after = String(line[column...])
        let lastLength = pieces[pieces.count - 1].count
        var inserted = pieces
        inserted[0] = before + inserted[0]
        inserted[inserted.count - 1] += after
        lines.replaceSubrange(self.line...self.line, with: inserted)
        self.line += pieces.count - 1
        column = pieces.count == 1 ? before.count + lastLength : lastLength
        goalColumn = column
    }

    public mutating func breakLine() {
        let text = Array(current)
        lines[line] = String(text[..<column])
        lines.insert(String(text[column...]), at: line + 1)
        line += 1
        column = 0
        goalColumn = 0
    }

    /// Deletes the character before the cursor, joining the line to the one above at its start.
    public mutating func deleteBackward() {
        if column > 0 {
            var text = Array(current)
            text.remove(at: column - 1)
            lines[line] = String(text)
            column -= 1
        } else if line > 0 {
            let rest = lines.remove(at: line)
            line -= 1
            column = lines[line].count
            lines[line] += rest
        }
        goalColumn = column
    }

    /// Deletes the character under the cursor, joining the next line at the end of this one.
    public mutating func deleteForward() {
        if column < current.count {
            var text = Array(current)
            text.remove(at: column)
            lines[line] = String(text)
        } else if line + 1 < lines.count {
            lines[line] += lines.remove(at: line + 1)
        }
    }

    /// Deletes from the start of the line to the cursor (Ctrl+U, as in a shell).
    public mutating func deleteToLineStart() {
        lines[line] = String(current.dropFirst(column))
        column = 0
        goalColumn = 0
    }

    public mutating func moveLeft() {
        if column > 0 {
            column -= 1
        } else if line > 0 {
            line -= 1
            column = current.count
        }
        goalColumn = column
    }

    public mutating func moveRight() {
        if column < current.count {
            column += 1
        } else if line + 1 < lines.count {
            line += 1
            column = 0
        }
        goalColumn = column
    }

    /// Moves `count` lines down (negative: up), keeping the column it aims for.
    public mutating func moveLines(_ count: Int) {
        line = min(max(0, line + count), lines.count - 1)
        column = min(goalColumn, current.count)
    }

    public mutating func moveToLineStart() {
        // Home goes to the first non-blank first, then to column 0, as most editors do.
        let indent = current.prefix { $0 == " " || $0 == "\t" }.count
        column = column == indent ? 0 : indent
        goalColumn = column
    }

    public mutating func moveToLineEnd() {
        column = current.count
        goalColumn = column
    }
}
