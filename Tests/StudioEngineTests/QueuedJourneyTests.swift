import Foundation
import StudioEngine
import StudioModel
import Testing

/// Journeys that `start(workflowID:emails:)` queues stay in the store, not in memory, until
/// they are admitted, and a journey asleep in a delay is a small value that reads its profile
/// again when it wakes; a real SQLite file and a real receiver on 127.0.0.1.
struct QueuedJourneyTests {
    /// One step per journey, at most one request in flight: four journeys run at once and the
    /// rest wait in the queue.
    private static func workspace(baseURL: String) -> Workspace {
        Workspace(
            settings: WorkspaceSettings(
                name: "Queue", delivery: DeliveryDefaults(maxInFlight: 1, maxInFlightPerHost: 1),
                networkAllowlist: ["127.0.0.1/32"]),
            workflows: [
                Workflow(
                    id: "ping", name: "Ping", start: .manual,
                    nodes: [WorkflowNode(id: "call", kind: .callWebhook(webhook: "ping", onError: .exit), next: .none)])
            ],
            webhooks: [Webhook(id: "ping", method: .post, url: baseURL + "/ping", body: .json(template: #"{"email": "{{email}}"}"#))])
    }

    private static let emails = (0..<120).map { "user\($0)@example.com" }

    private static func storePath() throws -> String {
        try EngineFixtures.temporaryDirectory().appendingPathComponent("state.sqlite").path
    }

    @Test func everyQueuedJourneyIsReadBackAndRunsOnce() async throws {
        let log = RequestLog()
        let receiver = try await Receiver.start { log.append($0) }
        let engine = try Engine(
            workspace: Self.workspace(baseURL: receiver.baseURL), secrets: [:], configuration: .init(storePath: try Self.storePath()))
        try engine.executor.start(workflowID: "ping", emails: Self.emails)
        let queued = engine.executor.stats.journeysPending
        await engine.executor.waitUntilIdle()
        let stats = engine.executor.stats
        await engine.shutdown()
        await receiver.shutdown()

        #expect(queued >= Self.emails.count - 4, "admitted at once: \(Self.emails.count - queued)")
        let sent = log.all.compactMap { try? JSONValue.parse($0.body)["email"]?.stringValue }
        #expect(sent.count == Self.emails.count)
        #expect(Set(sent) == Set(Self.emails))
        #expect(stats.journeysStarted == Self.emails.count)
        #expect(stats.journeysFinished == Self.emails.count)
        #expect(stats.journeysPending == 0)
        #expect(try engine.store.unfinishedJourneys().isEmpty)
    }

    @Test func aQueuedJourneyGoneFromTheStoreGivesItsSlotBackAndTheRestRun() async throws {
        let log = RequestLog()
        let receiver = try await Receiver.start(
            script: try ReceiverScript.parse(
                yaml: "rules: [{path: /ping, responses: [{status: 200, delay: 500ms}, {status: 200}]}]")
        ) { log.append($0) }
        let storePath = try Self.storePath()
        let engine = try Engine(
            workspace: Self.workspace(baseURL: receiver.baseURL), secrets: [:], configuration: .init(storePath: storePath))
        try engine.executor.start(workflowID: "ping", emails: Self.emails)
        // While the first answer takes half a second, and every other journey waits, ten queued ones disappear.
        let gone = Self.emails[100..<110]
        let quoted = gone.map { "'\($0)'" }.joined(separator: ",")
        try await sqlite(storePath, "DELETE FROM journey WHERE email IN (\(quoted))")
        await engine.executor.waitUntilIdle()
        let stats = engine.executor.stats
        await engine.shutdown()
        await receiver.shutdown()

        let sent = Set(log.all.compactMap { try? JSONValue.parse($0.body)["email"]?.stringValue })
        #expect(sent == Set(Self.emails).subtracting(gone))
        #expect(stats.journeysFinished == Self.emails.count - gone.count)
        #expect(stats.journeysActive == 0)
    }

    @Test func aJourneyWakingFromADelayRendersWithTheProfileAsItIsThen() async throws {
        let log = RequestLog()
        let receiver = try await Receiver.start { log.append($0) }
        var workspace = Self.workspace(baseURL: receiver.baseURL)
        workspace.workflows = [
            Workflow(
                id: "ping", name: "Ping", start: .manual,
                nodes: [
                    WorkflowNode(id: "wait", kind: .delay(WorkflowDuration(seconds: 300, text: "5m")), next: .single("call")),
                    WorkflowNode(id: "call", kind: .callWebhook(webhook: "ping", onError: .exit), next: .none),
                ])
        ]
        workspace.webhooks = [
            Webhook(id: "ping", method: .post, url: receiver.baseURL + "/ping", body: .json(template: #"{"plan": "{{plan}}"}"#))
        ]
        // Five minutes of workflow time are 10 s here: time for the profile to change even on a
        // machine so loaded that its threads stall for seconds.
        let engine = try Engine(workspace: workspace, secrets: [:], configuration: .init(timeScale: 30, storePath: try Self.storePath()))
        try engine.store.saveUsers([["email": "ada@example.com", "plan": "free"]])
        try engine.executor.start(workflowID: "ping", emails: ["ada@example.com"])
        for _ in 0..<1000 where try engine.store.unfinishedJourneys().first?.status != .waiting {
            try await Task.sleep(for: .milliseconds(10))
        }
        #expect(log.all.isEmpty, "sent before the delay ended")
        try engine.store.saveUsers([["email": "ada@example.com", "plan": "pro"]])
        await engine.executor.waitUntilIdle()
        await engine.shutdown()
        await receiver.shutdown()

        #expect(log.all.map(\.body) == [#"{"plan": "pro"}"#])
    }

    @Test func aShortDelayWakesOnItsOwnTimeWhileLongerOnesStillSleep() async throws {
        let log = RequestLog()
        let receiver = try await Receiver.start { log.append($0) }
        var workspace = Self.workspace(baseURL: receiver.baseURL)
        workspace.workflows = [("long", 3_600), ("short", 6)].map { id, seconds in
            Workflow(
                id: id, name: id, start: .manual,
                nodes: [
                    WorkflowNode(id: "wait", kind: .delay(WorkflowDuration(seconds: seconds, text: "\(seconds)s")), next: .single("call")),
                    WorkflowNode(id: "call", kind: .callWebhook(webhook: "ping", onError: .exit), next: .none),
                ])
        }
        // At 100× an hour is 36 s and six seconds 0.06 s.
        let engine = try Engine(workspace: workspace, secrets: [:], configuration: .init(timeScale: 100, storePath: try Self.storePath()))
        try engine.executor.start(workflowID: "long", emails: ["long1@example.com", "long2@example.com"])
        try await Task.sleep(for: .milliseconds(50))
        try engine.executor.start(workflowID: "short", emails: ["short@example.com"])
        for _ in 0..<1_000 where log.all.isEmpty { try await Task.sleep(for: .milliseconds(10)) }
        let sent = log.all.compactMap { try? JSONValue.parse($0.body)["email"]?.stringValue }
        await engine.shutdown()
        await receiver.shutdown()

        #expect(sent == ["short@example.com"], "the short delay waited for the long one's timer")
    }

    @Test func sequentialIDsSortInTheOrderMadeAndCarry() {
        let ids = DeliveryID.sequentialULIDs(count: 2_000)
        let first = ids[0]
        #expect(ids == (0..<2_000).map { DeliveryID.ulid(first, advancedBy: $0) })
        #expect(ids == ids.sorted())
        #expect(Set(ids).count == ids.count)
        #expect(ids.allSatisfy { $0.count == 26 && $0.prefix(10) == first.prefix(10) })
        #expect(DeliveryID.ulid("01ARZ3NDEKTSV4RRFFQ69G5FAZ", advancedBy: 1) == "01ARZ3NDEKTSV4RRFFQ69G5FB0")
        #expect(DeliveryID.ulid("01ARZ3NDEKTSV4RRFFQ69G5FAV", advancedBy: 34) == "01ARZ3NDEKTSV4RRFFQ69G5FBX")
    }

    /// ``workspace(baseURL:)`` with a day's delay before the call.
    private static func waitingWorkspace(baseURL: String) -> Workspace {
        var workspace = workspace(baseURL: baseURL)
        workspace.workflows[0].nodes.insert(
            WorkflowNode(id: "wait", kind: .delay(WorkflowDuration(seconds: 86_400)), next: .single("call")), at: 0)
        return workspace
    }

    /// A stored wake time is a real instant, already scaled by the run that stored it: what is
    /// left of it is not scaled again by the resuming executor's `--time-scale` (F8: it woke at once).
    @Test func aResumedJourneyAsleepInADelaySleepsTheRestInRealTimeWhateverTheTimeScale() async throws {
        let log = RequestLog()
        let receiver = try await Receiver.start { log.append($0) }
        defer { Task { await receiver.shutdown() } }
        let workspace = Self.waitingWorkspace(baseURL: receiver.baseURL)
        let path = try Self.storePath()
        // A journey a killed run left asleep, 1,000 s (of real time) from waking.
        let wakeAt = Date().addingTimeInterval(1_000)
        let earlier = try SQLiteStateStore(path: path)
        try earlier.saveJourneys([
            JourneyRecord(
                id: DeliveryID.ulid(), workflowID: "ping", email: "ada@example.com", nodeID: "wait", status: .waiting,
                wakeAt: wakeAt)
        ])
        let engine = try Engine(workspace: workspace, secrets: [:], configuration: .init(timeScale: 1_000, storePath: path))
        let summary = engine.executor.resume()
        #expect(summary.sleeping == 1)
        let lastWake = try #require(summary.lastWake)
        #expect(abs(lastWake.timeIntervalSince(wakeAt)) < 1, "wakes at \(lastWake), stored \(wakeAt)")
        #expect(summary.description.hasPrefix("resuming 1 journey and 0 deliveries outside a journey; 1 asleep in a delay, the last until "))
        try await Task.sleep(for: .milliseconds(300))
        await engine.shutdown()
        #expect(log.all.isEmpty)
        #expect(try earlier.unfinishedJourneys().map(\.status) == [.waiting])
    }

    /// An instant no date can hold must not stop every later resume: a wake time an earlier
    /// version wrote for a delay of 100,000,000 weeks, a trigger's createdAt sent in milliseconds
    /// (year 55840) or as 1e300 (stored empty). The journey wakes at once and goes on.
    @Test(arguments: [
        "wakeAt = '1918561-10-25 23:26:03.856'",
        "triggerName = 'signup', triggerData = '{}', triggerAt = '55840-11-08 22:15:23.000'",
        "triggerName = 'signup', triggerData = '{}', triggerAt = '', updatedAt = ''",
    ])
    func aJourneyWithAnInstantThatCannotBeReadGoesOnInsteadOfStoppingTheResume(unreadable: String) async throws {
        let log = RequestLog()
        let receiver = try await Receiver.start { log.append($0) }
        defer { Task { await receiver.shutdown() } }
        let workspace = Self.waitingWorkspace(baseURL: receiver.baseURL)
        let path = try Self.storePath()
        let id = DeliveryID.ulid()
        try SQLiteStateStore(path: path).saveJourneys([
            JourneyRecord(
                id: id, workflowID: "ping", email: "ada@example.com", nodeID: "wait", status: .waiting, wakeAt: Date())
        ])
        try await sqlite(path, "UPDATE journey SET \(unreadable) WHERE id = '\(id)'")

        let engine = try Engine(workspace: workspace, secrets: [:], configuration: .init(storePath: path))
        let summary = engine.executor.resume()
        #expect(summary.journeys == 1)
        await engine.executor.waitUntilIdle()
        await engine.shutdown()
        #expect(log.all.count == 1)
    }
}
