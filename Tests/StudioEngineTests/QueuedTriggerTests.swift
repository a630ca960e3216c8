import Foundation
import StudioEngine
import StudioModel
import Testing

/// Journeys of tracked events, and journeys resumed after a restart, wait for admission with no
/// trigger in memory: each one's trigger is read back from its stored row when it is admitted,
/// so what a user sees is every journey sending its own event's data, in the order tracked; a
/// real SQLite file and a real receiver on 127.0.0.1. One test at a time: each measures the order
/// in which queued journeys reach one permit, which tests beside it on two cores made ragged.
@Suite(.serialized)
struct QueuedTriggerTests {
    /// A signup event starts one call, at most one request in flight: four journeys run at once
    /// and the rest wait in the queue.
    private static func workspace(baseURL: String, delay: WorkflowDuration? = nil) -> Workspace {
        var nodes = [WorkflowNode(id: "call", kind: .callWebhook(webhook: "ping", onError: .exit), next: .none)]
        if let delay { nodes.insert(WorkflowNode(id: "wait", kind: .delay(delay), next: .single("call")), at: 0) }
        return Workspace(
            settings: WorkspaceSettings(
                name: "Queue", delivery: DeliveryDefaults(maxInFlight: 1, maxInFlightPerHost: 1),
                networkAllowlist: ["127.0.0.1/32"]),
            workflows: [Workflow(id: "signup", name: "Signup", start: .event("signup"), nodes: nodes)],
            webhooks: [
                Webhook(
                    id: "ping", method: .post, url: baseURL + "/ping",
                    body: .json(template: #"{"email": "{{email}}", "n": "{{dataFields.n}}", "plan": "{{dataFields.plan}}"}"#))
            ])
    }

    /// The first answer takes `delay`, so that the journeys tracked meanwhile queue behind it.
    private static func slowFirstAnswer(_ delay: String, log: RequestLog) async throws -> Receiver {
        try await Receiver.start(
            script: try ReceiverScript.parse(
                yaml: "rules: [{path: /ping, responses: [{status: 200, delay: \(delay)}, {status: 200}]}]")
        ) { log.append($0) }
    }

    private static func storePath() throws -> String {
        try EngineFixtures.temporaryDirectory().appendingPathComponent("state.sqlite").path
    }

    /// What a user's journey sends: its address and its own event's data.
    private struct Sent: Hashable {
        var email: String
        var n: String
        var plan: String
    }

    private static func event(_ n: Int) -> TrackedEvent {
        TrackedEvent(
            email: "user\(n)@example.com", name: "signup",
            dataFields: ["n": .string("\(n)"), "plan": .string(n.isMultiple(of: 2) ? "pro" : "free")])
    }

    private static func expected(_ numbers: some Sequence<Int>) -> [Sent] {
        numbers.map { Sent(email: "user\($0)@example.com", n: "\($0)", plan: $0.isMultiple(of: 2) ? "pro" : "free") }
    }

    private static func sent(_ log: RequestLog) -> [Sent] {
        log.all.compactMap { request in
            let body = try? JSONValue.parse(request.body)
            guard let email = body?["email"]?.stringValue, let n = body?["n"]?.stringValue,
                let plan = body?["plan"]?.stringValue
            else { return nil }
            return Sent(email: email, n: n, plan: plan)
        }
    }

    @Test func trackedEventsQueuedBehindASlowHostSendTheirOwnDataInTheOrderTracked() async throws {
        let log = RequestLog()
        let receiver = try await Self.slowFirstAnswer("300ms", log: log)
        let engine = try Engine(
            workspace: Self.workspace(baseURL: receiver.baseURL), secrets: [:],
            configuration: .init(storePath: try Self.storePath()))
        try engine.executor.track((0..<60).map(Self.event))
        for n in 60..<80 { try engine.executor.track(Self.event(n)) }
        let queued = engine.executor.stats.journeysPending
        await engine.executor.waitUntilIdle()
        await engine.shutdown()
        await receiver.shutdown()

        #expect(queued >= 80 - 4, "admitted at once: \(80 - queued)")
        #expect(Self.sent(log) == Self.expected(0..<80))
    }

    /// A row this version cannot read (here, a status it does not know, as a newer version might
    /// write) is not run from memory or dropped: the journey gives its slot back, its row stays
    /// as it is, and a resume once it can be read runs it with its own event's data.
    @Test func aQueuedTrackedJourneyWhoseRowCannotBeReadStaysStoredForAResume() async throws {
        let log = RequestLog()
        let receiver = try await Self.slowFirstAnswer("500ms", log: log)
        let path = try Self.storePath()
        let workspace = Self.workspace(baseURL: receiver.baseURL)
        let engine = try Engine(workspace: workspace, secrets: [:], configuration: .init(storePath: path))
        try engine.executor.track((0..<60).map(Self.event))
        // While the first answer takes half a second, and every other journey waits, ten queued rows change.
        let unreadable = Set(40..<50)
        let quoted = unreadable.map { "'user\($0)@example.com'" }.joined(separator: ",")
        try await sqlite(path, "UPDATE journey SET status = 'unknown' WHERE email IN (\(quoted))")
        await engine.executor.waitUntilIdle()
        let stats = engine.executor.stats
        await engine.shutdown()

        // Every readable one, once; the journeys admitted together after the unreadable ones
        // gave their slots back reach the one permit in either order.
        #expect(Self.sent(log).count == 50)
        #expect(Set(Self.sent(log)) == Set(Self.expected((0..<60).filter { !unreadable.contains($0) })))
        #expect(stats.journeysFinished == 50)
        #expect(stats.journeysActive == 0)
        #expect(try await sqlite(path, "SELECT COUNT(*) FROM journey WHERE status = 'unknown'") == "10")

        try await sqlite(path, "UPDATE journey SET status = 'running' WHERE status = 'unknown'")
        let resuming = try Engine(workspace: workspace, secrets: [:], configuration: .init(storePath: path))
        #expect(resuming.executor.resume().journeys == 10)
        await resuming.executor.waitUntilIdle()
        await resuming.shutdown()
        await receiver.shutdown()

        #expect(Set(Self.sent(log).suffix(10)) == Set(Self.expected(unreadable)))
    }

    /// Journeys stored running before a restart wait for admission as their ids alone: each is
    /// read back, with its trigger, once admitted; one gone from the store meanwhile is not run
    /// from a copy held in memory.
    @Test func resumedJourneysAreReadBackWithTheirTriggersWhenAdmitted() async throws {
        let log = RequestLog()
        let receiver = try await Self.slowFirstAnswer("500ms", log: log)
        let path = try Self.storePath()
        // Ids in the order of n, as journeys stored one after another have: with ids made in one
        // millisecond (random, in no order) any of the ten could be among the first admitted,
        // read before the delete, and rightly sent.
        let ids = DeliveryID.sequentialULIDs(count: 200)
        let stored = (0..<200).map { n in
            JourneyRecord(
                id: ids[n], workflowID: "signup", email: "user\(n)@example.com", nodeID: "call",
                status: .running, trigger: Self.event(n))
        }
        try SQLiteStateStore(path: path).saveJourneys(stored)
        let engine = try Engine(
            workspace: Self.workspace(baseURL: receiver.baseURL), secrets: [:], configuration: .init(storePath: path))
        #expect(engine.executor.resume().journeys == 200)
        let gone = Set(150..<160)
        let quoted = gone.map { "'user\($0)@example.com'" }.joined(separator: ",")
        try await sqlite(path, "DELETE FROM journey WHERE email IN (\(quoted))")
        await engine.executor.waitUntilIdle()
        let stats = engine.executor.stats
        await engine.shutdown()
        await receiver.shutdown()

        #expect(Set(Self.sent(log)) == Set(Self.expected((0..<200).filter { !gone.contains($0) })))
        #expect(Self.sent(log).count == 190)
        #expect(stats.journeysActive == 0)
    }

    /// Running journeys are counted by workflow, not read, when a resume queues them: those of
    /// workflows not resumed are left for later, and those of a workflow that is gone are failed.
    @Test func aResumeQueuesTheChosenWorkflowsRunningJourneysAndFailsThoseOfAGoneOne() async throws {
        let log = RequestLog()
        let receiver = try await Receiver.start { log.append($0) }
        let path = try Self.storePath()
        let stored = [("signup", 0..<3), ("other", 3..<5), ("gone", 5..<6)].flatMap { workflowID, numbers in
            numbers.map { n in
                JourneyRecord(
                    id: DeliveryID.ulid(), workflowID: workflowID, email: "user\(n)@example.com", nodeID: "call",
                    status: .running, trigger: Self.event(n))
            }
        }
        let store = try SQLiteStateStore(path: path)
        try store.saveJourneys(stored)
        let engine = try Engine(
            workspace: Self.workspace(baseURL: receiver.baseURL), secrets: [:], configuration: .init(storePath: path))
        let summary = try #require(try engine.resume(workflowIDs: ["signup", "gone"]))
        await engine.executor.waitUntilIdle()
        await engine.shutdown()
        await receiver.shutdown()

        #expect(summary.journeys == 3)
        #expect(summary.leftForLater == 2)
        #expect(Set(Self.sent(log)) == Set(Self.expected(0..<3)))
        let statuses = try stored.map { try store.journeys(email: $0.email, limit: 1).first?.status }
        #expect(statuses == [.finished, .finished, .finished, .running, .running, .failed])
    }

    /// A journey asleep in a delay holds no trigger either: it reads it again when it wakes.
    @Test func aTrackedJourneyWakingFromADelaySendsItsEventsData() async throws {
        let log = RequestLog()
        let receiver = try await Receiver.start { log.append($0) }
        // Five minutes of workflow time are 0.3 s here.
        let engine = try Engine(
            workspace: Self.workspace(baseURL: receiver.baseURL, delay: WorkflowDuration(seconds: 300, text: "5m")),
            secrets: [:], configuration: .init(timeScale: 1_000, storePath: try Self.storePath()))
        try engine.executor.track((0..<20).map(Self.event))
        await engine.executor.waitUntilIdle()
        await engine.shutdown()
        await receiver.shutdown()

        #expect(Set(Self.sent(log)) == Set(Self.expected(0..<20)))
    }
}
