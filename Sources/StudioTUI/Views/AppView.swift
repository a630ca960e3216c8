import StudioModel

/// The studio's view: renders a state into a fresh grid. Pure.
public func renderApp(_ state: AppState) -> CellGrid {
    var grid = CellGrid(size: state.size, asciiOnly: state.ascii)
    let layout = AppLayout.compute(state)
    if layout.isTooSmall {
        TooSmallView.render(size: state.size, unsavedTyping: state.hasUnsavedTyping, into: &grid)
        return grid
    }
    FrameView.render(state, layout: layout, into: &grid)
    renderListAndDetails(state, layout: layout, into: &grid)
    TrafficPaneView.render(
        state, area: layout.traffic, coveredBelow: HintBarView.rowsCoveredByLongMessage(state, area: layout.hint, grid: grid),
        into: &grid)
    HintBarView.render(state, area: layout.hint, into: &grid)
    if state.bodyEditor != nil { BodyEditorView.render(state, into: &grid) }
    if state.details != nil { TrafficDetailsView.render(state, into: &grid) }
    if state.showHelp { HelpOverlay.render(state, into: &grid) }
    if state.palette != nil { CommandPaletteView.render(state, into: &grid) }
    if state.choice != nil { ChoiceView.render(state, into: &grid) }
    // A message too long for the hint row goes over everything, so it is read whole.
    HintBarView.renderLongMessage(state, area: layout.hint, into: &grid)
    return grid
}

/// The upper panes of the screen shown: its list and the selection's details.
private func renderListAndDetails(_ state: AppState, layout: AppLayout, into grid: inout CellGrid) {
    func list(_ rows: [SelectableListView.Row], _ selection: ListState, _ pane: Pane, _ empty: String) {
        SelectableListView.render(
            rows, list: selection, focused: state.focus == pane, empty: empty, state: state, area: layout.list, into: &grid)
    }
    let width = layout.details.width - 2
    switch state.screen {
    case .workflows:
        list(WorkflowListView.listRows(state), state.workflows, .workflows, "no workflows")
        WorkflowTreeView.render(state, area: layout.details, into: &grid)
    case .webhooks:
        list(WebhookSettingsView.listRows(state), state.webhooks, .webhooks, "no webhooks (n adds one)")
        DetailsPaneView.render(WebhookSettingsView.lines(state, width: width), state: state, area: layout.details, into: &grid)
    case .systemWebhooks:
        list(SystemWebhookSettingsView.listRows(state), state.systemWebhooks, .systemWebhooks, "no system webhooks")
        DetailsPaneView.render(
            SystemWebhookSettingsView.lines(state, width: width), state: state, area: layout.details, into: &grid)
    case .users:
        list(UserProfileView.listRows(state), state.users.list, .users, UserProfileView.emptyText(state))
        DetailsPaneView.render(UserProfileView.lines(state, width: width), state: state, area: layout.details, into: &grid)
    case .traffic:
        break
    }
}

/// Shown instead of the studio when the terminal is below 80×24.
enum TooSmallView {
    /// `unsavedTyping`: a form field or the body editor holds unsaved typing, which `q` does not
    /// throw away (QA F11): the notice says how to get back to it instead.
    static func render(size: Size, unsavedTyping: Bool = false, into grid: inout CellGrid) {
        let need = "(need \(AppLayout.minimumSize.width)×\(AppLayout.minimumSize.height))"
        let oneLine = "terminal too small " + need
        let back = "enlarge it to go back to your unsaved typing"
        let last = !unsavedTyping ? ["q quits"] : DisplayWidth.width(of: back) <= size.width ? [back] : ["enlarge it to go back", "to your unsaved typing"]
        let lines = DisplayWidth.width(of: oneLine) <= size.width
            ? [oneLine, "have \(size.width)×\(size.height)"] + last
            : ["terminal too small", need, "have \(size.width)×\(size.height)"] + last
        let top = max(0, (size.height - lines.count) / 2)
        for (index, line) in lines.enumerated() {
            let text = DisplayWidth.truncate(line, to: size.width, ellipsis: "")
            let x = max(0, (size.width - DisplayWidth.width(of: text)) / 2)
            grid.put(text, at: Point(x: x, y: top + index), token: index == 0 ? .statusWarn : .muted)
        }
    }
}
