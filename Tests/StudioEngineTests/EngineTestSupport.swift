import Foundation
import class GRDB.DatabaseQueue
import StudioEngine
import StudioModel
import Synchronization
import Testing

/// Shared fixtures: a temporary folder, a live receiver, and a workspace aimed at it.
enum EngineFixtures {
    /// A new folder under ``runFolder``.
    static func temporaryDirectory() throws -> URL {
        let url = runFolder.appendingPathComponent(UUID().uuidString)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// The folder of this test process's temporary folders, removed when it exits: a test that
    /// fails before its own clean-up (most have none) leaves nothing in /tmp. Each run left
    /// about 100 folders and 130 MB there.
    private static let runFolder: URL = {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("hookline-tests-\(getpid())-\(UUID().uuidString.prefix(8))")
        atexit { try? FileManager.default.removeItem(at: EngineFixtures.runFolder) }
        return url
    }()

    /// The path of a store file as an older version left it: a current store with the records
    /// of `migrations` removed and the tables they made (`dropping`) dropped, then `rows` (raw
    /// SQL) written, so that opening it runs those migrations over that data.
    static func storeBefore(migrations: [String], dropping tables: [String], rows: String) async throws -> String {
        let path = try temporaryDirectory().appendingPathComponent("state.sqlite").path
        _ = try SQLiteStateStore(path: path)
        let names = migrations.map { "'\($0)'" }.joined(separator: ", ")
        try await DatabaseQueue(path: path).write { db in
            try db.execute(sql: "DELETE FROM grdb_migrations WHERE identifier IN (\(names))")
            for table in tables { try db.execute(sql: "DROP TABLE \(table)") }
            try db.execute(sql: rows)
        }
        return path
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

/// Real seconds a test on a ``ScaledClock`` allows for the work between two attempts besides
/// the wait itself. Generous: the whole suite runs in parallel on two cores, where stalls of
/// 0.7 s, 1.8 s and once 3.3 s were seen. Tests of the schedule itself use ``SteppedClock``,
/// which no stall can move.
let retryGapSlack: TimeInterval = 10

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

/// Workflow time that moves on only when the code under test waits: each wait is recorded and
/// returns at once, having moved ``now()`` and ``monotonicNow()`` on by its length. Retry schedules are checked
/// exactly against ``waits``, however busy the machine, and take no real time.
final class SteppedClock: EngineClock {
    private let state = Mutex<(offset: TimeInterval, waits: [TimeInterval])>((0, []))

    /// The waits asked for, in order, in seconds.
    var waits: [TimeInterval] { state.withLock { $0.waits } }

    func now() -> Date { Date().addingTimeInterval(state.withLock { $0.offset }) }

    func monotonicNow() -> ContinuousClock.Instant { .now + .seconds(state.withLock { $0.offset }) }

    func realInterval(forWorkflowSeconds seconds: Double) -> Double { seconds }

    func sleep(seconds: Double) async throws {
        try Task.checkCancellation()
        state.withLock {
            $0.offset += seconds
            $0.waits.append(seconds)
        }
        await Task.yield()
    }
}

/// Expects `clock`'s waits to be `expected`, each within its bounds.
func expectWaits(
    _ clock: SteppedClock, _ expected: [ClosedRange<TimeInterval>], sourceLocation: Testing.SourceLocation = #_sourceLocation
) {
    let waits = clock.waits
    #expect(waits.count == expected.count, "waited \(waits) s", sourceLocation: sourceLocation)
    for (wait, bounds) in zip(waits, expected) {
        #expect(bounds.contains(wait), "waited \(waits) s, expected \(expected)", sourceLocation: sourceLocation)
    }
}

/// Runs a tool found on PATH to its end and gives its exit status and what it printed. It is
/// polled, not waited for: a blocked thread would be one of the two cooperative threads this
/// machine has, and would stall every other test's clocks and servers meanwhile.
func runTool(
    _ arguments: [String], timeout: Duration = .seconds(60)
) async throws -> (status: Int32, output: String, errors: String) {
    let folder = try EngineFixtures.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: folder) }
    let outputURL = folder.appendingPathComponent("stdout")
    let errorsURL = folder.appendingPathComponent("stderr")
    try Data().write(to: outputURL)
    try Data().write(to: errorsURL)
    let output = try FileHandle(forWritingTo: outputURL)
    let errors = try FileHandle(forWritingTo: errorsURL)
    defer {
        try? output.close()
        try? errors.close()
    }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = arguments
    process.standardOutput = output
    process.standardError = errors
    try process.run()
    let deadline = ContinuousClock.now + timeout
    while process.isRunning {
        guard ContinuousClock.now < deadline else {
            process.terminate()
            throw ToolTimedOut(command: arguments.joined(separator: " "))
        }
        try await Task.sleep(for: .milliseconds(10))
    }
    let read = { (url: URL) in String(decoding: (try? Data(contentsOf: url)) ?? Data(), as: UTF8.self) }
    return (process.terminationStatus, read(outputURL), read(errorsURL))
}

/// Runs SQL on a store file with the sqlite3 tool, as an operator or another process would;
/// returns what it printed, trimmed.
@discardableResult
func sqlite(
    _ path: String, _ sql: String, sourceLocation: Testing.SourceLocation = #_sourceLocation
) async throws -> String {
    let result = try await runTool(["sqlite3", "-cmd", ".timeout 5000", path, sql])
    #expect(result.status == 0, "sqlite3: \(result.errors)", sourceLocation: sourceLocation)
    return result.output.trimmingCharacters(in: .whitespacesAndNewlines)
}

struct ToolTimedOut: Error, CustomStringConvertible {
    var command: String
    var description: String { "\(command) was still running at the deadline" }
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

/// Runs `body` with a delivery client allowed to reach 127.0.0.1, which the default network
/// policy refuses, as the tests' servers listen there.
func withLoopbackClient<T: Sendable>(
    _ configuration: DeliveryClient.Configuration = DeliveryClient.Configuration(),
    _ body: (DeliveryClient) async throws -> T
) async throws -> T {
    try await DeliveryClient.withClient(
        configuration: configuration, networkPolicy: NetworkPolicy(allowlist: ["127.0.0.1/32"]), body)
}

extension DeliveryClient.Configuration {
    /// A client whose deadline outlasts a test process starved by a full parallel run (CI on two
    /// cores stalled even millisecond tests for 10 s): a test of what the pool does with a
    /// closed connection must not fail on the attempt's deadline instead.
    static let patient: DeliveryClient.Configuration = {
        var configuration = DeliveryClient.Configuration()
        configuration.timeout = .seconds(120)
        // The connect budget covers the TLS handshake, which a starved run stalled past 5 s.
        configuration.connectTimeout = .seconds(60)
        return configuration
    }()
}
