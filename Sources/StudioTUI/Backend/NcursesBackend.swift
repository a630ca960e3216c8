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
        var characters: [wchar_t] = []
        for scalar in cell.grapheme.unicodeScalars {
            // One spacing character plus up to three combining ones fit in a cchar_t.
            if characters.count == 4 { break }
            if !characters.isEmpty, cn_wcwidth(wchar_t(bitPattern: scalar.value)) != 0 { break }
            characters.append(wchar_t(bitPattern: scalar.value))
        }
        if characters.isEmpty { characters.append(32) }
        characters.append(0)
        var cc = cchar_t()
        _ = characters.withUnsafeBufferPointer { buffer in
            setcchar(&cc, buffer.baseAddress, attributes, pair, nil)
        }
        _ = mvwadd_wch(window, Int32(y), Int32(x), &cc)
    }

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
