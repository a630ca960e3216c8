import StudioModel

/// The frame lines with the header and the pane titles written into them.
enum FrameView {
    static func render(_ state: AppState, layout: AppLayout, into grid: inout CellGrid) {
        let glyphs = state.glyphs
        let border = glyphs.border
        let width = state.size.width
        let right = width - 1
        let horizontal = { (count: Int) in String(repeating: border.horizontal, count: max(0, count)) }

        // Outer frame and separators; the vertical line only where a list sits beside details.
        grid.drawBorder(Rect(x: 0, y: 0, width: width, height: state.size.height), set: border, token: .border)
        for y in Set([layout.paneSeparatorY, layout.trafficSeparatorY, layout.hintSeparatorY]) {
            grid.put(border.teeLeft + horizontal(width - 2) + border.teeRight, at: Point(x: 0, y: y), token: .border)
        }
        if state.screen.hasListAndDetails {
            for y in (layout.paneSeparatorY + 1)..<layout.trafficSeparatorY {
                grid.put(border.vertical, at: Point(x: layout.splitX, y: y), token: .border)
            }
            grid.put(border.teeDown, at: Point(x: layout.splitX, y: layout.paneSeparatorY), token: .border)
            grid.put(border.teeUp, at: Point(x: layout.splitX, y: layout.trafficSeparatorY), token: .border)
        }

        // Header: name at left, live state at right.
        let live = liveState(state)
        let liveWidth = live.reduce(0) { $0 + DisplayWidth.width(of: $1.text) }
        let name = Sanitizer.clean(state.workspace.settings.name)
        grid.put([Segment(" Hookline ", .title), Segment("\(glyphs.dot) ", .border), Segment(name + " ", .title)],
                 at: Point(x: 1, y: 0), maxWidth: max(0, width - liveWidth - 4), ellipsis: glyphs.ellipsis)
        grid.put(live, at: Point(x: max(2, right - liveWidth), y: 0), maxWidth: liveWidth, ellipsis: glyphs.ellipsis)

        TabBarView.render(state, y: layout.tabsY, into: &grid)

        // Pane titles.
        if state.screen.hasListAndDetails {
            let (list, details) = paneTitles(state)
            title(list, x: 1, maxX: layout.splitX - 1, y: layout.paneSeparatorY, state: state, into: &grid)
            title(details, x: layout.splitX + 1, maxX: right - 1, y: layout.paneSeparatorY, state: state, into: &grid)
        }

        var trafficTitle = [Segment(" Traffic ", token(.traffic, state))]
        trafficTitle.append(state.traffic.follow
            ? Segment("\(glyphs.dot) follow ", .logIndicatorOn)
            : Segment("\(glyphs.dot) paused ", .logIndicatorOff))
        if let filter = state.traffic.filter {
            trafficTitle.append(Segment("\(glyphs.dot) filter \(Sanitizer.clean(filter.text)) ", .statusWarn))
        }
        let lines = state.log.count == 1 ? "line" : "lines"
        var counts = state.traffic.filter == nil
            ? " \(grouped(state.log.count)) \(lines)"
            : " \(grouped(state.trafficCount)) of \(grouped(state.log.count)) \(lines)"
        if state.traffic.unseen > 0 { counts += " \(glyphs.dot) \(grouped(state.traffic.unseen)) new" }
        if state.log.droppedCount > 0 { counts += " \(glyphs.dot) \(grouped(state.log.droppedCount)) dropped" }
        counts += " "
        let countsWidth = DisplayWidth.width(of: counts)
        let countsX = max(30, right - 1 - countsWidth)
        // The title ends before the counts, with an ellipsis when cut: drawn over, a filter cut
        // mid-word looked whole (QA F9).
        let titleMaxX = countsX - 1
        title(trafficTitle, x: 1, maxX: titleMaxX, y: layout.trafficSeparatorY, state: state, into: &grid)
        grid.put(counts, at: Point(x: countsX, y: layout.trafficSeparatorY),
                 token: state.traffic.unseen > 0 ? .statusWarn : .muted, maxWidth: countsWidth)
    }

    /// Blanks `box` for an overlay and the column on each side of it, inside the frame: a divider
    /// running under the overlay left a stub between it and the frame's edge (QA). The frame's tee
    /// there, leading nowhere now, becomes a plain edge.
    static func cover(_ box: Rect, border: BorderSet, into grid: inout CellGrid) {
        let interior = grid.bounds.inset(by: 1)
        grid.fill(box)
        for x in [box.x - 1, box.maxX] {
            grid.fill(Rect(x: x, y: box.y, width: 1, height: box.height).intersection(interior))
        }
        for y in box.y..<box.maxY {
            for (edge, inward, tee) in [(0, 1, border.teeLeft), (grid.size.width - 1, grid.size.width - 2, border.teeRight)]
            where grid[edge, y].grapheme == tee && grid[inward, y].grapheme == " " {
                grid.put(border.vertical, at: Point(x: edge, y: y), token: .border)
            }
        }
    }

    /// The header's right end: whether traffic flows and from whom, with its rate and error share.
    /// A read-only studio runs no executor: it watches what the workspace's executor stores.
    private static func liveState(_ state: AppState) -> [Segment] {
        let glyphs = state.glyphs
        if state.storeLost != nil { return [Segment(" \(glyphs.cross) nothing is stored ", .statusError)] }
        if state.storeFailing != nil { return [Segment(" \(glyphs.cross) store failing ", .statusError)] }
        guard state.trafficConnected else { return [Segment(" \(glyphs.hollowBullet) offline ", .headerIdle)] }
        let stats = Segment(TrafficStats(log: state.log, now: state.now).summary + " ", .foreground)
        guard state.readonly else { return [Segment(" \(glyphs.bullet) live ", .headerLive), stats] }
        return [Segment(" \(glyphs.bullet) watching ", .headerLive), stats, Segment("\(glyphs.dot) read-only ", .muted)]
    }

    /// The titles over the list and over the details of the screen shown.
    private static func paneTitles(_ state: AppState) -> (list: [Segment], details: [Segment]) {
        let dot = state.glyphs.dot
        let screen = state.screen
        let listPane = screen.panes[0]
        let detailsPane = screen.panes[1]
        var list = [Segment(" \(screen.title) ", token(listPane, state))]
        let details: [Segment]
        switch screen {
        case .workflows:
            details = state.selectedWorkflow.map {
                [Segment(" \(Sanitizer.clean($0.id)) ", token(detailsPane, state)),
                 Segment("\(dot) \(Sanitizer.clean($0.name)) ", .muted)]
            } ?? [Segment(" Workflow ", token(detailsPane, state))]
        case .webhooks:
            details = state.selectedWebhook.map {
                [Segment(" \(Sanitizer.clean($0.id)) ", token(detailsPane, state))]
            } ?? [Segment(" Webhook ", token(detailsPane, state))]
        case .systemWebhooks:
            details = state.selectedSystemWebhook.map {
                [Segment(" \(Sanitizer.clean($0.id)) ", token(detailsPane, state))]
            } ?? [Segment(" System webhook ", token(detailsPane, state))]
        case .users:
            if let total = state.users.total { list.append(Segment("\(dot) \(grouped(total)) ", .muted)) }
            details = state.users.selected.map {
                [Segment(" \(Sanitizer.clean($0.email)) ", token(detailsPane, state))]
            } ?? [Segment(" Profile ", token(detailsPane, state))]
        case .traffic:
            details = []
        }
        return (list, details)
    }

    private static func token(_ pane: Pane, _ state: AppState) -> ThemeToken {
        state.focus == pane ? .titleFocused : .title
    }

    private static func title(
        _ segments: [Segment], x: Int, maxX: Int, y: Int, state: AppState, into grid: inout CellGrid
    ) {
        grid.put(segments, at: Point(x: x + 1, y: y), maxWidth: max(0, maxX - x - 1), ellipsis: state.glyphs.ellipsis)
    }

    /// `12345` → `12,345`.
    static func grouped(_ value: Int) -> String {
        let digits = String(value)
        var result = ""
        for (index, character) in digits.enumerated() {
            if index > 0, (digits.count - index) % 3 == 0 { result.append(",") }
            result.append(character)
        }
        return result
    }
}
