import StudioModel

/// `a`, `d`, `c`, `J`, `K` in the tree: a step added, deleted, connected or moved, each saved to
/// the workflow's file at once (checked like an edit) and shown when the workspace reloads.
func changeStep(_ command: CommandID, in state: inout AppState) -> [Effect] {
    guard state.focus == .workflow, let workflow = state.selectedWorkflow,
        let path = state.workspace.path(ofWorkflow: workflow.id)
    else { return [] }
    let step = state.selectedTreeRow?.nodeID
    func change(_ change: WorkflowNodeChange) -> Effect { .changeWorkflow(path: path, change) }
    // Row 0 is the start: a step added there comes first. Other rows without a step (a
    // split's exit, the unreachable heading) have nothing to add after.
    if command == .addStep, step != nil || state.tree.selected == 0 {
        let options = WorkflowNodeChange.NewNodeKind.allCases.map { kind in
            Choice.Option(label: kind.title, effects: [change(.add(kind, after: step))], selects: kind.newID(in: workflow))
        }
        state.choice = Choice(title: step.map { "Add a step after \($0)" } ?? "Add a first step", options: options)
        return []
    }
    guard let step else {
        state.status = StatusMessage("select a step (this row has none)", level: .warning)
        return []
    }
    switch command {
    case .deleteStep:
        state.confirmation = Confirmation(
            question: "delete step \(step) from \(workflow.id)? y deletes it, any other key keeps it",
            effects: [change(.delete(node: step))], selects: nil)
    case .connectStep:
        state.choice = Forms.connect(step, in: workflow, path: path)
    case .moveStepDown, .moveStepUp:
        state.selectStepOnReload = step
        return [change(.move(node: step, down: command == .moveStepDown))]
    default:
        break
    }
    return []
}

/// ⏎ on a step of the tree: its form; a read-only studio shows the same fields, none editable.
func openStepForm(in state: inout AppState) -> [Effect] {
    guard let workflow = state.selectedWorkflow, let path = state.workspace.path(ofWorkflow: workflow.id),
        let id = state.selectedTreeRow?.nodeID, let node = workflow.node(id: id)
    else { return [] }
    var form = Forms(hidden: state.secretValues).step(node, in: workflow, path: path, workspace: state.workspace)
    if state.readonly {
        form.title += " (read-only)"
        let shownOnly = StatusMessage("read-only: the step's fields are shown, not edited", level: .warning)
        form.options = form.options.map { Choice.Option(label: $0.label, then: .status(shownOnly)) }
    }
    state.choice = form
    return []
}

/// Typing a form field's new value: ⏎ saves it, Esc leaves the field as it was. A value refused
/// (here, or by the checks of the save) leaves the line open with the text typed and why, as
/// the filter does: the text is fixed, not typed again. The line closes once the value is
/// saved (``Action/fieldSaved``).
func editField(_ key: KeyEvent, in state: inout AppState) -> [Effect] {
    guard var input = state.fieldInput else { return [] }
    switch editLine(input.text, with: key, cursor: &state.lineCursor) {
    case .cancel:
        state.fieldInput = nil
    case .submit:
        guard input.text != input.original else {
            state.fieldInput = nil
            state.status = StatusMessage("\(input.field.key) unchanged")
            return []
        }
        switch input.field.parse(input.text, secretValues: state.secretValues) {
        case .refused(let why):
            state.status = StatusMessage(why, level: .warning)
            return []
        case .value(let value):
            state.status = StatusMessage("saving \(input.field.key)…")
            return [.setField(input.field, value)]
        case .entry(let key, let value):
            var field = input.field
            field.key = key
            field.kind = .headerValue
            state.status = StatusMessage("saving \(key)…")
            return [.setField(field, value)]
        }
    case .edited(let text):
        input.text = text
        state.fieldInput = input
    case .ignored:
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
        switch option.then {
        case .choice(let next): state.choice = next
        case .input(let input): state.fieldInput = input
        case .status(let message): state.status = message
        case nil: break
        }
        return option.effects
    default:
        break
    }
    state.choice = choice
    return []
}
