import StudioModel

/// A list at the left of a screen: `▶ name   ●`, the selection highlighted (dimmer when the
/// pane is not focused).
enum SelectableListView {
    struct Row {
        var name: String
        /// Right-aligned, such as an enabled dot or a method.
        var trailing: Segment?

        /// A row ending in `●` when `enabled`, else `○`.
        static func named(_ name: String, enabled: Bool, glyphs: Glyphs) -> Row {
            Row(name: name, trailing: Segment(enabled ? glyphs.bullet : glyphs.hollowBullet, enabled ? .success : .muted))
        }
    }

    static func render(
        _ rows: [Row], list: ListState, focused: Bool, empty: String, state: AppState, area: Rect,
        into grid: inout CellGrid
    ) {
        let glyphs = state.glyphs
        if rows.isEmpty {
            grid.put(empty, at: Point(x: area.x + 1, y: area.y), token: .muted, maxWidth: area.width - 2)
            return
        }
        for line in 0..<area.height {
            let index = list.offset + line
            guard index < rows.count else { break }
            let row = rows[index]
            let y = area.y + line
            let selected = index == list.selected
            let trailingWidth = row.trailing.map { DisplayWidth.width(of: $0.text) + 1 } ?? 0
            let nameWidth = max(1, area.width - 4 - trailingWidth)
            grid.put(selected ? glyphs.selectedMarker + " " : "  ", at: Point(x: area.x + 1, y: y), token: .listMarker)
            grid.put(DisplayWidth.truncate(Sanitizer.clean(row.name), to: nameWidth, ellipsis: glyphs.ellipsis),
                     at: Point(x: area.x + 3, y: y), token: .foreground, maxWidth: nameWidth)
            if let trailing = row.trailing {
                grid.put(trailing.text, at: Point(x: area.maxX - trailingWidth, y: y), token: trailing.token)
            }
            if selected {
                grid.restyle(area.row(line), token: focused ? .selection : .selectionInactive)
            }
        }
    }
}

/// The details at the right of a screen, scrolled by ``AppState/detailScroll``.
enum DetailsPaneView {
    static func render(_ lines: [StyledLine], state: AppState, area: Rect, into grid: inout CellGrid) {
        for (row, line) in lines.dropFirst(state.detailScroll).prefix(area.height).enumerated() {
            grid.put(line.segments, at: Point(x: area.x + 1, y: area.y + row), maxWidth: area.width - 2,
                     ellipsis: state.glyphs.ellipsis)
        }
    }
}
