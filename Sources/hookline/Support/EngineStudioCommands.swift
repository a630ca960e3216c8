import Foundation
import StudioEngine
import StudioModel
import StudioTUI
import Synchronization

/// The studio's commands, carried out by the engine the command runs.
final class EngineStudioCommands: StudioCommands {
    let engine: Engine
    /// Where exports are written: `.hookline/exports` of the workspace.
    let exportDirectory: URL
    /// The process that runs the workspace's executor when it is not this one (`hookline serve
    /// (pid 412), …`): runs and replays are its to make, or a crash of either would leave work
    /// that neither resumes. Nil once this studio runs it.
    private let otherExecutor: Mutex<String?>
    private let workspaceRoot: URL
    /// What is wrong with the secrets file since it was last changed, listed with the problems.
    private let secretsProblem = Mutex<Diagnostic?>(nil)
    /// The top-level fields of the stored users and events, for the merge-parameter warnings: read
    /// off the UI thread after a check (at most every ``fieldsReadInterval``), since a large store
    /// takes seconds, and used by the checks after it (so never by the first, at start: what the
    /// studio shows then does not depend on a race).
    /// Nil until first read, or while no user is stored.
    private let storedFields = Mutex<StoredFields?>(nil)
    /// Whether a read of ``storedFields`` is under way, and when the last one began.
    private let fieldsRead = Mutex<(reading: Bool, began: ContinuousClock.Instant?)>((false, nil))

    private struct StoredFields: Sendable {
        var users: Set<String>
        var events: Set<String>
    }

    init(engine: Engine, workspaceRoot: URL, otherExecutor: String? = nil) {
        self.engine = engine
        self.workspaceRoot = workspaceRoot
        self.exportDirectory = workspaceRoot.appendingPathComponent(".hookline/exports", isDirectory: true)
        self.otherExecutor = Mutex(otherExecutor)
    }

    /// Reads ``storedFields`` again in the background, unless a read is under way or began less
    /// than ``fieldsReadInterval`` ago: it reads every profile, seconds of work on a large store.
    private func readStoredFields() {
        let now = ContinuousClock.now
        let due = fieldsRead.withLock { state -> Bool in
            guard !state.reading, state.began.map({ now - $0 >= Self.fieldsReadInterval }) ?? true else { return false }
            state = (true, now)
            return true
        }
        guard due else { return }
        let store = engine.store
        Task.detached { [self] in
            let users = (try? store.userFieldNames()) ?? []
            let events = (try? store.eventFieldNames()) ?? []
            storedFields.withLock { $0 = users.isEmpty ? nil : StoredFields(users: users, events: events) }
            fieldsRead.withLock { $0.reading = false }
        }
    }

    /// The shortest time between two reads of the stored fields.
    static let fieldsReadInterval = Duration.seconds(30)

    /// Why this studio does not start journeys or deliveries itself, when another process runs
    /// them. Asked at each run or replay: once that process has stopped, this studio takes the
    /// workspace over (resuming what it left) and goes on.
    private var runsElsewhere: StatusMessage? {
        otherExecutor.withLock { holder -> StatusMessage? in
            guard holder != nil else { return nil }
            do {
                if try engine.resume(holder: "the studio") != nil {
                    holder = nil
                    return nil
                }
            } catch {
                return StatusMessage("\(error)", level: .error)
            }
            holder = engine.otherExecutor ?? holder
            return holder.map {
                StatusMessage("this workspace's journeys are run by \($0): run and replay from there", level: .warning)
            }
        }
    }

    func executorElsewhere(done: @escaping @Sendable (String?) -> Void) {
        Task.detached { [self] in
            // Asking takes the workspace over when the other process has stopped.
            guard runsElsewhere != nil else { return done(nil) }
            done(otherExecutor.withLock { $0 } ?? "another process")
        }
    }

    func storeFailure() -> String? {
        engine.storeHealth.failures.first.map { "\($0); \($0.records.whileFailing)" }
    }

    func decodedResponse(of record: AttemptRecord) -> DecodedResponseContent? {
        ResponseContentDecoder.decodedContent(of: record, masker: SecretMasker(secretValues: engine.secretValues))
    }

    func exportHAR(_ records: [AttemptRecord], done: @escaping @Sendable (StatusMessage) -> Void) {
        let directory = exportDirectory
        // Bodies sent gzip-coded are decoded, masked with the workspace's secrets.
        let masker = SecretMasker(secretValues: engine.secretValues)
        Task.detached {
            let stamp = Date().formatted(.iso8601.year().month().day().time(includingFractionalSeconds: false))
                .replacingOccurrences(of: ":", with: "")
            let file = directory.appendingPathComponent("traffic-\(stamp).har")
            do {
                let archive = AttemptHAR.document(
                    for: records, creatorVersion: HooklineVersion.current, reasonPhrase: AttemptRecord.reasonPhrase(of:),
                    decodedContent: { ResponseContentDecoder.decodedContent(of: $0, masker: masker) })
                try Self.writeExport(archive.prettyJSONText, to: file)
                done(StatusMessage("exported \(records.count) attempts to \(file.path)"))
            } catch {
                done(StatusMessage("cannot export: \(error.localizedDescription)", level: .error))
            }
        }
    }

    func copyAsCurl(_ record: AttemptRecord, done: @escaping @Sendable (StatusMessage) -> Void) {
        let directory = exportDirectory
        let store = engine.store
        Task.detached {
            // The stored copy when there is one: the pane's copy is cleaned for display.
            let stored = (try? store.attempts(deliveryID: record.deliveryID))?.last { $0.attempt == record.attempt }
            guard !record.isHold, let request = PreparedRequest(sentIn: stored ?? record) else {
                return done(StatusMessage("this attempt has no request to copy", level: .warning))
            }
            let file = directory.appendingPathComponent("curl-\(record.deliveryID)-\(record.attempt).sh")
            let text = """
                #!/bin/sh
                # \(record.method) \(record.url): attempt \(record.attempt) of \(record.deliveryID)
                # Secrets are masked (\(SecretMasker.mask)): put them back before sending this by hand.
                \(request.curlCommand)

                """
            do {
                try Self.writeExport(text, to: file)
                done(StatusMessage("curl command written to \(file.path)"))
            } catch {
                done(StatusMessage("cannot write the curl command: \(error.localizedDescription)", level: .error))
            }
        }
    }

    func run(workflowID: String, audience: RunAudience, done: @escaping @Sendable (StatusMessage) -> Void) {
        let executor = engine.executor
        let store = engine.store
        // Off the UI thread: asking for the executor lock may wait up to a second.
        Task.detached { [self] in
            if let runsElsewhere { return done(runsElsewhere) }
            do {
                let count: (asked: Int, started: Int)?
                var stored = true
                switch audience {
                case .everyUser: count = try executor.startCounting(workflowID: workflowID, forMembersOf: nil)
                case .list(let name): count = try executor.startCounting(workflowID: workflowID, forMembersOf: name)
                case .user(let email):
                    let address = EmailAddress.normalized(email)
                    stored = (try? store.user(email: address)) != nil
                    count = try executor.startCounting(workflowID: workflowID, emails: [address]).map { (1, $0) }
                }
                guard let count else {
                    if let path = executor.workspace.brokenWorkflowPath(workflowID) {
                        return done(
                            StatusMessage("\(workflowID) does not run while \(path) has errors: ! lists them", level: .warning))
                    }
                    return done(StatusMessage("no workflow '\(workflowID)'", level: .warning))
                }
                done(audience.outcome(of: workflowID, asked: count.asked, started: count.started, stored: stored))
            } catch {
                done(StatusMessage("cannot run \(workflowID): \(error)", level: .error))
            }
        }
    }

    /// Writes an export atomically, making the exports folder when it is missing.
    private static func writeExport(_ text: String, to file: URL) throws {
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: file, options: .atomic)
    }

    /// What `hookline validate` adds to the loader's problems: the network policy's, what every
    /// send would refuse (retries, signing secret), secrets
    /// referenced but not set (and a secrets file that could not be read again), and merge
    /// parameters no stored user or event has (from the second check on: the stored fields are
    /// read in the background after each).
    func saveTimeDiagnostics(for workspace: Workspace, text: (String) -> String?) -> [Diagnostic] {
        var diagnostics =
            engine.client.networkPolicy.saveTimeDiagnostics(for: workspace, text: text)
            + RequestBuilder().saveTimeDiagnostics(for: workspace, secrets: engine.executor.secrets, text: text)
            + SecretUsageCheck.warnings(
                in: workspace, known: engine.secretNames, tooShort: SecretUsageCheck.tooShortToMask(engine.executor.secrets),
                read: text)
            + (secretsProblem.withLock { $0 }.map { [$0] } ?? [])
        if let fields = storedFields.withLock({ $0 }) {
            diagnostics += FieldUsageCheck.warnings(
                in: workspace, text: text, userFields: fields.users, eventFields: fields.events)
        }
        // Users imported or updated since: seen by a later check.
        readStoredFields()
        return diagnostics
    }

    func secretValues() -> [String] { engine.secretValues }

    func reloadSecrets() -> Diagnostic? {
        let problem = engine.reloadSecrets(workspaceRoot: workspaceRoot)
        secretsProblem.withLock { $0 = problem }
        return problem
    }

    func apply(_ workspace: Workspace) {
        engine.apply(workspace)
    }

    func testSend(
        webhookID: String, workflowID: String?, nodeID: String?, email: String?,
        done: @escaping @Sendable (StatusMessage, AttemptRecord?) -> Void
    ) {
        Task { [engine] in
            do {
                let record = try await engine.executor.testSend(
                    webhookID: webhookID, email: email.map(EmailAddress.normalized), workflowID: workflowID, nodeID: nodeID)
                let outcome = record.status.map { "\($0)" } ?? record.outcome.errorClass ?? "failed"
                done(
                    StatusMessage(
                        "test send of \(webhookID) to \(record.userEmail ?? "?"): \(outcome)",
                        level: record.outcome.isSuccess ? .info : .warning),
                    record)
            } catch {
                done(StatusMessage("cannot test send: \(error)", level: .error), nil)
            }
        }
    }

    func preview(
        webhookID: String, workflowID: String?, nodeID: String?, email: String?,
        done: @escaping @Sendable (StatusMessage, AttemptRecord?) -> Void
    ) {
        do {
            let test = try engine.executor.testRequest(
                webhookID: webhookID, email: email.map(EmailAddress.normalized), workflowID: workflowID, nodeID: nodeID)
            let shown = test.options.previewing(test.request, at: Date()).masked
            let record = DeliveryClient.Origin(workflowID: workflowID, nodeID: nodeID, webhookID: webhookID, userEmail: test.email)
                .record(
                    deliveryID: shown.deliveryID, at: Date(), method: shown.method.rawValue, url: shown.url,
                    headers: shown.headers, body: shown.body, outcome: .success)
            done(StatusMessage("preview of \(webhookID) for \(test.email): not sent"), record)
        } catch {
            done(StatusMessage("cannot preview: \(error)", level: .error), nil)
        }
    }

    func users(after: String?, limit: Int, done: @escaping @Sendable (Result<UsersPage, any Error>) -> Void) {
        readPage(done) { store in
            let users = try Self.storedUsers(try store.userEmails(after: after, limit: limit), in: store)
            return UsersPage(after: after, users: users, total: after == nil ? try store.userCount() : nil)
        }
    }

    func users(before: String?, limit: Int, done: @escaping @Sendable (Result<UsersPage, any Error>) -> Void) {
        readPage(done) { store in
            UsersPage(before: before, users: try Self.storedUsers(try store.userEmails(before: before, limit: limit), in: store), total: nil)
        }
    }

    /// Reads a page of users off the studio's thread and hands it, or why not, to `done`.
    private func readPage(
        _ done: @escaping @Sendable (Result<UsersPage, any Error>) -> Void,
        _ read: @escaping @Sendable (any StateStore) throws -> UsersPage
    ) {
        let store = engine.store
        Task.detached { done(Result { try read(store) }) }
    }

    /// The profiles of `emails`, in their order.
    private static func storedUsers(_ emails: [String], in store: any StateStore) throws -> [StoredUser] {
        let profiles = try store.users(emails: emails)
        return emails.map { StoredUser(email: $0, profile: profiles[$0] ?? JSONObject()) }
    }

    func user(email: String?, done: @escaping @Sendable (Result<StoredUser?, any Error>) -> Void) {
        let store = engine.store
        Task.detached {
            done(
                Result {
                    try store.user(emailOrFirst: email.map(EmailAddress.normalized)).map {
                        StoredUser(email: $0.email, profile: $0.profile)
                    }
                })
        }
    }

    func journeys(of email: String, done: @escaping @Sendable (Result<[UserJourney], any Error>) -> Void) {
        let store = engine.store
        Task.detached {
            done(
                Result {
                    try store.journeys(email: email, limit: 20).map {
                        UserJourney(
                            workflowID: $0.workflowID, status: $0.status.rawValue, stepID: $0.nodeID, wakeAt: $0.wakeAt,
                            updatedAt: $0.updatedAt)
                    }
                })
        }
    }

    func replay(deliveryID: String, done: @escaping @Sendable (StatusMessage) -> Void) {
        Task.detached { [self, engine] in
            if let runsElsewhere { return done(runsElsewhere) }
            do {
                let succeeded = try await engine.executor.replay(deliveryID: deliveryID)
                done(
                    succeeded
                        ? StatusMessage("replay delivered · \(deliveryID)")
                        : StatusMessage("replay failed, not retried · \(deliveryID)", level: .warning))
            } catch {
                done(StatusMessage("cannot replay: \(error)", level: .error))
            }
        }
    }
}
