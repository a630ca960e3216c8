import StudioModel

/// The `?` overlay: every binding, in sections This screen / Global / Navigation; `j`/`k`
/// scroll it when it is taller than the screen.
enum HelpOverlay {
    /// One line of the overlay: a section title (no keys) or a binding.
    struct Line {
        var keys: String?
        var text: String
    }

    static func render(_ state: AppState, into grid: inout CellGrid) {
        let lines = self.lines(state)
        let box = self.box(state, lines: lines)
        let keyWidth = keyColumnWidth(lines)
        let rows = self.rows(lines, box: box)
        FrameView.cover(box, border: state.glyphs.border, into: &grid)
        grid.drawBorder(box, set: state.glyphs.border, token: .borderFocused)
        grid.put(" Keys ", at: Point(x: box.x + 2, y: box.y), token: .titleFocused)
        let scroll = min(state.helpScroll, maximumScroll(state))
        let scrolls = maximumScroll(state) > 0
        let footer = scrolls ? " j/k scroll · Esc or ? closes " : " Esc or ? closes "
        grid.put(footer, at: Point(x: box.maxX - 2 - grid.width(of: footer), y: box.maxY - 1), token: .muted)
        let inner = box.inset(by: 1)
        for (row, line) in rows.dropFirst(scroll).prefix(visibleLineCount(box)).enumerated() {
            let y = inner.y + 1 + row
            if let keys = line.keys {
                grid.put(DisplayWidth.pad(keys, to: keyWidth), at: Point(x: inner.x + 1, y: y), token: .helpKey, clip: inner)
                grid.put(line.text, at: Point(x: inner.x + 3 + keyWidth, y: y), token: .foreground, clip: inner)
            } else {
                grid.put(line.text, at: Point(x: inner.x + 1, y: y), token: .helpSection, clip: inner)
            }
        }
    }

    /// How far the overlay can scroll: 0 when everything fits.
    static func maximumScroll(_ state: AppState) -> Int {
        let lines = self.lines(state)
        let box = self.box(state, lines: lines)
        return max(0, rows(lines, box: box).count - visibleLineCount(box))
    }

    private static func visibleLineCount(_ box: Rect) -> Int {
        max(1, box.height - 4)
    }

    private static func keyColumnWidth(_ lines: [Line]) -> Int {
        lines.compactMap(\.keys).map { DisplayWidth.width(of: $0) }.max() ?? 0
    }

    /// The lines as drawn in `box`: a title too long for it wraps, continuing under itself
    /// (a continuation row has empty keys).
    private static func rows(_ lines: [Line], box: Rect) -> [Line] {
        let keyWidth = keyColumnWidth(lines)
        let textWidth = max(8, box.width - 6 - keyWidth)
        return lines.flatMap { line -> [Line] in
            guard line.keys != nil else { return [line] }
            return StyledLines.wrap(line.text, width: textWidth).enumerated().map { index, piece in
                Line(keys: index == 0 ? line.keys : "", text: index == 0 ? piece : piece.drop { $0 == " " }.description)
            }
        }
    }

    private static func box(_ state: AppState, lines: [Line]) -> Rect {
        let textWidth = lines.filter { $0.keys != nil }.map { DisplayWidth.width(of: $0.text) }.max() ?? 0
        let width = min(state.size.width - 4, keyColumnWidth(lines) + textWidth + 6)
        let rowCount = rows(lines, box: Rect(x: 0, y: 0, width: width, height: 0)).count
        let height = min(state.size.height - 2, rowCount + 4)
        return Rect(x: (state.size.width - width) / 2, y: (state.size.height - height) / 2, width: width, height: height)
    }

    /// Sections with a blank line between them.
    static func lines(_ state: AppState) -> [Line] {
        var lines: [Line] = []
        for section in sections(state) {
            if !lines.isEmpty { lines.append(Line(keys: nil, text: "")) }
            lines.append(Line(keys: nil, text: section.title))
            lines += section.rows.map { Line(keys: $0.keys, text: $0.title) }
        }
        return lines
    }

    struct Section {
        var title: String
        var rows: [(keys: String, title: String)]
    }

    static func sections(_ state: AppState) -> [Section] {
        let keyMap = state.keyMap
        // Keys the sections above already list: the screen's binding wins over a global one
        // with the same keys (`/` finds a user on the Users screen), so that one is left out.
        var taken: Set<KeyEvent> = []
        func rows(_ group: BindingGroup) -> [(keys: String, title: String)] {
            let bindings = keyMap.bindings(in: group, readonly: state.readonly).filter { !$0.keys.allSatisfy(taken.contains) }
            taken.formUnion(bindings.flatMap(\.keys))
            // Titles in the ASCII they are drawn in, so they wrap where they are drawn.
            return bindings.map {
                ($0.keyLabel(ascii: state.ascii), state.ascii ? CellGrid.asciiText($0.title) : $0.title)
            }
        }
        var result: [Section] = []
        let screen = rows(state.focus.bindingGroup)
        result.append(Section(title: "This screen (\(state.focus.bindingGroup.rawValue))",
                              rows: screen.isEmpty ? [("", "Move with the navigation keys")] : screen))
        result.append(Section(title: "Global", rows: rows(.global)))
        result.append(Section(title: "Navigation", rows: rows(.navigation)))
        return result
    }
}
