import Foundation
import StudioEngine
import StudioModel
import Synchronization
import Testing

/// delivery.md §9 row 43: a slow endpoint neither takes more than its per-host share of
/// connections nor delays deliveries to a healthy one — at the HTTP limiter and at the executor's
/// journey admission, where journeys waiting for the slow host used to fill every slot.
@Suite(.serialized)
struct SlowHostIsolationTests {
    @Test func row43ASlowHostIsCappedAndAHealthyHostIsServedAtOnce() async throws {
        // The slow host answers nothing for 30 s, longer than any wait below and than the 15 s
        // attempt deadline, so no slot of its is freed while the test looks: what arrives by then
        // arrived because the executor parked the journeys waiting for it, whatever the load.
        let slowArrivals = Mutex<[Date]>([])
        let slow = try await Receiver.start(
            script: try ReceiverScript.parse(yaml: "rules: [{path: /slow, response: {status: 200, delay: 30s}}]")
        ) { _ in slowArrivals.withLock { $0.append(Date()) } }
        let fastArrivals = Mutex<[Date]>([])
        let fast = try await Receiver.start { _ in fastArrivals.withLock { $0.append(Date()) } }

        // 8 in flight in total, 4 per host: the executor runs 32 journeys at once, fewer than
        // the 36 that wait for the slow host. Without parking the healthy host waits for slots
        // that only the slow host's answers (or their deadline, 15 s on) free.
        let workspace = Self.workspace(
            DeliveryDefaults(maxInFlight: 8, maxInFlightPerHost: 4), slow: slow.baseURL + "/slow",
            fast: fast.baseURL + "/fast")
        let engine = try Engine(workspace: workspace, secrets: [:], configuration: .init())
        let slowUsers = (0..<36).map { "slow\($0)@example.com" }
        let fastUsers = (0..<10).map { "fast\($0)@example.com" }
        try engine.executor.start(workflowID: "slow-flow", emails: slowUsers)
        try engine.executor.start(workflowID: "fast-flow", emails: fastUsers)
        // Well within the slow attempts' 15 s deadline.
        for _ in 0..<1_000 where fastArrivals.withLock({ $0.count }) < fastUsers.count {
            try await Task.sleep(for: .milliseconds(10))
        }
        let healthy = fastArrivals.withLock { $0.count }
        let slowInFlight = slowArrivals.withLock { $0.count }
        await engine.shutdown()
        await slow.shutdown()
        await fast.shutdown()

        #expect(healthy == fastUsers.count, "the healthy host waited behind the slow one")
        #expect(slowInFlight == 4, "the slow host is capped at its 4 connections")
    }

    /// A dead host's deliveries wait minutes to hours between attempts; their journeys held
    /// every running slot meanwhile, so no other workflow's journey was admitted (QA: 300
    /// deliveries to a refusing port held a healthy host's for 25 h at real speed). Also when
    /// one host may take every connection, where journeys are never parked for a busy host.
    @Test func journeysWaitingForARetryLeaveTheirSlotsToAHealthyHost() async throws {
        let fastArrivals = Mutex<[Date]>([])
        let fast = try await Receiver.start { _ in fastArrivals.withLock { $0.append(Date()) } }
        // A port nothing listens on: each attempt is refused at once, then waits for its retry.
        let deadPort = try LoopbackSocket().bind()

        // 4 in flight, 4 per host: 16 journeys run at once, fewer than the 20 for the dead host.
        let workspace = Self.workspace(
            DeliveryDefaults(maxInFlight: 4, maxInFlightPerHost: 4), slow: "http://127.0.0.1:\(deadPort)/dead",
            fast: fast.baseURL + "/fast")
        // Real time: the first scheduled retry is 4 to 6 s away, the next 5 min: without parking,
        // the slots stay held for the whole wait below, however busy the machine.
        let engine = try Engine(workspace: workspace, secrets: [:], configuration: .init())
        let deadUsers = (0..<20).map { "dead\($0)@example.com" }
        let fastUsers = (0..<10).map { "fast\($0)@example.com" }
        try engine.executor.start(workflowID: "slow-flow", emails: deadUsers)
        try engine.executor.start(workflowID: "fast-flow", emails: fastUsers)
        for _ in 0..<1_000 where fastArrivals.withLock({ $0.count }) < fastUsers.count {
            try await Task.sleep(for: .milliseconds(10))
        }
        let healthy = fastArrivals.withLock { $0.count }
        await engine.shutdown()
        await fast.shutdown()

        #expect(healthy == fastUsers.count, "the healthy host waited behind the dead one's retries")
    }

    /// QA: journeys waiting for a busy host were parked as suspended tasks up to 16 × the
    /// in-flight limit; past that they held every running slot, and with 1,400 events for a
    /// 5 s host a healthy host waited more than 40 s. Now they wait in the host's queue as
    /// small values, however many there are.
    @Test func hundredsOfJourneysWaitingForASlowHostNeitherHoldSlotsNorDelayAHealthyHost() async throws {
        let slowArrivals = Mutex(0)
        let slow = try await Receiver.start(
            script: try ReceiverScript.parse(yaml: "rules: [{path: /slow, response: {status: 200, delay: 30s}}]")
        ) { _ in slowArrivals.withLock { $0 += 1 } }
        let fastArrivals = Mutex(0)
        let fast = try await Receiver.start { _ in fastArrivals.withLock { $0 += 1 } }

        // 4 in flight, 2 per host: 16 journeys run at once, and the old limit parked 64.
        let workspace = Self.workspace(
            DeliveryDefaults(maxInFlight: 4, maxInFlightPerHost: 2),
            slow: slow.baseURL + "/slow", fast: fast.baseURL + "/fast")
        let engine = try Engine(workspace: workspace, secrets: [:], configuration: .init())
        let slowUsers = (0..<300).map { "slow\($0)@example.com" }
        let fastUsers = (0..<10).map { "fast\($0)@example.com" }
        try engine.executor.start(workflowID: "slow-flow", emails: slowUsers)
        try engine.executor.start(workflowID: "fast-flow", emails: fastUsers)
        for _ in 0..<1_000 where fastArrivals.withLock({ $0 }) < fastUsers.count {
            try await Task.sleep(for: .milliseconds(10))
        }
        let healthy = fastArrivals.withLock { $0 }
        // The healthy host's answers settle their deliveries a moment after they arrive.
        var inFlight = engine.executor.stats.deliveriesInFlight
        for _ in 0..<500 where inFlight > 4 {
            try await Task.sleep(for: .milliseconds(10))
            inFlight = engine.executor.stats.deliveriesInFlight
        }
        let slowInFlight = slowArrivals.withLock { $0 }
        await engine.shutdown()
        await slow.shutdown()
        await fast.shutdown()

        #expect(healthy == fastUsers.count, "the healthy host waited behind the slow one")
        #expect(slowInFlight == 2, "the slow host is capped at its 2 connections")
        // Its 2 sending and 2 rendered, waiting for a permit; the other 296 wait as values.
        #expect(inFlight == 4, "deliveries under way for the slow host: \(inFlight)")
    }

    /// Journeys whose deliveries wait for a scheduled retry sleep as they do in a delay: no
    /// task, no running slot, not counted in flight, however many (the old limit was 16 × the
    /// in-flight limit, 64 here, past which they held the slots through a 5 min wait).
    @Test func hundredsOfJourneysWaitingForRetriesSleepWithoutTasksAndLeaveTheirSlots() async throws {
        let fastArrivals = Mutex(0)
        let fast = try await Receiver.start { _ in fastArrivals.withLock { $0 += 1 } }
        let deadPort = try LoopbackSocket().bind()
        let workspace = Self.workspace(
            DeliveryDefaults(maxInFlight: 4, maxInFlightPerHost: 4),
            slow: "http://127.0.0.1:\(deadPort)/dead", fast: fast.baseURL + "/fast")
        // 10× time: the first retry is about 0.5 s away, the second 30 s.
        let engine = try Engine(workspace: workspace, secrets: [:], configuration: .init(timeScale: 10))
        let deadUsers = (0..<200).map { "dead\($0)@example.com" }
        try engine.executor.start(workflowID: "slow-flow", emails: deadUsers)
        var asleep = (0, 0)
        for _ in 0..<2_000 {
            asleep = (engine.executor.sleepers.count, engine.executor.stats.deliveriesInFlight)
            if asleep == (deadUsers.count, 0) { break }
            try await Task.sleep(for: .milliseconds(10))
        }
        let fastUsers = (0..<10).map { "fast\($0)@example.com" }
        try engine.executor.start(workflowID: "fast-flow", emails: fastUsers)
        for _ in 0..<1_000 where fastArrivals.withLock({ $0 }) < fastUsers.count {
            try await Task.sleep(for: .milliseconds(10))
        }
        let healthy = fastArrivals.withLock { $0 }
        await engine.shutdown()
        await fast.shutdown()

        #expect(asleep == (deadUsers.count, 0), "(asleep until a retry, deliveries in flight): \(asleep)")
        #expect(healthy == fastUsers.count, "the healthy host waited behind the dead one's retries")
    }

    /// A delivery that stops at its retry and goes on later keeps its place in the policy: the
    /// quick retry after a refused connection is made once per delivery, not once per wait.
    @Test func aDeliveryGoingOnAfterItsRetryWaitKeepsItsPlaceInThePolicy() async throws {
        let deadPort = try LoopbackSocket().bind()
        var workspace = Self.workspace(
            DeliveryDefaults(maxInFlight: 4, maxInFlightPerHost: 4),
            slow: "http://127.0.0.1:\(deadPort)/dead", fast: "http://127.0.0.1:\(deadPort)/unused")
        workspace.webhooks[0].retries = [WorkflowDuration(seconds: 5, text: "5s"), WorkflowDuration(seconds: 5, text: "5s")]
        let engine = try Engine(workspace: workspace, secrets: [:], configuration: .init(timeScale: 100))
        try engine.executor.start(workflowID: "slow-flow", emails: ["ada@example.com"])
        await engine.executor.waitUntilIdle()
        let attempts = try engine.store.recentAttempts(limit: 10).sorted { $0.attempt < $1.attempt }
        await engine.shutdown()

        #expect(attempts.map(\.attempt) == [1, 2, 3, 4])
        #expect(attempts.map(\.trigger) == [.scheduled, .immediate, .scheduled, .scheduled])
        #expect(Set(attempts.map(\.deliveryID)).count == 1, "one delivery, one webhook-id")
    }

    /// Cancelling a delivery whose journey sleeps until its retry (an hour away) moves the
    /// journey on at once, down its step's error branch.
    @Test func cancellingADeliveryWaitingForItsRetryMovesItsJourneyOnAtOnce() async throws {
        let sentIDs = Mutex<[String]>([])
        let failing = try await Receiver.start(
            script: try ReceiverScript.parse(yaml: "rules: [{path: /fail, response: {status: 503}}]")
        ) { request in sentIDs.withLock { $0.append(request.header("webhook-id") ?? "") } }
        let fallbackArrivals = Mutex(0)
        let fallback = try await Receiver.start { _ in fallbackArrivals.withLock { $0 += 1 } }
        var workspace = Self.workspace(
            DeliveryDefaults(maxInFlight: 4, maxInFlightPerHost: 2),
            slow: failing.baseURL + "/fail", fast: fallback.baseURL + "/fallback")
        workspace.webhooks[0].retries = [WorkflowDuration(seconds: 3_600, text: "1h")]
        workspace.workflows[0] = Workflow(
            id: "slow-flow", name: "slow-flow", start: .event("slow-flow"),
            nodes: [
                WorkflowNode(id: "call", kind: .callWebhook(webhook: "slow-hook", onError: .branch), next: .branches(["next": "done", "error": "fallback"])),
                WorkflowNode(id: "fallback", kind: .callWebhook(webhook: "fast-hook", onError: .exit), next: .single("done")),
                WorkflowNode(id: "done", kind: .exit),
            ])
        let engine = try Engine(workspace: workspace, secrets: [:], configuration: .init())
        try engine.executor.start(workflowID: "slow-flow", emails: ["ada@example.com"])
        for _ in 0..<1_000 where engine.executor.sleepers.count == 0 { try await Task.sleep(for: .milliseconds(10)) }
        let id = try #require(sentIDs.withLock { $0.first })

        #expect(engine.executor.cancel(deliveryID: id))
        for _ in 0..<1_000 where fallbackArrivals.withLock({ $0 }) == 0 { try await Task.sleep(for: .milliseconds(10)) }
        await engine.executor.waitUntilIdle()
        let status = try engine.store.delivery(id: id)?.status
        let attempts = try engine.store.attempts(deliveryID: id).count
        let stats = engine.executor.stats
        await engine.shutdown()
        await failing.shutdown()
        let sent = sentIDs.withLock { $0 }
        await fallback.shutdown()

        #expect(fallbackArrivals.withLock { $0 } == 1, "the error branch ran")
        #expect(status == .cancelled)
        #expect(attempts == 1 && sent == [id], "no attempt after the cancel")
        // The run's summary counts the cancelled delivery, failed, and the fallback's.
        #expect((stats.deliveries, stats.failures) == (2, 1), "\(stats.summary)")
    }

    /// After a restart, journeys whose deliveries wait for a retry an hour away sleep until it,
    /// as before the restart: they waited in tasks holding every running slot.
    @Test func journeysResumedWithARetryStillAheadSleepUntilItAndLeaveTheirSlots() async throws {
        let storePath = try EngineFixtures.temporaryDirectory().appendingPathComponent("state.sqlite").path
        let failing = try await Receiver.start(
            script: try ReceiverScript.parse(yaml: "rules: [{path: /fail, response: {status: 503}}]"))
        let fastArrivals = Mutex(0)
        let fast = try await Receiver.start { _ in fastArrivals.withLock { $0 += 1 } }
        // 2 in flight: 8 journeys run at once, fewer than the 10 waiting for their retry.
        var workspace = Self.workspace(
            DeliveryDefaults(maxInFlight: 2, maxInFlightPerHost: 2), slow: failing.baseURL + "/fail",
            fast: fast.baseURL + "/fast")
        workspace.webhooks[0].retries = [WorkflowDuration(seconds: 3_600, text: "1h")]
        let before = try Engine(workspace: workspace, secrets: [:], configuration: .init(storePath: storePath))
        try before.executor.start(workflowID: "slow-flow", emails: (0..<10).map { "slow\($0)@example.com" })
        for _ in 0..<1_000 where before.executor.sleepers.retrying < 10 { try await Task.sleep(for: .milliseconds(10)) }
        await before.shutdown()

        let after = try Engine(workspace: workspace, secrets: [:], configuration: .init(storePath: storePath))
        let summary = after.executor.resume()
        let fastUsers = (0..<5).map { "fast\($0)@example.com" }
        try after.executor.start(workflowID: "fast-flow", emails: fastUsers)
        for _ in 0..<1_000 where fastArrivals.withLock({ $0 }) < fastUsers.count {
            try await Task.sleep(for: .milliseconds(10))
        }
        let healthy = fastArrivals.withLock { $0 }
        let retrying = after.executor.sleepers.retrying
        await after.shutdown()
        await failing.shutdown()
        await fast.shutdown()

        #expect(summary.journeys == 10)
        #expect(healthy == fastUsers.count, "the healthy host waited behind the resumed retries")
        #expect(retrying == 10)
    }

    /// A dead system webhook's deliveries (one per email sent) wait for their retries as small
    /// values, are sent again when due with their webhook-id and the next attempt number, and a
    /// cancel lets them go at once.
    @Test(.timeLimit(.minutes(1))) func systemWebhookDeliveriesWaitForTheirRetriesAsValuesAndACancelLetsThemGo() async throws {
        let sent = Mutex<[String: Int]>([:])
        let failing = try await Receiver.start(
            script: try ReceiverScript.parse(yaml: "rules: [{path: /system/email, response: {status: 503}}]")
        ) { request in sent.withLock { $0[request.header("webhook-id") ?? "", default: 0] += 1 } }
        let workspace = Workspace(
            settings: WorkspaceSettings(
                name: "System", delivery: DeliveryDefaults(maxInFlight: 4, maxInFlightPerHost: 4),
                networkAllowlist: ["127.0.0.1/32"]),
            workflows: [
                Workflow(
                    id: "mail", name: "Mail", start: .manual,
                    nodes: [WorkflowNode(id: "welcome", kind: .sendEmail(subject: "Hi", body: "Hello"))])
            ],
            systemWebhooks: [SystemWebhook(id: "bi", endpoint: failing.baseURL + "/system/email", events: ["emailSend"])])
        // 10× time: the first retry is about 0.5 s away, the second 30 s.
        let engine = try Engine(workspace: workspace, secrets: [:], configuration: .init(timeScale: 10))
        let users = (0..<100).map { "user\($0)@example.com" }
        try engine.executor.start(workflowID: "mail", emails: users)
        // Each is sent twice (the first attempt and the retry 0.5 s on), then waits 30 s.
        for _ in 0..<2_000 {
            if engine.executor.deliveriesWaitingForRetry == users.count, sent.withLock({ $0.values.reduce(0, +) }) == 200 {
                break
            }
            try await Task.sleep(for: .milliseconds(10))
        }
        let waiting = engine.executor.deliveriesWaitingForRetry
        let attempts = sent.withLock { $0 }
        let cancelled = attempts.keys.filter { engine.executor.cancel(deliveryID: $0) }.count
        let idle = Task { await engine.executor.waitUntilIdle() }
        for _ in 0..<1_000 where engine.executor.deliveriesWaitingForRetry > 0 { try await Task.sleep(for: .milliseconds(10)) }
        await idle.value
        let stats = engine.executor.stats
        let statuses = try Set(attempts.keys.map { try engine.store.delivery(id: $0)?.status })
        await engine.shutdown()
        await failing.shutdown()

        #expect(waiting == users.count)
        #expect(attempts.count == users.count && attempts.values.allSatisfy { $0 == 2 }, "one webhook-id per email, sent twice")
        #expect(cancelled == users.count)
        #expect(statuses == [.cancelled])
        #expect(stats.deliveries == users.count && stats.failures == users.count)
    }

    private static func workspace(_ limits: DeliveryDefaults, slow: String, fast: String) -> Workspace {
        Workspace(
            settings: WorkspaceSettings(name: "Isolation", delivery: limits, networkAllowlist: ["127.0.0.1/32"]),
            workflows: [Self.workflow("slow-flow", calling: "slow-hook"), Self.workflow("fast-flow", calling: "fast-hook")],
            webhooks: [
                Webhook(id: "slow-hook", method: .post, url: slow, body: .json(template: "{}")),
                Webhook(id: "fast-hook", method: .post, url: fast, body: .json(template: "{}")),
            ])
    }

    private static func workflow(_ id: String, calling webhook: String) -> Workflow {
        Workflow(
            id: id, name: id, start: .event(id),
            nodes: [WorkflowNode(id: "call", kind: .callWebhook(webhook: webhook, onError: .exit), next: .single("done")),
                WorkflowNode(id: "done", kind: .exit)])
    }
}
