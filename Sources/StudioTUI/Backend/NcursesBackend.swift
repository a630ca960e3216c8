import CNcurses
import StudioModel

/// The only type that draws with ncurses (with ``NcursesInput`` and ``TerminalSession``). It
/// diffs each frame against the last and writes changed cells with `setcchar` + `mvwadd_wch`,
/// then flushes once with `wnoutrefresh` + `doupdate` (tui.md P14, P15). Owned by one thread.
final class NcursesBackend: TerminalBackend {
    private let window: UnsafeMutablePointer<WINDOW>
    private let theme: ResolvedTheme
    private let colors: ColorAllocator
    private var previous: CellGrid?
    private var attributeCache: [ThemeToken: (attr_t, Int16)] = [:]

    init(window: UnsafeMutablePointer<WINDOW>, theme: ResolvedTheme, colorsEnabled: Bool) {
        self.window = window
        self.theme = theme
        self.colors = ColorAllocator(enabled: colorsEnabled)
    }

    var size: Size { Size(width: Int(getmaxx(window)), height: Int(getmaxy(window))) }

    func invalidate() {
        previous = nil
        _ = clearok(cn_curscr(), true)
        _ = werase(window)
    }

    func present(_ grid: CellGrid) {
        for change in grid.changes(since: previous) {
            write(change.cell, x: change.point.x, y: change.point.y)
        }
        previous = grid
        _ = wnoutrefresh(window)
        _ = doupdate()
    }

    private func write(_ cell: Cell, x: Int, y: Int) {
        let (attributes, pair) = style(for: cell.token)
        let characters = Self.characters(of: cell.grapheme)
        var cc = cchar_t()
        // setcchar keeps the first character and the zero-width ones after it; the emoji that a
        // zero-width joiner joins to it are spacing, so they go in after (QA F5). ncurses writes
        // every character a cell holds and moves by the first one's width, as tmux and glibc
        // measure the sequence.
        let first: [wchar_t] = [characters[0], 0]
        _ = first.withUnsafeBufferPointer { setcchar(&cc, $0.baseAddress, attributes, pair, nil) }
        withUnsafeMutableBytes(of: &cc.chars) { raw in
            let slots = raw.bindMemory(to: wchar_t.self)
            for (index, character) in characters.enumerated() where index < slots.count { slots[index] = character }
        }
        _ = mvwadd_wch(window, Int32(y), Int32(x), &cc)
    }

    /// What one cell's `cchar_t` holds (at most ``cellCapacity``): a spacing character, then the
    /// combining ones, and the emoji a zero-width joiner joins to it (`👩‍💻` whole). A grapheme
    /// that does not start with a spacing character (a lone combining mark, a zero-width space
    /// or joiner, a bidi override, a control character) is drawn as a space: ncurses would add
    /// it to the cell before, or draw `^X` over two columns, and leave this cell showing the
    /// last frame. A sequence longer than a cell holds is cut there (a family of four shows
    /// three), never after a joiner, so a terminal never joins this cell's emoji to the next cell's.
    static func characters(of grapheme: String) -> [wchar_t] {
        var characters: [wchar_t] = []
        var joined = false
        for scalar in grapheme.unicodeScalars {
            let columns = cn_wcwidth(wchar_t(bitPattern: scalar.value))
            if characters.isEmpty {
                guard columns > 0 else { break }
            } else if columns != 0, !joined {
                break
            }
            if characters.count == cellCapacity { break }
            characters.append(wchar_t(bitPattern: scalar.value))
            joined = scalar.value == 0x200D
        }
        if characters.last == 0x200D { characters.removeLast() }
        return characters.isEmpty ? [32] : characters
    }

    /// Characters one `cchar_t` holds (CCHARW_MAX).
    static let cellCapacity = 5

    private func style(for token: ThemeToken) -> (attr_t, Int16) {
        if let cached = attributeCache[token] { return cached }
        let style = theme.style(for: token)
        var attributes = cn_A_NORMAL()
        if style.attributes.contains(.bold) { attributes |= cn_A_BOLD() }
        if style.attributes.contains(.dim) { attributes |= cn_A_DIM() }
        if style.attributes.contains(.underline) { attributes |= cn_A_UNDERLINE() }
        if style.attributes.contains(.reverse) { attributes |= cn_A_REVERSE() }
        if style.attributes.contains(.italic) { attributes |= cn_A_ITALIC() }
        let result = (attributes, colors.pair(for: style))
        attributeCache[token] = result
        return result
    }
}
