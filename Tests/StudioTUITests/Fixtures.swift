import Foundation
import StudioModel
@testable import StudioTUI

/// Fixed data for deterministic tests: one workspace, attempts at fixed UTC times.
enum Fixtures {
    static let start = Date(timeIntervalSince1970: 1_767_268_800)  // 2026-01-01 12:00:00 UTC
    static let utc = TimeZone(identifier: "UTC") ?? .current

    static var workspace: Workspace {
        let condition = Condition(.all, [Condition.Clause(field: "plan", op: .equals, value: .string("pro"))])
        let welcome = Workflow(id: "welcome-series", name: "Welcome series", start: .event("signup"), nodes: [
            WorkflowNode(id: "direct-mail", kind: .callWebhook(webhook: "lob-letter", onError: .exit), next: .single("enrich")),
            WorkflowNode(id: "enrich", kind: .updateProfileWebhook(webhook: "partner-profile", mergeNestedObjects: false, onError: .exit),
                         next: .single("wait")),
            WorkflowNode(id: "wait", kind: .delay(WorkflowDuration(seconds: 172_800, text: "2d")), next: .single("is-pro")),
            WorkflowNode(id: "is-pro", kind: .yesNo(condition), next: .branches(["yes": "welcome-email", "no": "exit"])),
            WorkflowNode(id: "welcome-email", kind: .sendEmail(subject: "Welcome!", body: "Hi")),
        ])
        let cart = Workflow(id: "cart-abandon", name: "Cart abandon", start: .api, nodes: [
            WorkflowNode(id: "nudge", kind: .sendSMS(body: "You left something"), next: .single("ghost")),
            WorkflowNode(id: "orphan", kind: .exit),
        ])
        let winback = Workflow(id: "winback", name: "Win back 日本", enabled: false, start: .list("lapsed"), nodes: [])
        return Workspace(
            settings: WorkspaceSettings(name: "Acme lifecycle"), workflows: [welcome, cart, winback],
            webhooks: [
                Webhook(id: "lob-letter", method: .post, url: "https://api.lob.com/v1/letters", body: .json(template: "{}")),
                Webhook(id: "partner-profile", method: .get, url: "https://partner.example.com/profile"),
                Webhook(
                    id: "crm-sync", name: "CRM sync", method: .put, url: "https://crm.example.com/contacts/{{email}}?api_key=k3y-literal&v=2",
                    auth: .bearer(token: "tok-literal-123"),
                    headers: [HeaderTemplate(name: "X-Api-Key", value: "{{secret.crm_key}}"), HeaderTemplate(name: "X-Campaign", value: "{{workflowName}}")],
                    body: .json(template: "{\"email\": \"{{email}}\",\n \"plan\": \"{{plan}}\"}\n"), retries: []),
            ],
            systemWebhooks: [
                SystemWebhook(id: "bi-events", endpoint: "https://bi.example.com/events", events: ["emailSend", "smsSend"], blastSends: false),
                SystemWebhook(id: "old-sink", endpoint: "https://old.example.com/in", enabled: false, events: ["pushSend"]),
            ])
    }

    /// Attempt `n`, 100 ms apart from ``start``.
    static func record(_ n: Int, status: Int? = 201, url: String = "https://api.lob.com/v1/letters") -> AttemptRecord {
        AttemptRecord(
            id: Int64(n), startedAt: start.addingTimeInterval(Double(n) * 0.1 + 0.123), deliveryID: "d\(n)",
            attempt: status == 503 ? 2 : 1, userEmail: "user\(n)@example.com", method: n % 4 == 3 ? "GET" : "POST",
            url: url, status: status, latencyMilliseconds: n % 5 == 4 ? 1234 : Double(40 + n),
            outcome: status == nil ? .failed(errorClass: "timeout", message: "deadline") : (status ?? 0) < 300 ? .success : .httpError)
    }

    static func records(_ range: Range<Int>) -> [AttemptRecord] {
        let statuses: [Int?] = [201, 200, 503, 404, 201, nil, 302]
        return range.map { record($0, status: statuses[$0 % statuses.count]) }
    }

    /// A workspace folder in the temporary directory holding `files` (relative path, text).
    static func folder(_ files: [(path: String, text: String)]) throws -> URL {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("hookline-studio-\(UUID().uuidString)")
        for (path, text) in files {
            let url = root.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try text.write(to: url, atomically: true, encoding: .utf8)
        }
        return root
    }

    /// Presses Tab until `pane` of the screen shown has the focus, as a user would.
    static func focus(_ pane: Pane, in state: inout AppState) {
        for _ in state.screen.panes where state.focus != pane { _ = reduce(&state, .key(.tab)) }
    }

    static func state(size: Size = Size(width: 80, height: 24), records: Int = 0, ascii: Bool = false) -> AppState {
        var state = AppState(
            workspace: workspace, size: size, ascii: ascii, trafficConnected: true,
            now: start.addingTimeInterval(Double(records) * 0.1 + 0.5), timeZone: utc)
        if records > 0 { _ = reduce(&state, .traffic(records: Self.records(0..<records), dropped: 0)) }
        return state
    }
}
