import StudioModel

/// The `?` overlay: every binding, in sections This screen / Global / Navigation.
enum HelpOverlay {
    static func render(_ state: AppState, into grid: inout CellGrid) {
        let sections = self.sections(state)
        let keyWidth = sections.flatMap(\.rows).map { DisplayWidth.width(of: $0.keys) }.max() ?? 0
        let textWidth = sections.flatMap(\.rows).map { DisplayWidth.width(of: $0.title) }.max() ?? 0
        let lineCount = sections.reduce(0) { $0 + $1.rows.count + 2 } - 1
        let width = min(state.size.width - 4, keyWidth + textWidth + 6)
        let height = min(state.size.height - 2, lineCount + 4)
        let box = Rect(x: (state.size.width - width) / 2, y: (state.size.height - height) / 2, width: width, height: height)
        grid.fill(box)
        grid.drawBorder(box, set: state.glyphs.border, token: .borderFocused)
        grid.put(" Keys ", at: Point(x: box.x + 2, y: box.y), token: .titleFocused)
        let footer = " Esc or ? closes "
        grid.put(footer, at: Point(x: box.maxX - 2 - DisplayWidth.width(of: footer), y: box.maxY - 1), token: .muted)
        var y = box.y + 2
        let inner = box.inset(by: 1)
        for section in sections {
            guard y < inner.maxY else { break }
            grid.put(section.title, at: Point(x: inner.x + 1, y: y), token: .helpSection, clip: inner)
            y += 1
            for row in section.rows where y < inner.maxY {
                grid.put(DisplayWidth.pad(row.keys, to: keyWidth), at: Point(x: inner.x + 1, y: y), token: .helpKey, clip: inner)
                grid.put(row.title, at: Point(x: inner.x + 3 + keyWidth, y: y), token: .foreground, clip: inner)
                y += 1
            }
            y += 1
        }
    }

    struct Section {
        var title: String
        var rows: [(keys: String, title: String)]
    }

    static func sections(_ state: AppState) -> [Section] {
        let keyMap = state.keyMap
        func rows(_ group: BindingGroup) -> [(keys: String, title: String)] {
            keyMap.bindings(in: group, readonly: state.readonly).map { ($0.keyLabel(ascii: state.ascii), $0.title) }
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
