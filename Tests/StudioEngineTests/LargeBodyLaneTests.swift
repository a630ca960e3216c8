import Foundation
@testable import StudioEngine
import Synchronization
import Testing

/// The ingest API stores large bodies one at a time, so a small event is not queued behind every
/// bulk import sent before it (QA: 16 queued 4 MiB `trackBulk`s kept a `track` waiting 19–30 s).
struct LargeBodyLaneTests {
    /// While one large body is being stored (its handler held here), a second waits its turn and a
    /// small one sent after it is stored at once.
    @Test func aSmallBodyIsStoredWhileLargeOnesWaitTheirTurn() async throws {
        let budget = RequestBodyBudget()
        let lane = LargeBodyLane()
        let large = #"{"events": [], "padding": ""# + String(repeating: "x", count: LargeBodyLane.threshold) + #""}"#
        let small = #"{"email": "ada@example.com", "eventName": "a"}"#
        let handlers = HandlerStates()

        async let first = IngestAPI.withBody(.trackBulk(large), within: budget, lane: lane) { _ in
            handlers.state.withLock { $0.firstIn = true }
            while !handlers.state.withLock({ $0.releaseFirst }) { usleep(1_000) }
            return IngestAPI.answer(.ok, code: "Success")
        }
        while !handlers.state.withLock({ $0.firstIn }) { try await Task.sleep(for: .milliseconds(5)) }
        async let second = IngestAPI.withBody(.trackBulk(large), within: budget, lane: lane) { _ in
            handlers.state.withLock { $0.secondIn = true }
            return IngestAPI.answer(.ok, code: "Success")
        }
        // The second is sent before the small one (the pool would take them in that order).
        try await Task.sleep(for: .milliseconds(200))

        let answer = await IngestAPI.withBody(.trackBulk(small), within: budget, lane: lane) { _ in
            IngestAPI.answer(.ok, code: "Success")
        }
        #expect(answer.status == .ok)
        #expect(!handlers.state.withLock { $0.secondIn }, "the second large body was stored beside the first")

        handlers.state.withLock { $0.releaseFirst = true }
        #expect(await first.status == .ok)
        #expect(await second.status == .ok)
        #expect(handlers.state.withLock { $0.secondIn })
    }

    /// What the held handlers did, shared with the tasks that run them.
    private final class HandlerStates: Sendable {
        let state = Mutex<(firstIn: Bool, releaseFirst: Bool, secondIn: Bool)>((false, false, false))
    }
}
