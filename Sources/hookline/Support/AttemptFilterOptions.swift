import ArgumentParser
import Foundation
import StudioEngine
import StudioModel

/// The filters `hookline logs` and `hookline watch` share.
struct AttemptFilterOptions: ParsableArguments {
    @Option(help: "Only attempts of this webhook.")
    var webhook: String?

    @Option(help: "Only attempts of this workflow.")
    var workflow: String?

    @Option(help: "Only attempts of this delivery (msg_…).")
    var delivery: String?

    @Option(help: "Only attempts for this user's email (any case).", transform: EmailAddress.normalized)
    var user: String?

    @Option(help: "Only attempts with this outcome: a status (503), a class (5xx), ok (2xx) or failed (any other).")
    var status: String?

    @Option(help: "Only attempts started within this long before now, e.g. 30m, 2h, 3d.")
    var since: String?

    func validate() throws {
        if let status, AttemptFilter.Outcome(status) == nil {
            throw ValidationError("--status takes a status (503), a class (5xx), ok or failed.")
        }
        if let since, WorkflowDuration(parsing: since) == nil {
            throw ValidationError("--since takes a duration like 30m, 2h or 3d.")
        }
    }

    /// Stops with the usage exit (64), naming the nearest, when `--webhook` or `--workflow` names
    /// nothing the workspace defines or the store holds attempts of: a misspelt name would match
    /// no attempt, and say nothing. `store` is opened and read only for a name the workspace
    /// lacks (a webhook since deleted still has its attempts); nil when there is none yet.
    func checkNames(root: URL, store: () throws -> SQLiteStateStore?) throws {
        guard webhook != nil || workflow != nil else { return }
        let workspace = WorkspaceLoader.load(from: root)
        var opened: SQLiteStateStore??
        func check(_ kind: String, _ name: String?, defined: [String], attempted: (SQLiteStateStore) throws -> [String]) throws {
            guard let name, !defined.contains(name) else { return }
            if opened == nil { opened = .some(try store()) }
            let stored = try opened.flatMap { $0 }.map(attempted) ?? []
            guard !stored.contains(name) else { return }
            throw unknownName(kind, name, in: "\(root.path) or its stored attempts", known: Array(Set(defined + stored)).sorted())
        }
        try check("webhook", webhook, defined: workspace.webhooks.map(\.id) + workspace.systemWebhooks.map(\.id)) {
            try $0.attemptedWebhookIDs()
        }
        try check("workflow", workflow, defined: workspace.workflows.map(\.id)) { try $0.attemptedWorkflowIDs() }
    }

    /// Stops with the usage exit (64) when `--delivery` names no delivery of `store` or `--user`
    /// no user of it (a profile, or attempts: `run --users` sends to addresses with no profile):
    /// what `logs` exports is all there is, so either would match nothing and say nothing.
    /// (`watch` leaves them: what it follows is yet to come.)
    func checkStoredIDs(in store: SQLiteStateStore, storePath: String) throws {
        if let delivery, let usage = try unknownDeliveries([delivery], in: store, place: storePath) { throw usage }
        if let user, try store.attempts(matching: AttemptFilter(userEmail: user, limit: 1)).isEmpty {
            _ = try requireUser(user, in: store, storePath: storePath)
        }
    }

    func filter(limit: Int, afterID: Int64? = nil) -> AttemptFilter {
        AttemptFilter(
            webhookID: webhook, workflowID: workflow, deliveryID: delivery, userEmail: user,
            outcome: status.flatMap(AttemptFilter.Outcome.init),
            since: since.flatMap(WorkflowDuration.init(parsing:)).map { Date().addingTimeInterval(-$0.seconds) },
            afterID: afterID, limit: limit)
    }
}

extension WorkspaceOptions {
    /// The workspace's store, opened for reading only: exit 65 when the folder is not a workspace
    /// (``requireWorkspace()``), exit 1 saying nothing has run here yet when it has no store, or
    /// nothing is recorded yet when its file is empty (left as it is).
    func existingStore() throws -> SQLiteStateStore {
        try requireWorkspace()
        return try openStore(readonly: true)
    }
}
