import Foundation
import StudioEngine
import StudioModel
import Synchronization
import Testing

/// Deliveries that wait (for a retry, for their host's permit) while something changes under
/// them: a cancel from another process (`hookline cancel` next to `serve`), a webhook removed, a
/// backlog on their host, a restart (QA of the retry waits and host queues).
@Suite(.serialized)
struct RetryWaitTests {
    /// A cancel from another process while an attempt is in flight here: the attempt's retry is
    /// not made (its settlement no longer turns the delivery back to retrying), and the journey
    /// asleep until that retry, an hour away, notices the cancel and takes its error branch.
    @Test func aCancelFromAnotherProcessDuringAnAttemptStopsItsRetryAndMovesTheJourneyOn() async throws {
        let storePath = try EngineFixtures.temporaryDirectory().appendingPathComponent("state.sqlite").path
        let sentIDs = Mutex<[String]>([])
        let failing = try await Receiver.start(
            script: try ReceiverScript.parse(yaml: "rules: [{path: /fail, response: {status: 503, delay: 1s}}]")
        ) { request in sentIDs.withLock { $0.append(request.header("webhook-id") ?? "") } }
        let fallbackArrivals = Mutex(0)
        let fallback = try await Receiver.start { _ in fallbackArrivals.withLock { $0 += 1 } }
        let workspace = Self.workspace(failing: failing.baseURL + "/fail", fallback: fallback.baseURL + "/fallback")
        let engine = try Engine(workspace: workspace, secrets: [:], configuration: .init(storePath: storePath))
        let other = try Engine(workspace: workspace, secrets: [:], configuration: .init(storePath: storePath))
        try engine.executor.start(workflowID: "flow", emails: ["ada@example.com"])
        for _ in 0..<1_000 where sentIDs.withLock({ $0.isEmpty }) { try await Task.sleep(for: .milliseconds(10)) }
        let id = try #require(sentIDs.withLock { $0.first })

        #expect(other.executor.cancel(deliveryID: id), "cancelled while its attempt is in flight")
        for _ in 0..<1_000 where fallbackArrivals.withLock({ $0 }) == 0 { try await Task.sleep(for: .milliseconds(10)) }
        #expect(try await Self.becomesIdle(engine), "a journey is still waiting")
        let status = try engine.store.delivery(id: id)?.status
        let stats = engine.executor.stats
        await engine.shutdown()
        await other.shutdown()
        await failing.shutdown()
        await fallback.shutdown()

        #expect(status == .cancelled)
        // The run's summary counts the cancelled delivery, failed, and the fallback's.
        #expect((stats.deliveries, stats.failures) == (2, 1), "\(stats.summary)")
        #expect(sentIDs.withLock { $0 } == [id], "no attempt after the cancel")
        #expect(fallbackArrivals.withLock { $0 } == 1, "the error branch ran")
    }

    /// A cancel from another process of a delivery waiting here for its host's permit: it is
    /// not sent (QA: the cancel said so, and it was sent and succeeded).
    @Test func aCancelFromAnotherProcessOfADeliveryWaitingForItsHostIsNotSent() async throws {
        let storePath = try EngineFixtures.temporaryDirectory().appendingPathComponent("state.sqlite").path
        let sentIDs = Mutex<[String]>([])
        let slow = try await Receiver.start(
            script: try ReceiverScript.parse(yaml: "rules: [{path: /fail, response: {status: 200, delay: 3s}}]")
        ) { request in
            // The cancelled one's journey goes on to its fallback, on the same receiver.
            guard request.path == "/fail" else { return }
            sentIDs.withLock { $0.append(request.header("webhook-id") ?? "") }
        }
        // One at a time: the second delivery waits for the first's permit.
        let workspace = Self.workspace(
            failing: slow.baseURL + "/fail", fallback: slow.baseURL + "/fallback",
            limits: DeliveryDefaults(maxInFlight: 1, maxInFlightPerHost: 1))
        let engine = try Engine(workspace: workspace, secrets: [:], configuration: .init(storePath: storePath))
        let other = try Engine(workspace: workspace, secrets: [:], configuration: .init(storePath: storePath))
        try engine.executor.start(workflowID: "flow", emails: ["ada@example.com", "bob@example.com"])
        for _ in 0..<1_000 where sentIDs.withLock({ $0.isEmpty }) { try await Task.sleep(for: .milliseconds(10)) }
        let first = try #require(sentIDs.withLock { $0.first })
        let waiting = try #require(
            try engine.store.deliveries(matching: DeliveryFilter(webhookID: "failing")).map(\.id).first { $0 != first })

        #expect(other.executor.cancel(deliveryID: waiting))
        #expect(try await Self.becomesIdle(engine), "a journey is still waiting")
        let status = try engine.store.delivery(id: waiting)?.status
        await engine.shutdown()
        await other.shutdown()
        await slow.shutdown()

        #expect(sentIDs.withLock { $0 } == [first], "the cancelled delivery was sent")
        #expect(status == .cancelled)
    }

    /// A webhook removed while a delivery of it waits for its retry: the delivery fails and the
    /// journey takes its step's error branch (QA: the journey was dropped, neither failed nor
    /// resumed while serve ran).
    @Test func aWebhookRemovedWhileItsDeliveryWaitsForARetryFailsItAndTheJourneyGoesOn() async throws {
        let failing = try await Receiver.start(
            script: try ReceiverScript.parse(yaml: "rules: [{path: /fail, response: {status: 503}}]"))
        let fallbackArrivals = Mutex(0)
        let fallback = try await Receiver.start { _ in fallbackArrivals.withLock { $0 += 1 } }
        var workspace = Self.workspace(failing: failing.baseURL + "/fail", fallback: fallback.baseURL + "/fallback")
        workspace.webhooks[0].retries = [WorkflowDuration(seconds: 1, text: "1s")]
        let engine = try Engine(workspace: workspace, secrets: [:], configuration: .init())
        try engine.executor.start(workflowID: "flow", emails: ["ada@example.com"])
        for _ in 0..<1_000 where engine.executor.sleepers.retrying == 0 { try await Task.sleep(for: .milliseconds(10)) }
        var edited = workspace
        edited.webhooks.removeFirst()
        engine.executor.apply(edited)
        for _ in 0..<1_000 where fallbackArrivals.withLock({ $0 }) == 0 { try await Task.sleep(for: .milliseconds(10)) }
        #expect(try await Self.becomesIdle(engine), "a journey is still waiting")
        let stats = engine.executor.stats
        await engine.shutdown()
        await failing.shutdown()
        await fallback.shutdown()

        #expect(fallbackArrivals.withLock { $0 } == 1, "the error branch ran")
        #expect(stats.journeysFinished == 1)
    }

    /// A short delay just before a webhook step is not stored: its record, written in a batch,
    /// landed after the step's, so a restart during the step's retry wait took the journey back
    /// to the delay and sent the delivery twice at once (QA: `delay: 0s`, kill -9, resume).
    @Test func aJourneyWaitingForARetryAfterAShortDelayIsStoredAtItsWebhookStep() async throws {
        let storePath = try EngineFixtures.temporaryDirectory().appendingPathComponent("state.sqlite").path
        let failing = try await Receiver.start(
            script: try ReceiverScript.parse(yaml: "rules: [{path: /fail, response: {status: 503}}]"))
        var workspace = Self.workspace(failing: failing.baseURL + "/fail", fallback: failing.baseURL + "/fallback")
        workspace.workflows[0].nodes.insert(
            WorkflowNode(id: "wait", kind: .delay(WorkflowDuration(seconds: 0, text: "0s")), next: .single("call")), at: 0)
        let engine = try Engine(workspace: workspace, secrets: [:], configuration: .init(storePath: storePath))
        try engine.executor.start(workflowID: "flow", emails: ["ada@example.com"])
        for _ in 0..<1_000 where engine.executor.sleepers.retrying == 0 { try await Task.sleep(for: .milliseconds(10)) }
        // Past the journey batches' interval.
        try await Task.sleep(for: .milliseconds(200))
        let stored = try engine.store.unfinishedJourneys()
        await engine.shutdown()
        await failing.shutdown()

        #expect(stored.map(\.status) == [.running])
        #expect(stored.map(\.nodeID) == ["call"])
    }

    /// A retry that comes due while its host has a backlog goes before the backlog: it is late
    /// already (QA: a 2 s retry was made 27 s on, after 200 deliveries queued behind it).
    @Test func aRetryThatComesDueGoesBeforeItsHostsBacklog() async throws {
        let arrivals = Mutex<[String]>([])
        let receiver = try await Receiver.start(
            script: try ReceiverScript.parse(
                yaml: "rules: [{path: /fail, responses: [{status: 503}, {status: 200}]}, {path: /fallback, response: {status: 200, delay: 300ms}}]")
        ) { request in arrivals.withLock { $0.append(request.path) } }
        var workspace = Self.workspace(
            failing: receiver.baseURL + "/fail", fallback: receiver.baseURL + "/fallback",
            limits: DeliveryDefaults(maxInFlight: 4, maxInFlightPerHost: 1))
        workspace.webhooks[0].retries = [WorkflowDuration(seconds: 1, text: "1s")]
        workspace.workflows.append(
            Workflow(
                id: "backlog", name: "backlog", start: .manual,
                nodes: [WorkflowNode(id: "call", kind: .callWebhook(webhook: "fallback", onError: .exit))]))
        let engine = try Engine(workspace: workspace, secrets: [:], configuration: .init())
        try engine.executor.start(workflowID: "flow", emails: ["ada@example.com"])
        for _ in 0..<1_000 where engine.executor.sleepers.retrying == 0 { try await Task.sleep(for: .milliseconds(10)) }
        // 30 × 300 ms one at a time: 9 s of backlog, the retry due in about 1 s.
        try engine.executor.start(workflowID: "backlog", emails: (0..<30).map { "user\($0)@example.com" })
        #expect(try await Self.becomesIdle(engine), "a journey is still waiting")
        await engine.shutdown()
        await receiver.shutdown()

        let order = arrivals.withLock { $0 }
        let retry = try #require(order.lastIndex(of: "/fail"))
        #expect(order.count == 32)
        #expect(order.count - 1 - retry >= 10, "backlog deliveries before the retry: \(retry - 1) of 30")
    }

    /// A journey waiting for a busy host whose stored row cannot be read when its turn comes is
    /// left stored, and passes its turn on: the journeys behind it are still sent.
    @Test func aQueuedJourneyThatCannotBeReadPassesItsHostTurnOn() async throws {
        let storePath = try EngineFixtures.temporaryDirectory().appendingPathComponent("state.sqlite").path
        let sent = Mutex<Set<String>>([])
        let slow = try await Receiver.start(
            script: try ReceiverScript.parse(yaml: "rules: [{path: /fail, response: {status: 200, delay: 300ms}}]")
        ) { request in _ = sent.withLock { $0.insert(request.header("webhook-id") ?? "") } }
        // 1 per host: 2 under way, the other 10 wait in the host's queue.
        var workspace = Self.workspace(
            failing: slow.baseURL + "/fail", fallback: slow.baseURL + "/fallback",
            limits: DeliveryDefaults(maxInFlight: 4, maxInFlightPerHost: 1))
        workspace.workflows[0].start = .event("signup")
        let engine = try Engine(workspace: workspace, secrets: [:], configuration: .init(storePath: storePath))
        try engine.executor.track((0..<12).map { TrackedEvent(email: "user\($0)@example.com", name: "signup") })
        let unreadable = (2..<6).map { "'user\($0)@example.com'" }.joined(separator: ",")
        try await sqlite(storePath, "UPDATE journey SET status = 'unknown' WHERE email IN (\(unreadable))")
        for _ in 0..<1_000 where sent.withLock({ $0.count }) < 8 { try await Task.sleep(for: .milliseconds(10)) }
        let count = sent.withLock { $0.count }
        await engine.shutdown()
        await slow.shutdown()

        #expect(count == 8, "sent \(count) of the 8 readable journeys")
    }

    /// A delivery resumed after a restart does not make the quick retry again: it is made once
    /// per delivery, and the delivery's stored attempts show it was made (QA F8: each restart
    /// added an immediate attempt).
    @Test func aDeliveryResumedAfterARestartMakesNoSecondQuickRetry() async throws {
        let storePath = try EngineFixtures.temporaryDirectory().appendingPathComponent("state.sqlite").path
        let closed = try LoopbackSocket()
        defer { closed.close() }
        let workspace = Self.workspace(failing: "http://127.0.0.1:\(try closed.bind())/fail", fallback: "http://127.0.0.1:9/none")
        let first = try Engine(workspace: workspace, secrets: [:], configuration: .init(storePath: storePath))
        try first.executor.start(workflowID: "flow", emails: ["ada@example.com"])
        for _ in 0..<1_000 where first.executor.sleepers.retrying == 0 { try await Task.sleep(for: .milliseconds(10)) }
        await first.shutdown()
        // The hour-long retry comes due at the restart.
        try await sqlite(storePath, "UPDATE delivery SET nextAttemptAt = 0")

        let second = try Engine(workspace: workspace, secrets: [:], configuration: .init(storePath: storePath))
        _ = try second.resume()
        for _ in 0..<1_000 where second.executor.sleepers.retrying == 0 { try await Task.sleep(for: .milliseconds(10)) }
        await second.shutdown()

        let id = try #require(try second.store.deliveries(matching: DeliveryFilter(webhookID: "failing")).first?.id)
        let attempts = try second.store.attempts(deliveryID: id)
        #expect(attempts.map(\.attempt) == [1, 2, 3])
        #expect(attempts.map(\.trigger) == [.scheduled, .immediate, .scheduled])
    }

    /// Whether `engine` has nothing left to do within 30 s: a journey left asleep until an
    /// hour-long retry fails the test instead of holding it up for the hour.
    private static func becomesIdle(_ engine: Engine) async throws -> Bool {
        let idle = Mutex(false)
        Task { [executor = engine.executor] in
            await executor.waitUntilIdle()
            idle.withLock { $0 = true }
        }
        for _ in 0..<3_000 where !idle.withLock({ $0 }) { try await Task.sleep(for: .milliseconds(10)) }
        return idle.withLock { $0 }
    }

    /// `flow`: one call to `failing` (retries an hour apart unless changed), its error branch to `fallback`.
    private static func workspace(
        failing: String, fallback: String, limits: DeliveryDefaults = DeliveryDefaults(maxInFlight: 4, maxInFlightPerHost: 4)
    ) -> Workspace {
        Workspace(
            settings: WorkspaceSettings(name: "Waits", delivery: limits, networkAllowlist: ["127.0.0.1/32"]),
            workflows: [
                Workflow(
                    id: "flow", name: "flow", start: .manual,
                    nodes: [
                        WorkflowNode(
                            id: "call", kind: .callWebhook(webhook: "failing", onError: .branch),
                            next: .branches(["next": "done", "error": "fallback"])),
                        WorkflowNode(id: "fallback", kind: .callWebhook(webhook: "fallback", onError: .exit), next: .single("done")),
                        WorkflowNode(id: "done", kind: .exit),
                    ])
            ],
            webhooks: [
                Webhook(
                    id: "failing", method: .post, url: failing, body: .json(template: "{}"),
                    retries: [WorkflowDuration(seconds: 3_600, text: "1h")]),
                Webhook(id: "fallback", method: .post, url: fallback, body: .json(template: "{}")),
            ])
    }
}
