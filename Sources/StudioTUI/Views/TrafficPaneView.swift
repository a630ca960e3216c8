import StudioModel

/// Live traffic (bottom pane): one attempt per line, newest at the bottom while following.
enum TrafficPaneView {
    /// - Parameter coveredBelow: Rows at the bottom of `area` that a long message covers: while
    ///   following, the newest lines are drawn above them, so they stay in view.
    static func render(_ state: AppState, area: Rect, coveredBelow: Int = 0, into grid: inout CellGrid) {
        guard state.trafficCount > 0 else {
            let text =
                state.traffic.filter != nil ? "nothing matches the filter (/ to change it)"
                : state.trafficConnected ? "waiting for traffic…" : "no traffic source"
            grid.put(text, at: Point(x: area.x + 1, y: area.y), token: .muted, maxWidth: area.width - 2)
            return
        }
        let list = state.traffic.list
        var first = list.offset
        if state.traffic.follow, coveredBelow > 0 {
            first = max(list.offset, state.trafficCount - max(1, area.height - coveredBelow))
        }
        for line in 0..<area.height {
            let position = first + line
            guard let record = state.trafficRecord(at: position) else { break }
            let segments = TrafficRow.segments(
                for: record, width: area.width - 2, timeZone: state.timeZone, ellipsis: state.glyphs.ellipsis,
                ascii: state.ascii, scheduledAttempts: state.workspace.scheduledAttempts(ofWebhook: record.webhookID))
            grid.put(segments, at: Point(x: area.x + 1, y: area.y + line), maxWidth: area.width - 2,
                     ellipsis: state.glyphs.ellipsis)
            if position == list.selected {
                if state.focus == .traffic {
                    grid.restyle(area.row(line), token: .selection)
                } else if !state.traffic.follow {
                    grid.restyle(area.row(line), token: .selectionInactive)
                }
            }
        }
    }
}
