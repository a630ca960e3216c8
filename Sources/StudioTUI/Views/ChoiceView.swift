import StudioModel

/// A ``Choice`` over the panes: its title, the options with the chosen one highlighted.
enum ChoiceView {
    static func render(_ state: AppState, into grid: inout CellGrid) {
        guard let choice = state.choice else { return }
        let widest = choice.options.map { DisplayWidth.width(of: $0.label) }.max() ?? 0
        let width = min(state.size.width - 4, max(widest, DisplayWidth.width(of: choice.title)) + 8)
        // Between the tab row and the hint row, which stays visible.
        let height = min(state.size.height - 6, choice.options.count + 2)
        let box = Rect(x: (state.size.width - width) / 2, y: 3, width: width, height: height)
        grid.fill(box)
        grid.drawBorder(box, set: state.glyphs.border, token: .borderFocused)
        grid.put(" \(Sanitizer.clean(choice.title)) ", at: Point(x: box.x + 2, y: box.y), token: .titleFocused, clip: box)
        let footer = state.ascii ? " Enter choose - Esc closes " : " ⏎ choose · Esc closes "
        grid.put(footer, at: Point(x: max(box.x + 1, box.maxX - 2 - DisplayWidth.width(of: footer)), y: box.maxY - 1),
                 token: .muted, clip: box)
        let inner = box.inset(by: 1)
        let first = min(max(0, choice.selected - inner.height + 1), max(0, choice.options.count - inner.height))
        for (row, option) in choice.options.dropFirst(first).prefix(inner.height).enumerated() {
            let y = inner.y + row
            grid.put(Sanitizer.clean(option.label), at: Point(x: inner.x + 1, y: y), token: .foreground, clip: inner)
            if first + row == choice.selected {
                grid.restyle(Rect(x: inner.x, y: y, width: inner.width, height: 1), token: .selection)
            }
        }
    }
}
