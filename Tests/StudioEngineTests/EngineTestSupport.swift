import Foundation
import StudioEngine
import StudioModel
import Testing

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

    /// start → direct-mail (call) → enrich (update profile) → wait 2d → is-pro (yes/no) → vip-call → done
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

extension EngineFixtures {
    /// The lease owner of a process that no longer exists: what a `kill -9` leaves on its rows.
    static let exitedLeaseOwner = "\(ProcessInfo.processInfo.hostName)/999999/dead"

    /// A delivery of a `welcome` step as a killed process leaves it: unsettled, leased by a
    /// process that exited, its snapshot `user`'s profile.
    static func orphanedDelivery(
        id: String = DeliveryID.make(), journeyID: String, nodeID: String = "direct-mail", webhookID: String = "lob-letter",
        user: JSONObject, status: OutboxDelivery.Status = .sending, attempts: Int = 0, nextAttemptAt: Date = Date()
    ) -> OutboxDelivery {
        OutboxDelivery(
            id: id, kind: .step, journeyID: journeyID, workflowID: "welcome", nodeID: nodeID, webhookID: webhookID,
            email: user["email"]?.stringValue, snapshot: DeliverySnapshot(profile: user, now: Date()), status: status,
            attempts: attempts, nextAttemptAt: nextAttemptAt, leaseOwner: exitedLeaseOwner,
            leaseUntil: nextAttemptAt.addingTimeInterval(45))
    }
}

/// Real seconds the retry tests allow for the work between two attempts besides the wait itself.
/// Generous: the whole suite runs in parallel on two cores, where a 0.7 s stall was seen, and
/// 1.8 s with two more busy processes beside it; the lower bounds, which are exact, are what
/// tell the cases apart.
let retryGapSlack: TimeInterval = 3

/// Expects the wait between attempt `index` and the next, in workflow seconds (recorded real
/// time × `scale`), to be at least `lower` (less 0.1 % for rounding) and at most `upper` plus
/// ``retryGapSlack`` of real time.
func expectGap(
    _ attempts: [AttemptRecord], _ index: Int, scale: Double, between lower: TimeInterval, and upper: TimeInterval,
    sourceLocation: Testing.SourceLocation = #_sourceLocation
) throws {
    try #require(attempts.count > index + 1, "only \(attempts.count) attempts", sourceLocation: sourceLocation)
    let before = attempts[index]
    let ended = before.startedAt.addingTimeInterval(before.latencyMilliseconds / 1000)
    let gap = attempts[index + 1].startedAt.timeIntervalSince(ended) * scale
    #expect(gap >= lower * 0.999, "waited \(gap) s after attempt \(index + 1)", sourceLocation: sourceLocation)
    #expect(
        gap <= upper + retryGapSlack * scale, "waited \(gap) s after attempt \(index + 1)", sourceLocation: sourceLocation)
}

/// A receiver script from its rules, written inline as YAML flow mappings.
func script(_ rules: String...) throws -> ReceiverScript {
    try ReceiverScript.parse(yaml: "rules: [\(rules.joined(separator: ", "))]")
}

/// A POST with a JSON body and its delivery headers, as the request builder would make it.
func makeRequest(
    _ url: String, headers: [HeaderField] = [], body: String = #"{"email":"ada@example.com"}"#,
    secrets: [String] = []
) -> PreparedRequest {
    let id = DeliveryID.make()
    return PreparedRequest(
        method: .post, url: url,
        headers: [HeaderField("Content-Type", "application/json")] + headers
            + [HeaderField("webhook-id", id), HeaderField("Idempotency-Key", id)],
        body: body, secretValues: secrets, deliveryID: id)
}
