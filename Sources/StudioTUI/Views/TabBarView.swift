import StudioModel

/// The second row: the screens and the digit that shows each, the current one highlighted.
enum TabBarView {
    static func render(_ state: AppState, y: Int, into grid: inout CellGrid) {
        var segments: [Segment] = []
        for screen in Screen.allCases {
            let current = screen == state.screen
            segments.append(Segment(" \(screen.rawValue) ", current ? .titleFocused : .hintKey))
            segments.append(Segment(screen.title + " ", current ? .titleFocused : .hintText))
        }
        grid.put(segments, at: Point(x: 1, y: y), maxWidth: max(0, state.size.width - 2), ellipsis: state.glyphs.ellipsis)
    }
}
