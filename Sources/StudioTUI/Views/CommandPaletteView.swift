import StudioModel

/// The `:` / Ctrl+P overlay: what is typed on top, the matching commands below with their keys,
/// the chosen one highlighted.
enum CommandPaletteView {
    static func render(_ state: AppState, into grid: inout CellGrid) {
        guard let palette = state.palette else { return }
        let matches = palette.matches(in: state.keyMap, readonly: state.readonly)
        let box = self.box(state.size, rows: matches.count)
        FrameView.cover(box, border: state.glyphs.border, into: &grid)
        grid.drawBorder(box, set: state.glyphs.border, token: .borderFocused)
        grid.put(" Commands ", at: Point(x: box.x + 2, y: box.y), token: .titleFocused)
        let footer = " ⏎ run · Esc closes "
        grid.put(footer, at: Point(x: box.maxX - 2 - grid.width(of: footer), y: box.maxY - 1), token: .muted)
        let inner = box.inset(by: 1)
        let prompt = state.ascii ? "> " : "› "
        let written = grid.put(prompt, at: Point(x: inner.x + 1, y: inner.y), token: .hintKey, clip: inner)
        // A query longer than the input scrolls sideways to keep its caret, `_`, in view (QA).
        let (before, after) = HintBarView.split(palette.query, atCursor: state.lineCursor)
        let room = inner.width - 1 - written
        let offset = HorizontalScroll.offset(
            0, caret: DisplayWidth.width(of: before), lineWidth: DisplayWidth.width(of: palette.query), width: room)
        grid.put(
            HorizontalScroll.window(of: before + "_" + after, from: offset, width: room, marks: .forScreen(ascii: state.ascii)),
            at: Point(x: inner.x + 1 + written, y: inner.y), token: .foreground, clip: inner)
        let listTop = inner.y + 1
        let visible = max(1, inner.height - 1)
        guard !matches.isEmpty else {
            grid.put("no command matches", at: Point(x: inner.x + 1, y: listTop), token: .muted, clip: inner)
            return
        }
        // Keep the chosen row in view.
        let first = min(max(0, palette.selected - visible + 1), max(0, matches.count - visible))
        for (row, binding) in matches.dropFirst(first).prefix(visible).enumerated() {
            let y = listTop + row
            let keys = binding.keyLabel(ascii: state.ascii)
            let keysWidth = DisplayWidth.width(of: keys)
            let titleWidth = max(0, inner.width - keysWidth - 4)
            // A command that cannot apply here is listed dimmed, as lazygit's menu does; run, it says why.
            let applies = state.disabledReason(binding) == nil
            grid.put(
                DisplayWidth.truncate(grid.displayed(binding.title), to: titleWidth, ellipsis: state.glyphs.ellipsis),
                at: Point(x: inner.x + 1, y: y), token: applies ? .foreground : .muted, clip: inner)
            grid.put(keys, at: Point(x: inner.maxX - 1 - keysWidth, y: y), token: applies ? .helpKey : .muted, clip: inner)
            if first + row == palette.selected {
                grid.restyle(Rect(x: inner.x, y: y, width: inner.width, height: 1), token: .selection)
            }
        }
    }

    /// Near the top, like the palettes it follows, and wide enough for the longest titles.
    private static func box(_ size: Size, rows: Int) -> Rect {
        let width = min(size.width - 4, 96)
        let height = min(size.height - 4, max(1, rows) + 3)
        return Rect(x: (size.width - width) / 2, y: 2, width: width, height: height)
    }
}
