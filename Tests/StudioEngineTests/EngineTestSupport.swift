import Foundation
import StudioEngine
import StudioModel

/// Shared fixtures: a temporary folder, a live receiver, and a workspace aimed at it.
enum EngineFixtures {
    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("hookline-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    static let users: [JSONObject] = ([
        ["email": "ada@example.com", "firstName": "Ada", "plan": "pro", "age": 36, "address": ["city": "London"]],
        ["email": "bob@example.com", "firstName": "Bob", "plan": "free", "age": 41, "address": ["city": "Paris"]],
        ["email": "cy@example.com", "firstName": "", "plan": "pro", "age": 29, "address": ["city": "Oslo"]],
    ] as [JSONValue]).compactMap(\.objectValue)

    static func letterWebhook(baseURL: String, path: String = "/v1/letters") -> Webhook {
        Webhook(
            id: "lob-letter", method: .post, url: baseURL + path,
            auth: .basic(username: "{{secret.lob_key}}", password: ""),
            headers: [HeaderTemplate(name: "X-Campaign", value: "{{workflowName}}")],
            body: .json(template: #"{"name": "{{defaultIfEmpty firstName "friend"}}", "age": {{age}}, "city": "{{address.city}}"}"#))
    }

    static func profileWebhook(baseURL: String) -> Webhook {
        Webhook(id: "partner-profile", method: .get, url: baseURL + "/profile")
    }

    /// start → direct-mail (call) → enrich (update profile) → is-gold (yes/no) → exit
    static func workspace(baseURL: String, letterPath: String = "/v1/letters") -> Workspace {
        let workflow = Workflow(
            id: "welcome", name: "Welcome", start: .event("signup"),
            nodes: [
                WorkflowNode(id: "direct-mail", kind: .callWebhook(webhook: "lob-letter", onError: .exit), next: .single("enrich")),
                WorkflowNode(
                    id: "enrich", kind: .updateProfileWebhook(webhook: "partner-profile", mergeNestedObjects: false, onError: .exit),
                    next: .single("wait")),
                WorkflowNode(id: "wait", kind: .delay(WorkflowDuration(seconds: 172_800, text: "2d")), next: .single("is-pro")),
                WorkflowNode(
                    id: "is-pro", kind: .yesNo(Condition(.all, [.init(field: "plan", op: .equals, value: "pro")])),
                    next: .branches(["yes": "vip-call", "no": "done"])),
                WorkflowNode(id: "vip-call", kind: .callWebhook(webhook: "vip", onError: .exit), next: .single("done")),
                WorkflowNode(id: "done", kind: .exit),
            ])
        return Workspace(
            // The receiver is on loopback, which the default network policy refuses.
            settings: WorkspaceSettings(name: "Test", networkAllowlist: ["127.0.0.1/32"]), workflows: [workflow],
            webhooks: [
                letterWebhook(baseURL: baseURL, path: letterPath), profileWebhook(baseURL: baseURL),
                Webhook(id: "vip", method: .put, url: baseURL + "/crm/vip", body: .json(template: #"{"email": "{{email}}"}"#)),
            ])
    }
}
