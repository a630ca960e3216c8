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
        let workspace = Workspace(
            settings: WorkspaceSettings(
                name: "Isolation", delivery: DeliveryDefaults(maxInFlight: 8, maxInFlightPerHost: 4),
                networkAllowlist: ["127.0.0.1/32"]),
            workflows: [
                Self.workflow("slow-flow", calling: "slow-hook"), Self.workflow("fast-flow", calling: "fast-hook"),
            ],
            webhooks: [
                Webhook(id: "slow-hook", method: .post, url: slow.baseURL + "/slow", body: .json(template: "{}")),
                Webhook(id: "fast-hook", method: .post, url: fast.baseURL + "/fast", body: .json(template: "{}")),
            ])
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
        let workspace = Workspace(
            settings: WorkspaceSettings(
                name: "Retries", delivery: DeliveryDefaults(maxInFlight: 4, maxInFlightPerHost: 4),
                networkAllowlist: ["127.0.0.1/32"]),
            workflows: [
                Self.workflow("dead-flow", calling: "dead-hook"), Self.workflow("fast-flow", calling: "fast-hook"),
            ],
            webhooks: [
                Webhook(id: "dead-hook", method: .post, url: "http://127.0.0.1:\(deadPort)/dead", body: .json(template: "{}")),
                Webhook(id: "fast-hook", method: .post, url: fast.baseURL + "/fast", body: .json(template: "{}")),
            ])
        // Real time: the first scheduled retry is 4 to 6 s away, the next 5 min: without parking,
        // the slots stay held for the whole wait below, however busy the machine.
        let engine = try Engine(workspace: workspace, secrets: [:], configuration: .init())
        let deadUsers = (0..<20).map { "dead\($0)@example.com" }
        let fastUsers = (0..<10).map { "fast\($0)@example.com" }
        try engine.executor.start(workflowID: "dead-flow", emails: deadUsers)
        try engine.executor.start(workflowID: "fast-flow", emails: fastUsers)
        for _ in 0..<1_000 where fastArrivals.withLock({ $0.count }) < fastUsers.count {
            try await Task.sleep(for: .milliseconds(10))
        }
        let healthy = fastArrivals.withLock { $0.count }
        await engine.shutdown()
        await fast.shutdown()

        #expect(healthy == fastUsers.count, "the healthy host waited behind the dead one's retries")
    }

    private static func workflow(_ id: String, calling webhook: String) -> Workflow {
        Workflow(
            id: id, name: id, start: .event(id),
            nodes: [WorkflowNode(id: "call", kind: .callWebhook(webhook: webhook, onError: .exit), next: .single("done")),
                WorkflowNode(id: "done", kind: .exit)])
    }
}
