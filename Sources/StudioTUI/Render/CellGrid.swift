import Foundation
import StudioModel

/// An in-memory screen: what views draw into and what backends present.
///
/// Every write is clipped: drawing outside the grid or a clip rectangle is a no-op, never a trap.
/// Wide graphemes take two cells; one that would straddle the right edge becomes a space, and
/// overwriting either half of a wide cell blanks both halves.
///
/// ```swift
/// var grid = CellGrid(size: Size(width: 80, height: 24))
/// grid.put("Hookline", at: Point(x: 2, y: 0), token: .title)
/// print(grid.rowText(0))
/// ```
public struct CellGrid: Sendable, Hashable {
    public private(set) var size: Size
    public private(set) var cells: [Cell]
    /// When true, text is drawn in ASCII (`--ascii`, or no UTF-8 locale): each non-ASCII
    /// grapheme as its ASCII form (``asciiText(_:)``: `⏎` as `Enter`, `±` as `+/-`), `?` when it has none.
    public var asciiOnly: Bool

    public init(size: Size, asciiOnly: Bool = false) {
        self.size = size
        self.cells = Array(repeating: .blank, count: size.width * size.height)
        self.asciiOnly = asciiOnly
    }

    public var bounds: Rect { Rect(x: 0, y: 0, width: size.width, height: size.height) }

    public subscript(x: Int, y: Int) -> Cell {
        guard contains(x, y) else { return .blank }
        return cells[y * size.width + x]
    }

    func contains(_ x: Int, _ y: Int) -> Bool { x >= 0 && y >= 0 && x < size.width && y < size.height }

    // MARK: - Drawing

    /// Writes `text` from `at`, clipped to `clip` (default: the whole grid) and to `maxWidth`
    /// columns. Returns the number of columns written.
    @discardableResult
    public mutating func put(
        _ text: String, at point: Point, token: ThemeToken = .foreground, maxWidth: Int? = nil, clip: Rect? = nil
    ) -> Int {
        let area = (clip ?? bounds).intersection(bounds)
        guard point.y >= area.y, point.y < area.maxY else { return 0 }
        let limit = min(area.maxX, maxWidth.map { point.x + max(0, $0) } ?? Int.max)
        var x = point.x
        // A flag or a toned emoji is more than one cell (DisplayWidth.cells(of:)).
        characters: for character in displayed(text) {
            for grapheme in asciiOnly ? [String(character)] : DisplayWidth.cells(of: character) {
                guard put(grapheme, at: &x, y: point.y, in: area, limit: limit, token: token) else { break characters }
            }
        }
        return max(0, x - point.x)
    }

    /// Writes one cell's grapheme at `x` and moves `x` past it; false when the row is full.
    private mutating func put(_ grapheme: String, at x: inout Int, y: Int, in area: Rect, limit: Int, token: ThemeToken) -> Bool {
        let width = asciiOnly ? 1 : DisplayWidth.cellWidth(grapheme)
        if x + width > limit {
            // A wide grapheme straddling the edge becomes a space in the one column left.
            if width == 2, x < limit, x >= area.x { setCell(x, y, Cell(grapheme: " ", token: token)) }
            x = max(x, min(limit, x + width))
            return false
        }
        if x >= area.x {
            setCell(x, y, Cell(grapheme: grapheme, width: UInt8(width), token: token))
            if width == 2 { setCell(x + 1, y, Cell(grapheme: "", width: 0, token: token)) }
        } else if x + width > area.x {
            // The left half is clipped away: show a space for the visible right half.
            setCell(area.x, y, Cell(grapheme: " ", token: token))
        }
        x += width
        return true
    }

    /// Fills `rect` with `grapheme` (a one-column character) in `token`.
    public mutating func fill(_ rect: Rect, with grapheme: String = " ", token: ThemeToken = .foreground) {
        let area = rect.intersection(bounds)
        guard !area.isEmpty else { return }
        for y in area.y..<area.maxY {
            for x in area.x..<area.maxX { setCell(x, y, Cell(grapheme: grapheme, token: token)) }
        }
    }

    /// Sets the token of every cell in `rect`, keeping the text.
    public mutating func restyle(_ rect: Rect, token: ThemeToken) {
        let area = rect.intersection(bounds)
        guard !area.isEmpty else { return }
        for y in area.y..<area.maxY {
            for x in area.x..<area.maxX { cells[y * size.width + x].token = token }
        }
    }

    /// Draws a box along the edge of `rect`.
    public mutating func drawBorder(_ rect: Rect, set: BorderSet, token: ThemeToken) {
        guard rect.width >= 2, rect.height >= 2 else { return }
        let horizontal = String(repeating: set.horizontal, count: rect.width - 2)
        put(set.topLeft + horizontal + set.topRight, at: Point(x: rect.x, y: rect.y), token: token)
        put(set.bottomLeft + horizontal + set.bottomRight, at: Point(x: rect.x, y: rect.maxY - 1), token: token)
        for y in (rect.y + 1)..<(rect.maxY - 1) {
            put(set.vertical, at: Point(x: rect.x, y: y), token: token)
            put(set.vertical, at: Point(x: rect.maxX - 1, y: y), token: token)
        }
    }

    /// `text` as this grid draws it: in ASCII when ``asciiOnly``.
    public func displayed(_ text: String) -> String {
        asciiOnly ? Self.asciiText(text) : text
    }

    /// Columns `text` takes when drawn here (its ASCII form's length when ``asciiOnly``).
    public func width(of text: String) -> Int {
        asciiOnly ? Self.asciiText(text).count : DisplayWidth.width(of: text)
    }

    /// `text` with each non-ASCII grapheme replaced by its ASCII form (``asciiFallback(_:)``).
    public static func asciiText(_ text: String) -> String {
        guard !text.utf8.contains(where: { $0 >= 0x80 }) else {
            return text.reduce(into: "") { $0 += $1.isASCII ? String($1) : asciiFallback($1) }
        }
        return text
    }

    /// The ASCII form of a non-ASCII grapheme in ASCII-only mode: a word or a few characters for
    /// the studio's own symbols (`⏎` → `Enter`, `→` → `->`, `…` → `...`), a letter without its
    /// accent (`é` → `e`), else `?`.
    static func asciiFallback(_ character: Character) -> String {
        switch character {
        case "⏎", "↵": return "Enter"
        case "…": return "..."
        case "·": return "-"
        case "•": return "*"
        case "±": return "+/-"
        case "→": return "->"
        case "←": return "<-"
        case "↑": return "Up"
        case "↓": return "Down"
        case "›", "»", "▶", "▸": return ">"
        case "‹", "«", "◀": return "<"
        case "●": return "*"
        case "○": return "o"
        case "×": return "x"
        case "✓", "✔": return "ok"
        case "✗", "✘": return "x"
        case "␛": return "^["
        case "▏", "│", "┃": return "|"
        case "─", "━": return "-"
        case "┌", "┐", "└", "┘", "├", "┤", "┬", "┴", "┼": return "+"
        case "—": return "--"
        case "–", "‐", "‑": return "-"
        case "‘", "’", "‚": return "'"
        case "“", "”", "„": return "\""
        case "≥": return ">="
        case "≤": return "<="
        case "≠": return "!="
        case "\u{00A0}", "\u{2009}", "\u{202F}": return " "
        default: break
        }
        // A letter with an accent: the letter.
        let base = String(character).decomposedStringWithCanonicalMapping.unicodeScalars.first
        if let base, base.isASCII, base.properties.isAlphabetic { return String(base) }
        return "?"
    }

    private mutating func setCell(_ x: Int, _ y: Int, _ cell: Cell) {
        guard contains(x, y) else { return }
        let index = y * size.width + x
        // Overwriting half of a wide cell blanks the other half.
        let old = cells[index]
        if old.width == 2, x + 1 < size.width {
            if cells[index + 1].isContinuation { cells[index + 1] = Cell(grapheme: " ", token: cells[index + 1].token) }
        }
        if old.isContinuation, x > 0, cells[index - 1].width == 2 {
            cells[index - 1] = Cell(grapheme: " ", token: cells[index - 1].token)
        }
        cells[index] = cell
    }

    // MARK: - Reading

    /// The text of row `y`, continuation cells omitted.
    public func rowText(_ y: Int) -> String {
        guard y >= 0, y < size.height else { return "" }
        var text = ""
        for x in 0..<size.width where !self[x, y].isContinuation { text += self[x, y].grapheme }
        return text
    }

    /// Cells that differ from `previous`, row by row. A size change reports every cell.
    public func changes(since previous: CellGrid?) -> [(point: Point, cell: Cell)] {
        var result: [(point: Point, cell: Cell)] = []
        let sameSize = previous?.size == size
        for y in 0..<size.height {
            for x in 0..<size.width {
                let cell = cells[y * size.width + x]
                if cell.isContinuation { continue }
                let index = y * size.width + x
                if sameSize, let previous, previous.cells[index] == cell,
                    cell.width < 2 || x + 1 >= size.width || previous.cells[index + 1] == cells[index + 1]
                {
                    continue
                }
                result.append((Point(x: x, y: y), cell))
            }
        }
        return result
    }
}
