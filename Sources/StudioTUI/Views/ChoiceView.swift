import StudioModel

/// A ``Choice`` over the panes: its title, the options with the chosen one highlighted. A box is
/// wide enough for its title and its footer; a choice that ``Choice/wraps`` takes the screen's
/// width and shows each option whole, a long one continuing on the rows below it.
enum ChoiceView {
    /// One row of the box: the option it belongs to and its text.
    private struct Row {
        var option: Int
        var text: String
    }

    static func render(_ state: AppState, into grid: inout CellGrid) {
        guard let choice = state.choice else { return }
        let footer = " ⏎ choose · Esc closes "
        let footerWidth = grid.width(of: footer)
        let widest = choice.options.map { grid.width(of: Sanitizer.clean($0.label)) }.max() ?? 0
        let title = " \(Sanitizer.clean(choice.title)) "
        let fitting = max(widest + 8, grid.width(of: title) + 6, footerWidth + 4)
        let width = min(state.size.width - 4, choice.wraps ? state.size.width - 4 : fitting)
        let rows = self.rows(choice, width: width - 4, grid: grid)
        // Between the tab row and the hint row, which stays visible.
        let height = min(state.size.height - 6, rows.count + 2)
        let box = Rect(x: (state.size.width - width) / 2, y: 3, width: width, height: height)
        FrameView.cover(box, border: state.glyphs.border, into: &grid)
        grid.drawBorder(box, set: state.glyphs.border, token: .borderFocused)
        grid.put(title, at: Point(x: box.x + 2, y: box.y), token: .titleFocused, maxWidth: box.width - 4)
        grid.put(footer, at: Point(x: max(box.x + 1, box.maxX - 2 - footerWidth), y: box.maxY - 1), token: .muted, clip: box)
        let inner = box.inset(by: 1)
        // The chosen option in view, from its first row when it is taller than the box.
        let chosen = rows.indices.filter { rows[$0].option == choice.selected }
        let first = min(chosen.first ?? 0, max(0, (chosen.last ?? 0) - inner.height + 1))
        // A value wider than the box (a long URL) ends in `…` where it is cut.
        let ellipsis = grid.displayed(state.glyphs.ellipsis)
        for (offset, row) in rows.dropFirst(first).prefix(inner.height).enumerated() {
            let y = inner.y + offset
            grid.put(DisplayWidth.truncate(row.text, to: inner.width - 1, ellipsis: ellipsis),
                     at: Point(x: inner.x + 1, y: y), token: .foreground, clip: inner)
            if row.option == choice.selected {
                grid.restyle(Rect(x: inner.x, y: y, width: inner.width, height: 1), token: .selection)
            }
        }
    }

    /// One row per option, or for a choice that wraps, as many as its label needs in `width`
    /// columns, the continuation indented.
    private static func rows(_ choice: Choice, width: Int, grid: CellGrid) -> [Row] {
        choice.options.enumerated().flatMap { index, option -> [Row] in
            // Wrapped as drawn: in ASCII mode `→` takes two columns.
            let label = grid.displayed(Sanitizer.clean(option.label))
            guard choice.wraps else { return [Row(option: index, text: label)] }
            let first = StyledLines.wrap(label, width: width).first ?? ""
            let rest = String(label.dropFirst(first.count)).drop { $0 == " " }
            let continued = rest.isEmpty ? [] : StyledLines.wrap(String(rest), width: width - 2).map { "  " + $0 }
            return ([first] + continued).map { Row(option: index, text: $0) }
        }
    }
}
