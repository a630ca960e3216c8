import StudioModel

/// `a`, `d`, `c`, `J`, `K` in the tree: a step added, deleted, connected or moved, each saved to
/// the workflow's file at once (checked like an edit) and shown when the workspace reloads.
func changeStep(_ command: CommandID, in state: inout AppState) -> [Effect] {
    guard state.focus == .workflow, let workflow = state.selectedWorkflow,
        let path = state.workspace.path(ofWorkflow: workflow.id)
    else { return [] }
    let rows = WorkflowTree.rows(for: workflow, in: state.workspace, glyphs: state.glyphs)
    let step = state.tree.selected < rows.count ? rows[state.tree.selected].nodeID : nil
    func change(_ change: WorkflowNodeChange) -> Effect { .changeWorkflow(workflowID: workflow.id, path: path, change) }
    if command == .addStep {
        let options = WorkflowNodeChange.NewNodeKind.allCases.map { kind in
            Choice.Option(label: kind.title, effects: [change(.add(kind, after: step))], selects: kind.newID(in: workflow))
        }
        state.choice = Choice(title: step.map { "Add a step after \($0)" } ?? "Add a first step", options: options)
        return []
    }
    guard let step else {
        state.status = StatusMessage("select a step (the start row has none)", level: .warning)
        return []
    }
    switch command {
    case .deleteStep:
        state.confirmation = Confirmation(
            question: "delete step \(step) from \(workflow.id)? y deletes it, any other key keeps it",
            effects: [change(.delete(node: step))], selects: nil)
    case .connectStep:
        var options = workflow.nodes.filter { $0.id != step }.map {
            Choice.Option(label: $0.id, effects: [change(.connect(node: step, to: $0.id))], selects: step)
        }
        options.append(Choice.Option(label: "(end the journey here)", effects: [change(.connect(node: step, to: nil))], selects: step))
        state.choice = Choice(title: "\(step) leads to", options: options)
    case .moveStepDown, .moveStepUp:
        state.selectStepOnReload = step
        return [change(.move(node: step, down: command == .moveStepDown))]
    default:
        break
    }
    return []
}

/// Keys while a choice is open: the navigation keys choose, ⏎ takes it, Esc closes.
func choose(_ key: KeyEvent, in state: inout AppState) -> [Effect] {
    guard var choice = state.choice else { return [] }
    let count = choice.options.count
    switch key {
    case .char("j"), .down, .tab, .ctrl("n"): choice.selected = (choice.selected + 1) % max(1, count)
    case .char("k"), .up, .backTab, .ctrl("p"): choice.selected = (choice.selected + max(1, count) - 1) % max(1, count)
    case .char("g"), .home: choice.selected = 0
    case .char("G"), .end: choice.selected = max(0, count - 1)
    case .escape, .char("q"):
        state.choice = nil
        return []
    case .enter:
        state.choice = nil
        guard choice.selected < count else { return [] }
        let option = choice.options[choice.selected]
        state.selectStepOnReload = option.selects
        return option.effects
    default:
        break
    }
    state.choice = choice
    return []
}
