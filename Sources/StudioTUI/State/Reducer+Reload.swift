import StudioModel

/// Files changed on disk: the studio shows the workspace loaded again, as after a save, and says
/// what was reloaded. A change that alters nothing shown — the studio's own save seen again, a
/// file touched — is dropped. What is being typed (a form field, the body editor) is kept as
/// it is: those save into the file as it is on disk, and the body editor refuses to write over
/// a file that changed since it opened it.
func showReloaded(_ reload: WorkspaceReload, in state: inout AppState) -> [Effect] {
    let lastGood = reload.workspace.keepingLastGood(from: state.workspace)
    guard lastGood.workspace != state.workspace else { return [] }
    showWorkspace(lastGood.workspace, in: &state)
    let reloaded = reloadStatus(reload, kept: lastGood.kept, editing: state.bodyEditor?.path)
    // A save of one of these files refused because it changed on disk says where the user's
    // text went; the reload that follows it must not hide that (QA F7).
    if let refused = state.status, refused.level == .error,
        reload.changedPaths.contains(where: { refused.text.hasPrefix("\($0) changed on disk") })
    {
        state.status = StatusMessage(refused.text + " · " + reloaded.text, level: .error)
    } else {
        state.status = reloaded
    }
    refreshOpenForm(in: &state)
    return [.applyWorkspace(lastGood.workspace)]
}

/// The secrets file was read again: its values are hidden from now on, and the status line says
/// so, or why the secrets as last read stay in use.
func showSecretsReloaded(values: [String], problem: Diagnostic?, in state: inout AppState) {
    state.secretValues = values
    state.status =
        if let problem {
            StatusMessage("kept the secrets as last read: \(problem)", level: .warning)
        } else {
            StatusMessage("read \(SecretsFile.path) again: requests use its secrets from now on")
        }
}

/// A step's or webhook's form open over a reload shows the fields as they are now; what is
/// being typed in one stays as it is. A form whose step or webhook is gone closes and says so.
private func refreshOpenForm(in state: inout AppState) {
    guard state.fieldInput == nil, let form = state.choice, form.title.hasPrefix("Step ") || form.title.hasPrefix("Webhook ")
    else { return }
    state.choice = nil
    if form.title.hasPrefix("Step ") {
        _ = openStepForm(in: &state)
    } else if let webhook = state.selectedWebhook, let path = state.workspace.path(ofWebhook: webhook.id) {
        state.choice = Forms(hidden: state.secretValues).webhook(webhook, path: path)
    }
    // The selection kept its place, not its id, when the step or webhook went: not its form.
    guard var refreshed = state.choice, refreshed.title == form.title else {
        state.choice = nil
        let subject = form.title.replacingOccurrences(of: " (read-only)", with: "")
        state.status = StatusMessage("\(subject) is no longer in its file: its form closed", level: .warning)
        return
    }
    refreshed.selected = min(form.selected, max(0, refreshed.options.count - 1))
    state.choice = refreshed
}

/// Puts `workspace` in place of the one shown; each list keeps its selected item by id (the tree
/// its selected step) where it is still there, else its position.
func showWorkspace(_ workspace: Workspace, in state: inout AppState) {
    let workflowID = state.selectedWorkflow?.id
    let treeRow = state.tree.selected
    let stepID = state.selectedTreeRow?.nodeID
    let webhookID = state.selectedWebhook?.id
    let systemWebhookID = state.selectedSystemWebhook?.id
    state.workspace = workspace
    if let index = workspace.workflows.firstIndex(where: { $0.id == workflowID }) { state.workflows.selected = index }
    if let index = workspace.webhooks.firstIndex(where: { $0.id == webhookID }) { state.webhooks.selected = index }
    if let index = workspace.systemWebhooks.firstIndex(where: { $0.id == systemWebhookID }) {
        state.systemWebhooks.selected = index
    }
    let rows = state.treeRows
    if let stepID, state.selectedWorkflow?.id == workflowID, !(treeRow < rows.count && rows[treeRow].nodeID == stepID),
        let row = rows.firstIndex(where: { $0.nodeID == stepID })
    {
        state.tree.selected = row
    }
    normalizeLists(&state)
}

/// `kept the last good bi-events while its file is broken`; nil when nothing was kept.
func keptNote(_ kept: [KeptDefinition]) -> String? {
    guard !kept.isEmpty else { return nil }
    let ids = kept.map(\.id).joined(separator: ", ")
    return "kept the last good \(ids) while \(kept.count == 1 ? "its file is" : "their files are") broken"
}

/// `reloaded workflows/welcome.yaml from disk`, with what was kept running, or which of the
/// changed files have errors; first, when the body editor's own file changed, that its text stays.
private func reloadStatus(_ reload: WorkspaceReload, kept: [KeptDefinition], editing: String?) -> StatusMessage {
    if let editing, reload.changedPaths.contains(editing) {
        return StatusMessage(
            "\(editing) changed on disk: your text stays here, and Ctrl+S will not write over the file", level: .warning)
    }
    let paths = reload.changedPaths
    func files(_ paths: [String]) -> String {
        paths.count <= 2 ? paths.joined(separator: " and ") : "\(paths.count) files"
    }
    var parts: [String] = []
    if !reload.reloadedPaths.isEmpty { parts.append("reloaded \(files(reload.reloadedPaths)) from disk") }
    if !reload.removedPaths.isEmpty { parts.append("\(files(reload.removedPaths)) removed on disk") }
    let broken = reload.brokenFiles.filter { paths.contains($0.path) }
    if let note = keptNote(kept) {
        parts.append(note)
    } else if !broken.isEmpty {
        parts.append(broken.count == 1 ? "\(broken[0].path) has errors: ! lists them" : "\(broken.count) files have errors: ! lists them")
    }
    return StatusMessage(parts.joined(separator: " · "), level: broken.isEmpty && kept.isEmpty ? .info : .warning)
}
