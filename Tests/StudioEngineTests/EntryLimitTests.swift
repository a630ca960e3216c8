import Foundation
import StudioEngine
import StudioModel
import Testing

/// A workflow's entry limits (DESIGN §3 `limits`, Iterable's lifetime and simultaneous limits):
/// a user past them is not started again, whichever way the journey would start.
struct EntryLimitTests {
    /// A workspace whose workflow `limited` calls the receiver, after a delay when `delay` is given.
    private func workspace(baseURL: String, limits: WorkflowLimits, delay: Double? = nil) -> Workspace {
        var nodes = [WorkflowNode(id: "call", kind: .callWebhook(webhook: "hook", onError: .exit))]
        if let delay {
            nodes.insert(WorkflowNode(id: "wait", kind: .delay(WorkflowDuration(seconds: delay)), next: .single("call")), at: 0)
        }
        return Workspace(
            settings: WorkspaceSettings(name: "Test", networkAllowlist: ["127.0.0.1/32"]),
            workflows: [Workflow(id: "limited", name: "Limited", start: .event("signup"), limits: limits, nodes: nodes)],
            webhooks: [Webhook(id: "hook", url: baseURL + "/hook", body: .json(template: #"{"email": "{{email}}"}"#))])
    }

    @Test func aLifetimeLimitCountsEveryWayInAndSurvivesRetention() async throws {
        let receiver = try await Receiver.start()
        defer { Task { await receiver.shutdown() } }
        let engine = try Engine(
            workspace: workspace(baseURL: receiver.baseURL, limits: WorkflowLimits(lifetime: 2)), secrets: [:],
            configuration: .init(timeScale: 1_000_000))
        // The same address twice in one list, then an event: two journeys, the third refused;
        // bob's event is his second entry.
        try engine.executor.start(workflowID: "limited", emails: ["ada@example.com", "ada@example.com", "bob@example.com"])
        await engine.executor.waitUntilIdle()
        try engine.executor.track(TrackedEvent(email: "ada@example.com", name: "signup"))
        try engine.executor.track(TrackedEvent(email: "bob@example.com", name: "signup"))
        await engine.executor.waitUntilIdle()
        #expect(engine.executor.stats.journeysFinished == 4)
        #expect(engine.executor.stats.journeysRefused == 1)
        #expect(try engine.store.attemptCount() == 4)
        #expect(try engine.store.entryCount(workflowID: "limited", email: "ada@example.com") == EntryCount(entered: 2, active: 0))

        // Retention deletes the finished journeys; what they counted stays.
        try engine.store.prune(before: Date().addingTimeInterval(3600), heldBefore: Date())
        #expect(try engine.store.entryCount(workflowID: "limited", email: "bob@example.com") == EntryCount(entered: 2, active: 0))
        try engine.executor.track(TrackedEvent(email: "bob@example.com", name: "signup"))
        await engine.executor.waitUntilIdle()
        #expect(engine.executor.stats.journeysRefused == 2)
        #expect(engine.executor.stats.journeysFinished == 4)
        await engine.shutdown()
    }

    @Test func aRunCountsTheJourneysItStartedApartFromThoseTheLimitsKeptOut() async throws {
        let receiver = try await Receiver.start()
        defer { Task { await receiver.shutdown() } }
        let engine = try Engine(
            workspace: workspace(baseURL: receiver.baseURL, limits: WorkflowLimits(lifetime: 1)), secrets: [:],
            configuration: .init(timeScale: 1_000_000))
        try engine.store.saveUsers(["ada", "bob", "cy"].map { JSONObject([("email", .string("\($0)@example.com"))]) })
        #expect(try engine.executor.startCounting(workflowID: "limited", emails: ["ada@example.com"]) == 1)
        await engine.executor.waitUntilIdle()
        let run = try engine.executor.startCounting(workflowID: "limited", forMembersOf: nil)
        #expect(run?.asked == 3)
        #expect(run?.started == 2)
        #expect(try engine.executor.startCounting(workflowID: "limited", emails: ["ada@example.com"]) == 0)
        #expect(try engine.executor.startCounting(workflowID: "missing", emails: ["ada@example.com"]) == nil)
        await engine.executor.waitUntilIdle()
        await engine.shutdown()
    }

    /// Addresses a file (`--users`) names twice start one journey, in one batch or batches apart
    /// (the store is asked which this run started), for a workflow without limits too.
    @Test func anAddressNamedTwiceStartsOneJourneyAcrossPages() async throws {
        let log = RequestLog()
        let receiver = try await Receiver.start { log.append($0) }
        defer { Task { await receiver.shutdown() } }
        let engine = try Engine(
            workspace: workspace(baseURL: receiver.baseURL, limits: WorkflowLimits()), secrets: [:],
            configuration: .init(timeScale: 1_000_000))
        let addresses = ["ada", "bob", "ada", "cy", "bob", "bob", "dee"].map { "\($0)@example.com" }
        var batches = stride(from: 0, to: addresses.count, by: 3).map { Array(addresses[$0..<min($0 + 3, addresses.count)]) }
            .makeIterator()
        let run = try engine.executor.startCounting(workflowID: "limited", for: .batches { batches.next() }, pageSize: 2)
        await engine.executor.waitUntilIdle()
        await engine.shutdown()

        #expect(run?.started == 4)
        #expect(log.all.count == 4)
        #expect(try engine.store.entryCount(workflowID: "limited", email: "bob@example.com").entered == 1)
    }

    @Test func aSimultaneousLimitRefusesWhileAJourneyWaitsAndAdmitsOnceItEnded() async throws {
        let receiver = try await Receiver.start()
        defer { Task { await receiver.shutdown() } }
        // A 1,000 s delay at ×1,000: one second of real time asleep.
        let engine = try Engine(
            workspace: workspace(baseURL: receiver.baseURL, limits: WorkflowLimits(simultaneous: 1), delay: 1_000),
            secrets: [:], configuration: .init(timeScale: 1_000))
        try engine.executor.track(TrackedEvent(email: "ada@example.com", name: "signup"))
        try engine.executor.track(TrackedEvent(email: "ada@example.com", name: "signup"))
        try engine.executor.track(TrackedEvent(email: "bob@example.com", name: "signup"))
        #expect(engine.executor.stats.journeysRefused == 1)
        #expect(try engine.store.entryCount(workflowID: "limited", email: "ada@example.com") == EntryCount(entered: 1, active: 1))
        await engine.executor.waitUntilIdle()
        // The first journey ended: the user may enter again.
        try engine.executor.track(TrackedEvent(email: "ada@example.com", name: "signup"))
        #expect(engine.executor.stats.journeysRefused == 1)
        await engine.executor.waitUntilIdle()
        #expect(engine.executor.stats.journeysFinished == 3)
        await engine.shutdown()
    }

    @Test func aWorkflowWithoutLimitsStartsEveryEntry() async throws {
        let receiver = try await Receiver.start()
        defer { Task { await receiver.shutdown() } }
        let engine = try Engine(
            workspace: workspace(baseURL: receiver.baseURL, limits: WorkflowLimits()), secrets: [:],
            configuration: .init(timeScale: 1_000_000))
        try engine.executor.start(workflowID: "limited", emails: Array(repeating: "ada@example.com", count: 3))
        for _ in 0..<2 { try engine.executor.track(TrackedEvent(email: "ada@example.com", name: "signup")) }
        await engine.executor.waitUntilIdle()
        #expect(engine.executor.stats.journeysFinished == 5)
        #expect(engine.executor.stats.journeysRefused == 0)
        await engine.shutdown()
    }
}
