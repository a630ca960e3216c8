import Foundation
import StudioModel

/// The studio's update function: applies `action` to `state` and returns the effects to run.
/// Pure: no I/O, no clock, no randomness.
public func reduce(_ state: inout AppState, _ action: Action) -> [Effect] {
    switch action {
    case .key(let key):
        // Ctrl+Z suspends from anywhere, a prompt or the body editor too: nothing is lost by it.
        if state.keyMap.command(for: key, in: .global, readonly: state.readonly) == .suspend { return [.suspend] }
        // Under the "terminal too small" notice nothing can be seen to act on: only quitting (q, as
        // the notice says, but not over unsaved typing; Ctrl+C whatever) and redraw.
        if AppLayout.compute(state).isTooSmall {
            switch state.keyMap.command(for: key, focus: state.focus, readonly: state.readonly) {
            case .quit? where key != .char("q") || !state.hasUnsavedTyping: return [.quit(code: 0)]
            case .redraw?: return [.redraw]
            default: return []
            }
        }
        // Ctrl+C quits from a prompt, the palette or a question as from anywhere (tui.md §6: quit,
        // confirming only over unsaved typing, which the body editor asks about itself).
        if key == .ctrl("c"), state.bodyEditor == nil,
            state.keyMap.command(for: key, in: .global, readonly: state.readonly) == .quit
        {
            return [.quit(code: 0)]
        }
        state.status = nil
        // A step to select after a change that did not reload the workspace (it failed) is stale.
        state.selectStepOnReload = nil
        if let confirmation = state.confirmation {
            state.confirmation = nil
            guard key == .char("y") else { return [] }
            state.selectStepOnReload = confirmation.selects
            return confirmation.effects
        }
        // A prompt closed by anything but its own keys leaves no caret behind for the next one.
        if !state.isTypingALine { state.lineCursor = 0 }
        if state.fieldInput != nil {
            return editField(key, in: &state)
        }
        if state.choice != nil {
            return choose(key, in: &state)
        }
        if state.palette != nil {
            return editPalette(key, in: &state)
        }
        if state.showHelp {
            switch key {
            case .escape, .char("?"), .char("q"), .enter: state.showHelp = false
            case .char("j"), .down: state.helpScroll = min(state.helpScroll + 1, HelpOverlay.maximumScroll(state))
            case .char("k"), .up: state.helpScroll = max(0, state.helpScroll - 1)
            default: break
            }
            return []
        }
        if state.traffic.filterInput != nil {
            editFilter(key, in: &state)
            return []
        }
        if state.stepUserInput != nil {
            return editStepUser(key, in: &state)
        }
        if state.runInput != nil {
            return editRunInput(key, in: &state)
        }
        if state.users.findInput != nil {
            return editUserFind(key, in: &state)
        }
        if state.details != nil {
            if [.escape, .char("q"), .enter].contains(key) {
                state.details = nil
                return []
            }
            guard let binding = state.keyMap.binding(for: key, focus: .traffic, readonly: state.readonly)
                ?? state.keyMap.binding(for: key, focus: .traffic, readonly: false)
            else { return [] }
            if let why = state.disabledReason(binding) { return refuse(binding, because: why, in: &state) }
            return performInDetails(binding.id, on: &state)
        }
        if state.bodyEditor != nil {
            return editBody(key, in: &state)
        }
        // A key hidden for now (read-only, nothing to apply it to) says why rather than nothing.
        guard let binding = state.keyMap.binding(for: key, focus: state.focus, readonly: state.readonly)
            ?? state.keyMap.binding(for: key, focus: state.focus, readonly: false)
        else {
            sayWhereKeyApplies(key, in: &state)
            return []
        }
        return performIfItApplies(binding, on: &state)
    case .paste(let text):
        state.status = nil
        return paste(text, into: &state)
    case .command(let command):
        // From the palette, as from its key: a command that cannot apply says why.
        let groups = [state.focus.bindingGroup, .navigation, .global]
        if let binding = state.keyMap.bindings.first(where: { $0.id == command && groups.contains($0.group) }) {
            return performIfItApplies(binding, on: &state)
        }
        return perform(command, on: &state)
    case .resize(let size):
        state.size = size
        normalizeLists(&state)
        return []
    case .tick(let date):
        state.now = date
        // `{{now}}` and the date helpers move with the clock.
        state.bodyEditor?.renderPreview(now: date)
        return state.bodyEditor?.draftEffects() ?? []
    case .traffic(let records, let dropped):
        ingest(records, dropped: dropped, into: &state)
        return []
    case .terminate(let signal):
        // A dropped SSH connection must not lose the body editor's typing (QA F3).
        let keep = state.bodyEditor.flatMap { editor in
            editor.isDirty
                ? Effect.keepBodyDraft(path: editor.path, editor.typing, replacing: editor.keptDraft, announced: true) : nil
        }
        return (keep.map { [$0] } ?? []) + [.quit(code: 128 + signal)]
    case .status(let message):
        state.status = message
        return []
    case .fieldSaved:
        state.fieldInput = nil
        return []
    case .draftChecked(let draft):
        state.draftProblems[draft.path] = draft.problems.isEmpty ? nil : draft
        return []
    case .executorChecked(let holder):
        if state.executorElsewhere != nil, holder == nil {
            state.status = StatusMessage("the process that ran this workspace's journeys has stopped: this studio runs them now")
        }
        state.executorElsewhere = holder
        return []
    case .storeFailing(let failure):
        let wasFailing = state.storeFailing != nil
        state.storeFailing = failure
        if let failure, !wasFailing {
            state.status = StatusMessage(failure, level: .error)
        } else if failure == nil, wasFailing {
            state.status = StatusMessage("the store takes writes again: what waited is stored")
        }
        return []
    case .storeLost(let problem):
        state.storeLost = problem
        state.status = StatusMessage(
            "\(problem); quit, and start the studio again to store into a new one", level: .error)
        return []
    case .workspaceChanged(let workspace):
        let lastGood = workspace.keepingLastGood(from: state.workspace)
        showWorkspace(lastGood.workspace, in: &state)
        if let step = state.selectStepOnReload, let row = state.treeRows.firstIndex(where: { $0.nodeID == step }) {
            state.tree.selected = row
            normalizeLists(&state)
        }
        state.selectStepOnReload = nil
        if let note = keptNote(lastGood.kept) {
            state.status = StatusMessage([state.status?.text, note].compactMap(\.self).joined(separator: " · "), level: .warning)
        }
        return [.applyWorkspace(lastGood.workspace)]
    case .workspaceChangedOnDisk(let reload):
        return showReloaded(reload, in: &state)
    case .secretsReloaded(let values, let problem):
        showSecretsReloaded(values: values, problem: problem, in: &state)
        return []
    case .showExchange(let record):
        state.showHelp = false
        return openExchange(Sanitizer.clean(record), in: &state)
    case .responseDecoded(let record, let decoded):
        if state.details?.record == record { state.details?.decoded = decoded }
        return []
    case .showPreview(let record):
        state.showHelp = false
        state.details = TrafficDetails(record: Sanitizer.clean(record), isPreview: true)
        return []
    case .usersLoaded(let page):
        let selected = state.users.selected?.email
        if let prefix = state.users.receive(page) {
            state.status = StatusMessage("no address starts with \(prefix)", level: .warning)
        }
        if state.users.selected?.email != selected { state.detailScroll = 0 }
        normalizeLists(&state)
        // The moves that waited for the page may leave the selection near its end: the next one.
        return state.users.journeysRequest() + (state.users.pageRequest().map { [$0] } ?? [])
    case .journeysLoaded(let journeys):
        if journeys.email == state.users.selected?.email { state.users.journeys = journeys }
        return []
    case .usersUnavailable(let message):
        state.users.loading = nil
        state.users.jump = nil
        state.users.pendingMove = 0
        state.status = message
        return []
    case .bodyEditorOpened(let opened):
        state.details = nil
        state.showHelp = false
        state.bodyEditor = BodyEditor(
            webhookID: opened.webhookID, path: opened.path, type: opened.type, template: opened.template,
            fileText: opened.fileText)
        if let restored = opened.restored {
            state.bodyEditor?.buffer = TextBuffer(restored.template)
            state.bodyEditor?.keptDraft = restored
        }
        state.bodyEditor?.renderPreview(now: state.now)
        return [.loadPreviewUser(email: state.users.selected?.email ?? state.lastStepUser)]
    case .bodySaved(let fileText):
        state.bodyEditor?.saved(as: fileText)
        state.bodyEditor?.renderPreview(now: state.now)
        // The draft was of the file as it was: typing since the save is kept anew at the next tick.
        return state.bodyEditor?.discardDraft() ?? []
    case .previewUserLoaded(let user):
        state.bodyEditor?.previewUser = user
        state.bodyEditor?.previewScroll = 0
        state.bodyEditor?.renderPreview(now: state.now)
        return []
    }
}

/// A key pressed while it cannot apply: the hint row says why. When another process runs the
/// journeys, whether it still does is asked again: once it has stopped, this studio runs them.
/// A key bound only in other panes (`R` on the workflow list) says where it applies, rather than
/// nothing: `R does nothing in Workflows · in Traffic: Replay the selected delivery once: …`.
private func sayWhereKeyApplies(_ key: KeyEvent, in state: inout AppState) {
    let paneGroups = Set(Pane.allCases.map(\.bindingGroup))
    let elsewhere = state.keyMap.bindings.filter { $0.keys.contains(key) && paneGroups.contains($0.group) }
    guard !elsewhere.isEmpty else { return }
    let places = elsewhere.prefix(2).map { "in \($0.group.rawValue): \($0.title)" }
    state.status = StatusMessage(
        "\(key.displayName(ascii: state.ascii)) does nothing in \(state.focus.bindingGroup.rawValue) · "
            + places.joined(separator: " · "))
}

private func refuse(_ binding: Binding, because why: String, in state: inout AppState) -> [Effect] {
    state.status = StatusMessage(why, level: .warning)
    return binding.requires == .executorHere && state.executorElsewhere != nil && !state.readonly ? [.checkExecutor] : []
}

/// Runs `binding`'s command, from its key, the palette or a command action alike: one that cannot
/// apply now says why instead (tui.md §6.1).
private func performIfItApplies(_ binding: Binding, on state: inout AppState) -> [Effect] {
    if let why = state.disabledReason(binding) { return refuse(binding, because: why, in: &state) }
    return perform(binding.id, on: &state)
}

private func perform(_ command: CommandID, on state: inout AppState) -> [Effect] {
    if state.readonly, state.keyMap.binding(command)?.dangerous == true {
        state.status = StatusMessage("read-only: \(command.rawValue) is disabled", level: .warning)
        return []
    }
    switch command {
    case .help:
        state.showHelp.toggle()
        state.helpScroll = 0
    case .palette:
        state.showHelp = false
        state.palette = CommandPalette(focus: state.focus)
    case .quit: return [.quit(code: 0)]
    case .closeOverlay:
        state.showHelp = false
        state.details = nil
    case .nextPane: cycleFocus(by: 1, in: &state)
    case .previousPane: cycleFocus(by: -1, in: &state)
    case .showWorkflows: return show(.workflows, in: &state)
    case .showWebhooks: return show(.webhooks, in: &state)
    case .showSystemWebhooks: return show(.systemWebhooks, in: &state)
    case .showUsers: return show(.users, in: &state)
    case .showTraffic: return show(.traffic, in: &state)
    case .redraw: return [.redraw]
    case .suspend: return [.suspend]
    case .problems:
        state.showHelp = false
        state.details = nil
        guard let choice = Problems.choice(state) else {
            state.status = StatusMessage("no problems: every file of the workspace loaded")
            return []
        }
        state.choice = choice
    case .open:
        switch state.focus {
        case .workflows: state.focus = .workflow
        case .workflow: return openStepForm(in: &state)
        case .webhooks, .webhook:
            if let webhook = state.selectedWebhook, let path = state.workspace.path(ofWebhook: webhook.id), !state.readonly {
                state.choice = Forms(hidden: state.secretValues).webhook(webhook, path: path)
            } else {
                state.focus = .webhook
            }
        case .systemWebhooks: state.focus = .systemWebhook
        case .users: state.focus = .user
        case .traffic:
            if let record = state.trafficRecord(at: state.traffic.list.selected) { return openExchange(record, in: &state) }
        case .systemWebhook, .user: break
        }
    case .replay:
        guard state.focus == .traffic, let record = state.trafficRecord(at: state.traffic.list.selected) else { return [] }
        return replay(record, on: &state)
    case .copyCurl:
        guard state.focus == .traffic, let record = state.trafficRecord(at: state.traffic.list.selected) else {
            state.status = StatusMessage("select an attempt in the traffic pane to copy it as curl", level: .warning)
            return []
        }
        return [.copyAsCurl(record)]
    case .export:
        guard state.focus == .traffic else { return [] }
        let records = (0..<state.trafficCount).compactMap { state.trafficRecord(at: $0) }
        guard !records.isEmpty else {
            state.status = StatusMessage("nothing to export", level: .warning)
            return []
        }
        state.status = StatusMessage("exporting \(records.count) attempts…")
        return [.exportHAR(records)]
    case .filter:
        state.focus = .traffic
        state.traffic.filterInput = state.traffic.filter?.text ?? ""
    case .moveDown: return move(by: 1, in: &state)
    case .moveUp: return move(by: -1, in: &state)
    case .pageDown: return move(by: max(1, pageHeight(state) - 1), in: &state)
    case .pageUp: return move(by: -max(1, pageHeight(state) - 1), in: &state)
    case .top:
        if state.focus == .users { return jumpInUsers(&state) { $0.first() } }
        return move(by: Int.min / 2, in: &state)
    case .bottom:
        if state.focus == .traffic {
            startFollowing(&state)
        } else if state.focus == .users {
            return jumpInUsers(&state) { $0.last() }
        } else {
            return move(by: Int.max / 2, in: &state)
        }
    case .edit:
        guard let path = editablePath(state) else {
            state.status = StatusMessage("nothing to edit here", level: .warning)
            return []
        }
        state.status = StatusMessage("editing \(path)…")
        return [.edit(path: path)]
    case .create:
        let kind: DefinitionSkeleton.Kind
        switch state.focus {
        case .workflows: kind = .workflow
        case .workflow, .webhooks, .webhook: kind = .webhook
        case .systemWebhooks, .systemWebhook: kind = .systemWebhook
        default: return []
        }
        state.status = StatusMessage("new \(kind.rawValue)…")
        return [.create(kind)]
    case .testSend, .preview:
        guard let step = selectedWebhookStep(state) else {
            state.status = StatusMessage(
                state.screen == .webhooks ? "no webhook to send" : "select a step that calls a webhook", level: .warning)
            return []
        }
        state.stepUserInput = StepUserInput(
            purpose: command == .preview ? .preview : .testSend, webhookID: step.webhookID, workflowID: step.workflowID,
            nodeID: step.nodeID, email: state.lastStepUser ?? "")
    case .run:
        guard state.focus == .workflows, let workflow = state.selectedWorkflow else { return [] }
        state.runInput = RunInput(workflowID: workflow.id)
    case .undo:
        state.status = StatusMessage("undoing…")
        return [.undo]
    case .filterToSelection:
        let term: String?
        switch state.focus {
        case .workflows, .workflow: term = state.selectedWorkflow.map { "workflow:\($0.id)" }
        case .webhooks, .webhook: term = state.selectedWebhook.map { "webhook:\($0.id)" }
        case .systemWebhooks, .systemWebhook: term = state.selectedSystemWebhook.map { "webhook:\($0.id)" }
        case .users, .user: term = state.users.selected.map { "user:\($0.email)" }
        case .traffic: term = nil
        }
        guard let term, let filter = try? TrafficFilter(term) else { return [] }
        apply(filter, to: &state)
        state.status = StatusMessage("traffic filtered to \(term)")
    case .findUser:
        state.users.findInput = ""
    case .editBody:
        guard let webhook = state.selectedWebhook, let path = state.workspace.path(ofWebhook: webhook.id) else {
            state.status = StatusMessage("select a webhook with a file", level: .warning)
            return []
        }
        switch webhook.body {
        case .json, .raw:
            state.status = StatusMessage("opening the body of \(webhook.id)…")
            return [.openBodyEditor(webhookID: webhook.id, path: path)]
        case .form:
            state.status = StatusMessage("a form body is fields, not a template: e edits them in the file", level: .warning)
        case .none:
            state.status = StatusMessage("\(webhook.id) has no body: e adds one in the file", level: .warning)
        }
    case .addStep, .deleteStep, .connectStep, .moveStepDown, .moveStepUp:
        return changeStep(command, in: &state)
    case .saveBody, .saveAndTestSend, .previewUser, .previewDown, .previewUp:
        // The body editor's own keys, handled while it is open.
        break
    case .toggleFollow:
        if state.traffic.follow {
            state.traffic.follow = false
        } else {
            startFollowing(&state)
        }
    }
    return []
}

/// Keys while the details overlay is open: navigation scrolls it, replay replays its attempt,
/// `y` copies its request as curl (a preview's too: it can then be sent by hand).
private func performInDetails(_ command: CommandID, on state: inout AppState) -> [Effect] {
    guard var details = state.details else { return [] }
    let page = max(1, TrafficDetailsView.visibleLineCount(state) - 1)
    let all = TrafficDetailsView.lines(for: details.record, isPreview: details.isPreview, decoded: details.decoded, state: state)
    let last = max(0, all.count - TrafficDetailsView.visibleLineCount(state))
    switch command {
    case .moveDown: details.scroll += 1
    case .moveUp: details.scroll -= 1
    case .pageDown: details.scroll += page
    case .pageUp: details.scroll -= page
    case .top: details.scroll = 0
    case .bottom: details.scroll = last
    case .replay:
        guard !details.isPreview else {
            state.status = StatusMessage("a preview was not sent: nothing to replay", level: .warning)
            return []
        }
        return replay(details.record, on: &state)
    case .copyCurl: return [.copyAsCurl(details.record)]
    case .help: state.showHelp = true
    case .quit: return [.quit(code: 0)]
    case .redraw: return [.redraw]
    default: return []
    }
    details.scroll = min(max(0, details.scroll), last)
    state.details = details
    return []
}

private func replay(_ record: AttemptRecord, on state: inout AppState) -> [Effect] {
    if state.readonly {
        state.status = StatusMessage("read-only: replay is disabled", level: .warning)
        return []
    }
    guard record.trigger != .test else {
        state.status = StatusMessage("a test send is no delivery, so it has nothing to replay: t sends another", level: .warning)
        return []
    }
    state.status = StatusMessage("replaying \(record.deliveryID)…")
    return [.replay(deliveryID: record.deliveryID)]
}

private func pageHeight(_ state: AppState) -> Int {
    AppLayout.compute(state).height(of: state.focus)
}

/// Shows `screen` with its list focused; the Users screen asks for its first page again, so
/// it shows the store as it is now.
private func show(_ screen: Screen, in state: inout AppState) -> [Effect] {
    state.details = nil
    state.showHelp = false
    state.screen = screen
    state.focus = screen.panes[0]
    state.detailScroll = 0
    normalizeLists(&state)
    guard screen == .users else { return [] }
    // Profiles and journeys are read again: the store has moved on since the screen was last shown.
    state.users.journeys = nil
    state.users.loading = .after(nil)
    state.users.pendingMove = 0
    return [.loadUsers(after: nil)]
}

/// `g` and `G` on the Users screen: the first or last stored user, selected in place when the
/// rows loaded reach it, else its page is asked for and starts the list.
private func jumpInUsers(_ state: inout AppState, _ jump: (inout UsersState) -> Effect?) -> [Effect] {
    let selected = state.users.selected?.email
    if let load = jump(&state.users) { return [load] }
    if state.users.selected?.email != selected { state.detailScroll = 0 }
    normalizeLists(&state)
    return state.users.journeysRequest()
}

/// Tab and Shift+Tab: the next or previous pane of the screen shown.
private func cycleFocus(by step: Int, in state: inout AppState) {
    let panes = state.screen.panes
    let index = panes.firstIndex(of: state.focus) ?? 0
    state.focus = panes[(index + step + panes.count) % panes.count]
}

private func move(by delta: Int, in state: inout AppState) -> [Effect] {
    let layout = AppLayout.compute(state)
    /// Moves a list's selection; a new selection shows its details from their first line.
    func select(_ list: inout ListState, count: Int) -> Bool {
        let before = list.selected
        list.move(by: delta, count: count, height: layout.list.height)
        guard list.selected != before else { return false }
        state.detailScroll = 0
        return true
    }
    switch state.focus {
    case .workflows:
        if select(&state.workflows, count: state.workspace.workflows.count) { state.tree = ListState() }
    case .workflow:
        state.tree.move(by: delta, count: state.treeRows.count, height: layout.details.height)
    case .webhooks:
        _ = select(&state.webhooks, count: state.workspace.webhooks.count)
    case .systemWebhooks:
        _ = select(&state.systemWebhooks, count: state.workspace.systemWebhooks.count)
    case .users:
        if state.users.move(by: delta, height: layout.list.height) { state.detailScroll = 0 }
        return state.users.journeysRequest() + (state.users.pageRequest().map { [$0] } ?? [])
    case .webhook, .systemWebhook, .user:
        let last = max(0, detailLineCount(state, layout: layout) - layout.details.height)
        state.detailScroll = min(max(0, state.detailScroll.addingReportingOverflow(delta).partialValue), last)
    case .traffic:
        let count = state.trafficCount
        state.traffic.list.move(by: delta, count: count, height: layout.traffic.height)
        if count > 0, state.traffic.list.selected == count - 1, delta > 0 {
            startFollowing(&state)
        } else if delta < 0 {
            state.traffic.follow = false
        }
    }
    return []
}

/// Lines of the details pane of the screen shown.
private func detailLineCount(_ state: AppState, layout: AppLayout) -> Int {
    let width = layout.details.width - 2
    switch state.screen {
    case .webhooks: return WebhookSettingsView.lines(state, width: width).count
    case .systemWebhooks: return SystemWebhookSettingsView.lines(state, width: width).count
    case .users: return UserProfileView.lines(state, width: width).count
    case .workflows, .traffic: return 0
    }
}

private func startFollowing(_ state: inout AppState) {
    state.traffic.follow = true
    state.traffic.unseen = 0
    state.traffic.list.selected = max(0, state.trafficCount - 1)
    state.traffic.list.normalize(count: state.trafficCount, height: AppLayout.compute(state).traffic.height)
}

/// What a key does to a line being typed in the hint row (the filter, a test send's address).
enum LineEdit {
    case submit(String)
    case cancel
    case edited(String)
    case ignored
}

/// Enter submits the line trimmed, Esc cancels, characters type at the caret. The caret moves
/// with ←/→ (Ctrl+B/Ctrl+F), Home/End (Ctrl+A/Ctrl+E); Backspace and Del delete before and at
/// it, Ctrl+U to the start, Ctrl+K to the end, Ctrl+W the word before it.
/// - Parameter cursor: The caret, as the characters after it (``AppState/lineCursor``); back at
///   the end once the line is submitted or cancelled.
func editLine(_ line: String, with key: KeyEvent, cursor: inout Int) -> LineEdit {
    var line = line
    var caret = caretIndex(in: line, cursor: cursor)
    switch key {
    case .escape, .enter:
        cursor = 0
        return key == .escape ? .cancel : .submit(line.trimmingCharacters(in: .whitespaces))
    case .left, .ctrl("b"): if caret > line.startIndex { caret = line.index(before: caret) }
    case .right, .ctrl("f"): if caret < line.endIndex { caret = line.index(after: caret) }
    case .home, .ctrl("a"): caret = line.startIndex
    case .end, .ctrl("e"): caret = line.endIndex
    case .backspace:
        guard caret > line.startIndex else { break }
        caret = line.index(before: caret)
        line.remove(at: caret)
    case .delete: if caret < line.endIndex { line.remove(at: caret) }
    case .ctrl("u"):
        line.removeSubrange(..<caret)
        caret = line.startIndex
    case .ctrl("k"):
        line.removeSubrange(caret...)
        caret = line.endIndex
    case .ctrl("w"):
        var wordEnd = caret
        while wordEnd > line.startIndex, line[line.index(before: wordEnd)] == " " { wordEnd = line.index(before: wordEnd) }
        let wordStart = line[..<wordEnd].lastIndex(of: " ").map(line.index(after:)) ?? line.startIndex
        line.removeSubrange(wordStart..<caret)
        caret = wordStart
    case .char(let character):
        line.insert(character, at: caret)
        caret = line.index(after: caret)
    default:
        return .ignored
    }
    cursor = line.distance(from: caret, to: line.endIndex)
    return .edited(line)
}

/// `text` put into `line` at the caret (`cursor` characters from the end), which stays after it.
func insert(_ text: String, into line: inout String, atCursor cursor: Int) {
    line.insert(contentsOf: text, at: caretIndex(in: line, cursor: cursor))
}

/// Where the caret stands in `line`, `cursor` characters from its end. Counted from the end, so
/// that typing at the end of a long pasted line never counts the whole line.
func caretIndex(in line: String, cursor: Int) -> String.Index {
    line.index(line.endIndex, offsetBy: -max(0, cursor), limitedBy: line.startIndex) ?? line.startIndex
}

/// Typing in the palette: letters narrow the list, ↑/↓ (Ctrl+N/Ctrl+P, Tab) choose, Enter runs
/// the chosen command in the pane the palette was opened from, Esc closes it.
private func editPalette(_ key: KeyEvent, in state: inout AppState) -> [Effect] {
    guard var palette = state.palette else { return [] }
    let count = palette.matches(in: state.keyMap, readonly: state.readonly).count
    switch key {
    case .down, .tab, .ctrl("n"):
        palette.selected = count == 0 ? 0 : (palette.selected + 1) % count
    case .up, .backTab, .ctrl("p"):
        palette.selected = count == 0 ? 0 : (palette.selected + count - 1) % count
    case .enter:
        let matches = palette.matches(in: state.keyMap, readonly: state.readonly)
        guard palette.selected < matches.count else { return [] }
        state.palette = nil
        // The command may open a prompt (the filter's, prefilled): its caret starts at the end.
        state.lineCursor = 0
        state.focus = palette.focus
        return performIfItApplies(matches[palette.selected], on: &state)
    default:
        switch editLine(palette.query, with: key, cursor: &state.lineCursor) {
        case .cancel:
            state.palette = nil
            return []
        case .edited(let query):
            palette.query = query
            palette.selected = 0
        case .submit, .ignored:
            break
        }
    }
    state.palette = palette
    return []
}

/// Typing after `/`: Enter applies (an empty filter clears it), Esc leaves the filter as it was.
private func editFilter(_ key: KeyEvent, in state: inout AppState) {
    guard let input = state.traffic.filterInput else { return }
    switch editLine(input, with: key, cursor: &state.lineCursor) {
    case .cancel:
        state.traffic.filterInput = nil
    case .submit(let text):
        do {
            try apply(text.isEmpty ? nil : TrafficFilter(text), to: &state)
            state.traffic.filterInput = nil
        } catch {
            state.status = StatusMessage(error.message, level: .error)
        }
    case .edited(let text):
        state.status = nil
        state.traffic.filterInput = text
    case .ignored:
        break
    }
}

/// Typing the start of an address after `/` on the Users screen: ⏎ lists users from there.
/// Addresses are stored lowercase (``EmailAddress/normalized(_:)``), so what is typed is found
/// in any case: `Tim.` finds `tim.cook@example.com` (QA).
private func editUserFind(_ key: KeyEvent, in state: inout AppState) -> [Effect] {
    guard let input = state.users.findInput else { return [] }
    switch editLine(input, with: key, cursor: &state.lineCursor) {
    case .cancel:
        state.users.findInput = nil
    case .submit(let typed):
        let prefix = EmailAddress.normalized(typed)
        state.users.findInput = nil
        state.detailScroll = 0
        if let row = state.users.loadedMatch(prefix) {
            state.users.list.selected = row
            (state.users.jump, state.users.pendingMove) = (nil, 0)
            normalizeLists(&state)
            return state.users.journeysRequest()
        }
        return [.loadUsers(after: state.users.find(prefix))]
    case .edited(let text):
        state.users.findInput = text
    case .ignored:
        break
    }
    return []
}

/// Typing whom a run is for after `r`: Enter starts it, Esc does nothing. A line that names no
/// one (not an address, as `hookline run --users` refuses it; `list:` alone) keeps the prompt
/// open with the text and the reason, and sends nothing.
private func editRunInput(_ key: KeyEvent, in state: inout AppState) -> [Effect] {
    guard var input = state.runInput else { return [] }
    switch editLine(input.text, with: key, cursor: &state.lineCursor) {
    case .cancel:
        state.runInput = nil
    case .submit(let text):
        guard let workflow = state.workspace.workflow(id: input.workflowID) else {
            state.runInput = nil
            return []
        }
        let audience = RunInput(workflowID: input.workflowID, text: text).audience(startingFrom: workflow.start)
        switch audience {
        case .list(let name) where name.isEmpty:
            state.status = StatusMessage("name the list: list:NAME", level: .warning)
            return []
        case .user(let email) where !EmailAddress.isValid(email):
            state.status = StatusMessage(
                (EmailAddress.refusal(of: email) ?? "'\(email)' is not an email address")
                    + "; type one, list:NAME, or nothing for every user", level: .warning)
            return []
        default:
            state.runInput = nil
        }
        state.status = StatusMessage("starting \(workflow.id) for \(audience)…")
        return [.run(workflowID: workflow.id, audience: audience)]
    case .edited(let text):
        input.text = text
        state.runInput = input
    case .ignored:
        break
    }
    return []
}

/// Typing the address after `p` or `t`: Enter previews or sends (empty: the first stored user),
/// Esc does nothing.
private func editStepUser(_ key: KeyEvent, in state: inout AppState) -> [Effect] {
    guard var input = state.stepUserInput else { return [] }
    switch editLine(input.email, with: key, cursor: &state.lineCursor) {
    case .cancel:
        state.stepUserInput = nil
    case .submit(let email):
        state.stepUserInput = nil
        if !email.isEmpty { state.lastStepUser = email }
        let user = email.isEmpty ? nil : email
        switch input.purpose {
        case .preview:
            state.status = StatusMessage("preview of \(input.webhookID)…")
            return [.preview(webhookID: input.webhookID, workflowID: input.workflowID, nodeID: input.nodeID, email: user)]
        case .testSend:
            state.status = StatusMessage("test send of \(input.webhookID)…")
            return [.testSend(webhookID: input.webhookID, workflowID: input.workflowID, nodeID: input.nodeID, email: user)]
        }
    case .edited(let email):
        input.email = email
        state.stepUserInput = input
    case .ignored:
        break
    }
    return []
}

/// Puts `filter` in force and lists its matches, newest selected.
private func apply(_ filter: TrafficFilter?, to state: inout AppState) {
    state.traffic.filter = filter
    state.traffic.matches = []
    if let filter {
        for position in 0..<state.log.count where state.log[position].map(filter.matches) == true {
            state.traffic.matches.append(state.log.firstSequence + position)
        }
    }
    state.traffic.unseen = 0
    startFollowing(&state)
}

private func ingest(_ records: [AttemptRecord], dropped: Int, into state: inout AppState) {
    let firstBefore = state.log.firstSequence
    let endBefore = state.log.endSequence
    let cleaned = records.map { Sanitizer.clean($0) }
    state.log.append(contentsOf: cleaned, sourceDropped: dropped)
    var shifted = state.log.firstSequence - firstBefore
    var arrived = records.count
    if let filter = state.traffic.filter {
        let stale = state.traffic.matches.prefix { $0 < state.log.firstSequence }.count
        state.traffic.matches.removeFirst(stale)
        shifted = stale
        arrived = 0
        // The records appended last hold sequence numbers up to the new end; older ones may be gone already.
        let firstNew = max(endBefore, state.log.firstSequence)
        for sequence in firstNew..<state.log.endSequence
        where state.log[sequence - state.log.firstSequence].map(filter.matches) == true {
            state.traffic.matches.append(sequence)
            arrived += 1
        }
    }
    if state.traffic.follow {
        startFollowing(&state)
    } else {
        // Only what is still held is new: once the buffer is full, each arrival drops the oldest.
        state.traffic.unseen = min(state.traffic.unseen + arrived, state.trafficCount)
        state.traffic.list.selected -= shifted
        state.traffic.list.offset = max(0, state.traffic.list.offset - shifted)
        state.traffic.list.normalize(
            count: state.trafficCount, height: AppLayout.compute(state).traffic.height)
    }
}

/// The file `e` opens: in the tree, the selected step's webhook, else the selected workflow; on
/// the webhook screens, the selected one's.
private func editablePath(_ state: AppState) -> String? {
    switch state.focus {
    case .webhooks, .webhook: return state.selectedWebhook.flatMap { state.workspace.path(ofWebhook: $0.id) }
    case .systemWebhooks, .systemWebhook:
        return state.selectedSystemWebhook.flatMap { state.workspace.path(ofSystemWebhook: $0.id) }
    case .workflows, .workflow:
        guard let workflow = state.selectedWorkflow else { return nil }
        if state.focus == .workflow, let step = selectedWebhookStep(state),
            let path = state.workspace.path(ofWebhook: step.webhookID)
        {
            return path
        }
        return state.workspace.path(ofWorkflow: workflow.id)
    case .users, .user, .traffic:
        return nil
    }
}

/// What `p` and `t` render: the selected step of the tree, if it calls a webhook, or on the
/// Webhooks screen the selected webhook alone.
func selectedWebhookStep(_ state: AppState) -> (webhookID: String, workflowID: String?, nodeID: String?)? {
    if state.focus == .webhooks || state.focus == .webhook {
        return state.selectedWebhook.map { ($0.id, nil, nil) }
    }
    guard state.focus == .workflow, let workflow = state.selectedWorkflow, let nodeID = state.selectedTreeRow?.nodeID,
        let webhookID = workflow.node(id: nodeID)?.kind.webhookID
    else { return nil }
    return (webhookID, workflow.id, nodeID)
}

func normalizeLists(_ state: inout AppState) {
    let layout = AppLayout.compute(state)
    // The Traffic screen has no lists: they keep their positions for when their screen returns.
    if layout.list.height > 0 {
        let height = layout.list.height
        state.workflows.normalize(count: state.workspace.workflows.count, height: height)
        state.tree.normalize(count: state.treeRows.count, height: layout.details.height)
        state.webhooks.normalize(count: state.workspace.webhooks.count, height: height)
        state.systemWebhooks.normalize(count: state.workspace.systemWebhooks.count, height: height)
        state.users.list.normalize(count: state.users.rows.count, height: height)
        state.detailScroll = min(state.detailScroll, max(0, detailLineCount(state, layout: layout) - layout.details.height))
    }
    if state.traffic.follow {
        startFollowing(&state)
    } else {
        state.traffic.list.normalize(count: state.trafficCount, height: layout.traffic.height)
    }
}

/// Opens the details overlay on one exchange; an answer coded with gzip or deflate (Hookline asks
/// for none) is decoded by the runtime, to be shown as text.
func openExchange(_ record: AttemptRecord, in state: inout AppState) -> [Effect] {
    state.details = TrafficDetails(record: record)
    let coded = record.status != nil && !record.responseBody.isEmpty
        && record.responseHeaders.contains { $0.name.lowercased() == "content-encoding" }
    return coded ? [.decodeResponse(record)] : []
}
