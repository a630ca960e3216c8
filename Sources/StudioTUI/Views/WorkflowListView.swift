import StudioModel

/// The workflow list (left pane): `▶ welcome-series  ●`.
enum WorkflowListView {
    static func listRows(_ state: AppState) -> [SelectableListView.Row] {
        state.workspace.workflows.map { .named($0.id, enabled: $0.enabled, glyphs: state.glyphs) }
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
