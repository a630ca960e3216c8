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
        // At the right, while files did not load: how many problems, and the key that lists them.
        var badgeWidth = 0
        if let summary = Problems.summary(state.workspace) {
            let room = state.size.width - 2 - segments.reduce(0) { $0 + DisplayWidth.width(of: $1.text) }
            let count = state.workspace.diagnostics.count
            let badges = [" ! \(summary) ", " ! \(counted(count, "problem")) ", " ! \(count) "]
            let badge = badges.first { DisplayWidth.width(of: $0) <= room } ?? badges[badges.count - 1]
            badgeWidth = DisplayWidth.width(of: badge)
            let token: ThemeToken = state.workspace.errors.isEmpty ? .statusWarn : .statusError
            grid.put(badge, at: Point(x: max(1, state.size.width - 1 - badgeWidth), y: y), token: token)
        }
        grid.put(
            segments, at: Point(x: 1, y: y), maxWidth: max(0, state.size.width - 2 - badgeWidth), ellipsis: state.glyphs.ellipsis)
    }
}
