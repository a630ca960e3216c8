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
        let slowArrivals = Mutex<[Date]>([])
        let slow = try await Receiver.start(
            script: try ReceiverScript.parse(yaml: "rules: [{path: /slow, response: {status: 200, delay: 1s}}]")
        ) { _ in slowArrivals.withLock { $0.append(Date()) } }
        let fastArrivals = Mutex<[Date]>([])
        let fast = try await Receiver.start { _ in fastArrivals.withLock { $0.append(Date()) } }

        // 8 in flight in total, 4 per host: the executor runs 32 journeys at once, fewer than
        // the 36 that wait for the slow host. Without parking the healthy host waits about 2 s.
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
        let start = Date()
        try engine.executor.start(workflowID: "slow-flow", emails: slowUsers)
        try engine.executor.start(workflowID: "fast-flow", emails: fastUsers)
        await engine.executor.waitUntilIdle()
        await engine.shutdown()
        await slow.shutdown()
        await fast.shutdown()

        let healthy = fastArrivals.withLock { $0 }.sorted()
        try #require(healthy.count == fastUsers.count)
        let arrivals = slowArrivals.withLock { $0 }.sorted()
        try #require(arrivals.count == slowUsers.count)
        // Every healthy request arrived before the slow host's second wave began (its first four
        // answers take 1 s): measured against the slow host, not the clock, so a loaded machine
        // does not decide it. Without parking the healthy host waited for slots that only the
        // slow host's answers freed.
        let lastHealthy = healthy.last ?? .distantFuture
        #expect(
            lastHealthy < arrivals[4],
            "the healthy host's last first attempt came \(lastHealthy.timeIntervalSince(start)) s in, after the slow host's second wave began at \(arrivals[4].timeIntervalSince(start)) s")
        // The slow host never had more than 4 requests in flight: each holds its answer for
        // 1 s, so no 0.95 s window holds more than 4 arrivals.
        let crowded = arrivals.indices.filter { index in
            arrivals[index...].prefix { $0.timeIntervalSince(arrivals[index]) < 0.95 }.count > 4
        }
        #expect(crowded.isEmpty, "more than 4 requests in flight to the slow host")
    }

    private static func workflow(_ id: String, calling webhook: String) -> Workflow {
        Workflow(
            id: id, name: id, start: .event(id),
            nodes: [WorkflowNode(id: "call", kind: .callWebhook(webhook: webhook, onError: .exit), next: .single("done")),
                WorkflowNode(id: "done", kind: .exit)])
    }
}
