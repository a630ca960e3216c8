import Foundation
import Glibc
import StudioModel

/// The UI loop: waits on stdin and the wake pipe, turns input, signals, traffic and time into
/// actions, reduces them and presents at most ~30 frames a second. Runs on the thread that
/// opened the ``TerminalSession``, which is the only thread touching ncurses.
final class StudioRuntime {
    private(set) var state: AppState
    private let session: TerminalSession
    private let backend: NcursesBackend
    private let traffic: (any TrafficSource)?
    private let changes: (any WorkspaceChangeSource)?
    private let commands: (any StudioCommands)?
    private let inbox = ActionInbox()
    private let wake: WakePipe
    private let signals: SignalWatcher
    private let events: EventLog
    private var dirty = true
    private var input = NcursesInput()
    /// The last change the studio saved to a file, for `u`.
    private var lastSave: DraftEditing.Undo?
    private var exitCode: Int32?
    private var lastFrame = ContinuousClock.now
    private var lastTick = Date()
    /// What ``StudioCommands/storeFailure()`` said at the last tick.
    private var lastStoreFailure: String?
    /// Where `e` edits files; nil when the studio runs without a workspace folder.
    private var drafts: DraftEditing?
    /// Lines for stderr after the terminal is restored (what became of unsaved text on a signal).
    var exitNotes: [String] {
        guard let root = drafts?.root else { return notes }
        let kept = keptDrafts.filter { FileManager.default.fileExists(atPath: root.appendingPathComponent($0).path) }
        return notes + kept.map { "hookline: an edit stopped with its editor is kept in \($0); e reopens it" }
    }
    private var notes: [String] = []
    /// Drafts an editor stopped by a signal left text in (relative to the workspace folder):
    /// named at exit while they are still there.
    private var keptDrafts: [String] = []

    static let frameInterval = Duration.milliseconds(33)
    /// Bounds each wait so a KEY_RESIZE from ncurses' SIGWINCH handler is noticed even when the
    /// signal landed on another thread and did not interrupt `poll`.
    static let pollTimeoutMilliseconds: Int32 = 100

    init(
        session: TerminalSession, theme: ResolvedTheme, workspace: Workspace, traffic: (any TrafficSource)?,
        changes: (any WorkspaceChangeSource)?, commands: (any StudioCommands)?, options: StudioOptions, wake: WakePipe,
        signals: SignalWatcher
    ) {
        self.commands = commands
        self.changes = changes
        self.session = session
        self.backend = NcursesBackend(window: session.window, theme: theme, colorsEnabled: session.colorsEnabled)
        self.traffic = traffic
        self.wake = wake
        self.signals = signals
        self.events = EventLog(path: options.eventsLogPath)
        let secretValues = commands?.secretValues() ?? []
        let drafts = options.workspaceRoot.map { root in
            var drafts = DraftEditing(root: URL(fileURLWithPath: root, isDirectory: true))
            drafts.secretValues = secretValues
            if let commands { drafts.checks = commands.saveTimeDiagnostics }
            return drafts
        }
        self.drafts = drafts
        state = AppState(
            workspace: drafts?.withSaveTimeProblems(workspace) ?? workspace, size: backend.size, readonly: options.readonly,
            ascii: session.asciiOnly, trafficConnected: traffic != nil)
        state.secretValues = secretValues
        if let notice = options.notice { state.status = StatusMessage(notice, level: .warning) }
    }

    func send(_ action: Action) {
        for effect in reduce(&state, action) {
            switch effect {
            case .quit(let code): exitCode = code
            case .redraw: backend.invalidate()
            case .suspend:
                events.record("SUSPEND")
                session.suspend()
                events.record("CONTINUED")
                backend.invalidate()
                // The terminal may have been resized while the studio was stopped.
                send(.resize(backend.size))
            case .applyWorkspace(let workspace): commands?.apply(workspace)
            case .replay(let deliveryID): replay(deliveryID)
            case .exportHAR(let records): exportHAR(records)
            case .decodeResponse(let record):
                if var decoded = commands?.decodedResponse(of: record) {
                    // Text from a server, as the rest of the exchange: no control character reaches the terminal.
                    if !decoded.isBase64 { decoded.text = Sanitizer.cleanKeepingLineBreaks(decoded.text) }
                    send(.responseDecoded(record, decoded))
                }
            case .copyAsCurl(let record): copyAsCurl(record)
            case .run(let workflowID, let audience):
                guard let commands else {
                    send(.status(StatusMessage("running needs a running executor", level: .warning)))
                    continue
                }
                events.record("RUN \(workflowID) \(audience)")
                commands.run(workflowID: workflowID, audience: audience, done: postingStatus)
            case .edit(let path, let line):
                edit("EDIT \(path)" + (line.map { " +\($0)" } ?? ""), line: line) { $0.edit(path, with: $1) }
            case .create(let kind): edit("NEW \(kind.rawValue)") { $0.create(kind, with: $1) }
            case .testSend(let webhookID, let workflowID, let nodeID, let email):
                testSend(webhookID, workflowID, nodeID, email)
            case .preview(let webhookID, let workflowID, let nodeID, let email):
                preview(webhookID, workflowID, nodeID, email)
            case .loadUsers(let after): loadUsers(.after(after))
            case .loadUsersBefore(let before): loadUsers(.before(before))
            case .loadJourneys(let email): loadJourneys(email)
            case .undo: undo()
            case .openBodyEditor(let webhookID, let path): openBodyEditor(webhookID, path)
            case .saveBody(let save): saveBody(save)
            case .loadPreviewUser(let email): loadPreviewUser(email)
            case .changeWorkflow(let path, let change): changeWorkflow(path, change)
            case .setField(let field, let value): setField(field, value)
            case .keepBodyDraft(let path, let body, let earlier, let announced):
                keepBodyDraft(body, of: path, replacing: earlier, announced: announced)
            case .discardBodyDraft(let path, let body): drafts?.discardBodyDraft(body, of: path)
            case .checkExecutor: checkExecutor()
            }
        }
        dirty = true
    }

    /// Asks which process runs the workspace's journeys; the answer comes back as an action.
    private func checkExecutor() {
        commands?.executorElsewhere { [inbox, wake] holder in
            inbox.post(.executorChecked(holder))
            wake.wake()
        }
    }

    private func replay(_ deliveryID: String) {
        guard let commands else {
            return send(.status(StatusMessage("replay needs a running executor", level: .warning)))
        }
        commands.replay(deliveryID: deliveryID, done: postingStatus)
    }

    private func loadUsers(_ anchor: UsersPage.Anchor) {
        guard let commands else {
            return send(.usersUnavailable(StatusMessage("the users need the workspace's store", level: .warning)))
        }
        let done: @Sendable (Result<UsersPage, any Error>) -> Void = { [inbox, wake] result in
            switch result {
            case .success(let page): inbox.post(.usersLoaded(page))
            case .failure(let error): inbox.post(.usersUnavailable(StatusMessage("cannot read the users: \(error)", level: .error)))
            }
            wake.wake()
        }
        switch anchor {
        case .after(let after): commands.users(after: after, limit: UsersState.pageSize, done: done)
        case .before(let before): commands.users(before: before, limit: UsersState.pageSize, done: done)
        }
    }

    private func undo() {
        guard let lastSave else {
            return send(.status(StatusMessage("nothing to undo: the studio has saved no change yet", level: .warning)))
        }
        withDrafts { drafts in
            events.record("UNDO \(lastSave.path)")
            show(drafts.undo(lastSave))
        }
    }

    /// Runs `body` with the workspace folder's drafts; without a folder, says that editing needs one.
    private func withDrafts(_ body: (DraftEditing) -> Void) {
        guard let drafts else {
            return send(.status(StatusMessage("editing needs a workspace folder", level: .warning)))
        }
        body(drafts)
    }

    private func loadJourneys(_ email: String) {
        guard let commands else {
            return send(.journeysLoaded(UserJourneys(email: email, journeys: [], problem: "no store")))
        }
        commands.journeys(of: email) { [inbox, wake] result in
            switch result {
            case .success(let journeys): inbox.post(.journeysLoaded(UserJourneys(email: email, journeys: journeys)))
            case .failure(let error): inbox.post(.journeysLoaded(UserJourneys(email: email, journeys: [], problem: "\(error)")))
            }
            wake.wake()
        }
    }

    private func openBodyEditor(_ webhookID: String, _ path: String) {
        withDrafts { drafts in
            switch drafts.bodyTemplate(of: path) {
            case .read(let template, let type, let fileText):
                events.record("BODY \(path)")
                let restored = drafts.keptBodyTyping(of: path, fileText: fileText)
                send(.bodyEditorOpened(OpenedBody(
                    webhookID: webhookID, path: path, type: type, template: template, fileText: fileText, restored: restored)))
                send(.status(restored == nil
                    ? StatusMessage("editing the body of \(webhookID): Ctrl+S saves")
                    : StatusMessage(
                        "editing the body of \(webhookID) as you left it, unsaved (kept in \(drafts.relative(drafts.draftURL(for: path)))): Ctrl+S saves, Esc y gives it up",
                        level: .warning)))
            case .refused(let message):
                send(.status(message))
            }
        }
    }

    private func saveBody(_ save: BodySave) {
        withDrafts { drafts in
            let outcome = drafts.saveBodyTemplate(save.template, in: save.path, openedFrom: save.fileText)
            if let fileText = outcome.fileText { send(.bodySaved(fileText: fileText)) }
            show(outcome.result)
            events.record("BODY SAVED \(outcome.fileText != nil)")
            if save.thenTestSend, outcome.fileText != nil { testSend(save.webhookID, nil, nil, save.email) }
        }
    }

    /// An announced draft is named on stderr once the terminal is given back, whether or not
    /// anyone still reads it.
    private func keepBodyDraft(_ body: KeptBody, of path: String, replacing earlier: KeptBody?, announced: Bool) {
        guard let drafts else { return }
        let kept = drafts.keepBodyDraft(body, of: path, replacing: earlier)
        events.record("BODY KEPT \(kept ?? "-")")
        guard announced else { return }
        notes.append(kept.map { "hookline: the unsaved body of \(path) is kept in \($0); e on the webhook opens it" }
            ?? "hookline: the unsaved body of \(path) could not be kept")
    }

    private func changeWorkflow(_ path: String, _ change: WorkflowNodeChange) {
        withDrafts { drafts in
            events.record("CHANGE \(path) \(change)")
            show(drafts.change(path, with: change, webhooks: state.workspace.webhooks))
        }
    }

    private func setField(_ field: FieldTarget, _ value: DefinitionFieldText.Value?) {
        withDrafts { drafts in
            events.record("FIELD \(field.path) \(field.key)")
            let result = drafts.set(field, to: value)
            // Refused, the line stays open with the text typed and the reason (set by `show`).
            if result.workspace != nil { send(.fieldSaved) }
            show(result)
        }
    }

    /// A save's outcome: the studio and the engine take the workspace it wrote, if any, and the
    /// hint row says what happened.
    private func show(_ result: DraftEditing.Result) {
        // A creation saves nothing to undo: `u` must not then take back an older change instead.
        if result.workspace != nil { lastSave = result.undo }
        // The status first: taking the workspace adds to it what was kept from broken files.
        send(.status(result.message))
        if let checked = result.checked { send(.draftChecked(checked)) }
        if let workspace = result.workspace {
            send(.workspaceChanged(drafts?.withSaveTimeProblems(workspace) ?? workspace))
        }
    }

    private func loadPreviewUser(_ email: String?) {
        guard let commands else { return }
        commands.user(email: email) { [inbox, wake] result in
            switch result {
            case .success(let user):
                inbox.post(.previewUserLoaded(user))
                if user == nil, let email {
                    inbox.post(.status(StatusMessage("no user '\(email)' in the store", level: .warning)))
                }
            case .failure(let error):
                inbox.post(.status(StatusMessage("cannot read the user: \(error)", level: .error)))
            }
            wake.wake()
        }
    }

    private func testSend(_ webhookID: String, _ workflowID: String?, _ nodeID: String?, _ email: String?) {
        guard let commands else {
            return send(.status(StatusMessage("a test send needs a running executor", level: .warning)))
        }
        commands.testSend(
            webhookID: webhookID, workflowID: workflowID, nodeID: nodeID, email: email, done: posting(Action.showExchange))
    }

    private func preview(_ webhookID: String, _ workflowID: String?, _ nodeID: String?, _ email: String?) {
        guard let commands else {
            return send(.status(StatusMessage("a preview needs the workspace's store", level: .warning)))
        }
        commands.preview(
            webhookID: webhookID, workflowID: workflowID, nodeID: nodeID, email: email, done: posting(Action.showPreview))
    }

    /// A completion that posts the record it gets, as `show` makes it an action, then its status line.
    private func posting(
        _ show: @escaping @Sendable (AttemptRecord) -> Action
    ) -> @Sendable (StatusMessage, AttemptRecord?) -> Void {
        { [inbox, wake] message, record in
            if let record { inbox.post(show(record)) }
            inbox.post(.status(message))
            wake.wake()
        }
    }

    private func exportHAR(_ records: [AttemptRecord]) {
        guard let commands else {
            return send(.status(StatusMessage("export needs a workspace", level: .warning)))
        }
        commands.exportHAR(records, done: postingStatus)
    }

    private func copyAsCurl(_ record: AttemptRecord) {
        guard let commands else {
            return send(.status(StatusMessage("copying needs a workspace", level: .warning)))
        }
        commands.copyAsCurl(record, done: postingStatus)
    }

    /// A completion that posts its status line.
    private var postingStatus: @Sendable (StatusMessage) -> Void {
        { [inbox, wake] message in
            inbox.post(.status(message))
            wake.wake()
        }
    }

    /// Hands the terminal to the user's editor on a draft (`run` picks which), then saves it if it passes.
    private func edit(
        _ event: String, line: Int? = nil,
        _ run: (DraftEditing, DraftEditing.Editor) -> DraftEditing.Result
    ) {
        withDrafts { drafts in
            events.record(event)
            let result = run(drafts) { draft in session.handOver { ExternalEditor.run(file: draft.path, line: line) } }
            if let kept = result.keptDraft, !keptDrafts.contains(kept) { keptDrafts.append(kept) }
            backend.invalidate()
            // The terminal may have been resized while the editor had it.
            send(.resize(backend.size))
            show(result)
            events.record("EDITED")
        }
    }

    func run() -> Int32 {
        traffic?.onAvailable { [wake] in wake.wake() }
        changes?.onAvailable { [wake] in wake.wake() }
        events.record("START \(state.size)")
        backend.invalidate()
        // `r` and `R` are hidden while `hookline serve` runs the journeys: find out whether it does.
        checkExecutor()
        while exitCode == nil {
            waitForInput()
            wake.drain()
            if let signal = signals.take() {
                events.record("SIGNAL \(signal)")
                send(.terminate(signal: signal))
            }
            handleInput()
            for action in inbox.take() { send(action) }
            drainTraffic()
            takeWorkspaceChanges()
            takeStoreProblem()
            tickIfDue()
            renderIfDue()
        }
        events.record("QUIT")
        return exitCode ?? 0
    }

    private func waitForInput() {
        var timeout = Self.pollTimeoutMilliseconds
        if dirty {
            let remaining = Self.frameInterval - (ContinuousClock.now - lastFrame)
            let milliseconds = remaining.components.seconds * 1000 + remaining.components.attoseconds / 1_000_000_000_000_000
            timeout = Int32(clamping: max(0, min(Int64(timeout), milliseconds)))
        }
        var fds = [pollfd(fd: STDIN_FILENO, events: Int16(POLLIN), revents: 0),
                   pollfd(fd: wake.readFD, events: Int16(POLLIN), revents: 0)]
        _ = poll(&fds, nfds_t(fds.count), timeout)
    }

    private func handleInput() {
        for event in input.drain(session.window) {
            switch event {
            case .key(let key):
                events.record("KEY \(key.displayName(ascii: true))")
                send(.key(key))
            case .paste(let text):
                events.record("PASTE \(text.count)")
                send(.paste(text))
            case .resize:
                let size = backend.size
                events.record("RESIZE \(size)")
                backend.invalidate()
                send(.resize(size))
            }
            if exitCode != nil { return }
        }
    }

    private func drainTraffic() {
        guard let traffic else { return }
        let batch = traffic.drain()
        if !batch.records.isEmpty || batch.dropped > 0 {
            send(.traffic(records: batch.records, dropped: batch.dropped))
        }
    }

    /// Shows the workspace loaded again after files changed on disk, with the save-time problems
    /// a save would report.
    private func takeWorkspaceChanges() {
        guard let reload = changes?.take(), let drafts else { return }
        // Read before the problems below are found, so that they count the secrets as they are
        // now; said last, so that the status line tells what became of them.
        let secrets = reload.changedPaths.contains(SecretsFile.path) ? readSecretsAgain() : nil
        defer { if let secrets { send(secrets) } }
        // Loaded before one of the studio's own saves (while $EDITOR had the terminal, say), it
        // would take the saved file back: the watcher loads the files again at its next look.
        guard DefinitionFiles.scan(root: drafts.root) == reload.files else { return }
        events.record("RELOADED \(reload.changedPaths.joined(separator: " "))")
        var checked = reload
        checked.workspace = drafts.withSaveTimeProblems(reload.workspace)
        send(.workspaceChangedOnDisk(checked))
    }

    /// The store can no longer keep anything (its file was removed): said after what a reload of
    /// the same moment says (`rm -rf .hookline` takes the secrets file too), and in the header.
    private func takeStoreProblem() {
        guard let problem = changes?.takeStoreProblem() else { return }
        events.record("STORE LOST")
        send(.storeLost(problem))
    }

    /// The secrets file changed: the engine reads it again, and the editor hides the new values.
    private func readSecretsAgain() -> Action? {
        guard let commands else { return nil }
        let problem = commands.reloadSecrets()
        let values = commands.secretValues()
        drafts?.secretValues = values
        return .secretsReloaded(values: values, problem: problem)
    }

    private func tickIfDue() {
        let now = Date()
        if now.timeIntervalSince(lastTick) >= 1 || now < lastTick {
            lastTick = now
            send(.tick(now))
            let failure = commands?.storeFailure()
            if failure != lastStoreFailure {
                lastStoreFailure = failure
                send(.storeFailing(failure))
            }
        }
    }

    private func renderIfDue() {
        guard dirty, exitCode == nil, ContinuousClock.now - lastFrame >= Self.frameInterval else { return }
        backend.present(renderApp(state))
        lastFrame = ContinuousClock.now
        dirty = false
    }
}
