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
        let (before, after) = splitCurrent(at: column)
        setCurrent(before + String(character), after)
    }

    /// Inserts `text` at the cursor, its line breaks included, splicing each line once (a
    /// pasted body may be one long line).
    public mutating func insert(contentsOf text: String) {
        var pieces = text.components(separatedBy: "\n")
        guard pieces.count > 1 || !text.isEmpty else { return }
        let (before, after) = splitCurrent(at: column)
        pieces[0] = before + pieces[0]
        let last = pieces.removeLast()
        lines.replaceSubrange(line...line, with: pieces + [""])
        line += pieces.count
        setCurrent(last, after)
    }

    public mutating func breakLine() {
        let (before, after) = splitCurrent(at: column)
        lines[line] = before
        lines.insert(after, at: line + 1)
        line += 1
        column = 0
        goalColumn = 0
    }

    /// Deletes the character before the cursor, joining the line to the one above at its start.
    public mutating func deleteBackward() {
        if column > 0 {
            let (before, after) = splitCurrent(at: column)
            setCurrent(String(before.dropLast()), after)
        } else if line > 0 {
            let rest = lines.remove(at: line)
            line -= 1
            setCurrent(current, rest)
        }
    }

    /// Deletes the character under the cursor, joining the next line at the end of this one.
    public mutating func deleteForward() {
        if column < current.count {
            let (before, after) = splitCurrent(at: column)
            setCurrent(before, String(after.dropFirst()))
        } else if line + 1 < lines.count {
            setCurrent(current, lines.remove(at: line + 1))
        }
    }

    /// Deletes from the start of the line to the cursor (Ctrl+U, as in a shell).
    public mutating func deleteToLineStart() {
        lines[line] = String(current.dropFirst(column))
        column = 0
        goalColumn = 0
    }

    /// The cursor's line cut at `column` Characters.
    private func splitCurrent(at column: Int) -> (before: String, after: String) {
        let text = current
        let cut = text.index(text.startIndex, offsetBy: column, limitedBy: text.endIndex) ?? text.endIndex
        return (String(text[..<cut]), String(text[cut...]))
    }

    /// Makes the cursor's line `before + after`, the cursor between them. Characters can merge
    /// where the two meet (a combining accent typed after `e` makes one `é`, a deletion can join
    /// `e` to the accent after it), so the cursor is counted on the joined text, never from the
    /// count before the edit.
    private mutating func setCurrent(_ before: String, _ after: String) {
        let joined = before + after
        lines[line] = joined
        column = min(before.count, joined.count)
        goalColumn = column
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
