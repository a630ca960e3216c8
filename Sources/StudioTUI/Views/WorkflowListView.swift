import StudioModel

/// The workflow list (left pane): `▶ welcome-series  ●`.
enum WorkflowListView {
    static func render(_ state: AppState, area: Rect, into grid: inout CellGrid) {
        let workflows = state.workspace.workflows
        let glyphs = state.glyphs
        if workflows.isEmpty {
            grid.put("no workflows", at: Point(x: area.x + 1, y: area.y), token: .muted, maxWidth: area.width - 2)
            return
        }
        for row in 0..<area.height {
            let index = state.workflows.offset + row
            guard index < workflows.count else { break }
            let workflow = workflows[index]
            let y = area.y + row
            let selected = index == state.workflows.selected
            let marker = selected ? glyphs.selectedMarker + " " : "  "
            let dot = workflow.enabled ? glyphs.bullet : glyphs.hollowBullet
            let nameWidth = area.width - 2 - 2 - 2
            grid.put(marker, at: Point(x: area.x + 1, y: y), token: .listMarker)
            grid.put(DisplayWidth.truncate(Sanitizer.clean(workflow.id), to: nameWidth, ellipsis: glyphs.ellipsis),
                     at: Point(x: area.x + 3, y: y), token: .foreground, maxWidth: nameWidth)
            grid.put(dot, at: Point(x: area.maxX - 2, y: y), token: workflow.enabled ? .success : .muted)
            if selected {
                grid.restyle(area.row(row), token: state.focus == .workflows ? .selection : .selectionInactive)
            }
        }
    }
}

/// The selected workflow as a tree (right pane).
enum WorkflowTreeView {
    static func render(_ state: AppState, area: Rect, into grid: inout CellGrid) {
        guard let workflow = state.selectedWorkflow else {
            grid.put("select a workflow", at: Point(x: area.x + 1, y: area.y), token: .muted, maxWidth: area.width - 2)
            return
        }
        let rows = WorkflowTree.rows(for: workflow, in: state.workspace, glyphs: state.glyphs)
        for line in 0..<area.height {
            let index = state.tree.offset + line
            guard index < rows.count else { break }
            grid.put(rows[index].segments, at: Point(x: area.x + 1, y: area.y + line), maxWidth: area.width - 2,
                     ellipsis: state.glyphs.ellipsis)
            if state.focus == .workflow, index == state.tree.selected {
                grid.restyle(area.row(line), token: .selection)
            }
        }
    }
}
