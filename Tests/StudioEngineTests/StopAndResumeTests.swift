import Foundation
import StudioEngine
import StudioModel
import Testing

/// An executor that stops cleanly, and one that resumes at another time scale: what is in flight
/// is recorded as stopped, not as its endpoint failing, and stored waits keep their real
/// instants. Real SQLite files, a real receiver on 127.0.0.1.
@Suite(.serialized)
struct StopAndResumeTests {
    private let secrets = ["lob_key": "sk_live_very_secret_1234"]

    /// F9: `serve`'s clean stop logged "endpoint … is failing: 3 failed attempts in a row" for
    /// the requests its own shutdown cut short.
    @Test func aStopCutsShortTheAttemptsInFlightWithoutCountingThemAgainstTheirEndpoint() async throws {
        let storePath = try EngineFixtures.temporaryDirectory().appendingPathComponent("state.sqlite").path
        let log = RequestLog()
        let held = Array(repeating: "{status: 200, delay: 30s}", count: 3).joined(separator: ", ")
        let receiver = try await Receiver.start(
            script: try script("{path: /v1/letters, responses: [\(held), {status: 200}]}")) { log.append($0) }
        let workspace = EngineFixtures.workspace(baseURL: receiver.baseURL)
        let capture = LogCapture()
        let engine = try Engine(
            workspace: workspace, secrets: secrets, configuration: .init(timeScale: 1_000_000, storePath: storePath),
            logger: capture.logger)
        try engine.store.saveUsers(EngineFixtures.users)
        try engine.executor.start(workflowID: "welcome", emails: EngineFixtures.users.compactMap { $0["email"]?.stringValue })
        for _ in 0..<500 where log.all.count < 3 { try await Task.sleep(for: .milliseconds(10)) }
        let ids = log.all.compactMap { $0.header("webhook-id") }
        try #require(ids.count == 3)

        let stopping = ContinuousClock.now
        #expect(await engine.shutdown(grace: .milliseconds(300)) == 0)
        #expect(ContinuousClock.now - stopping < .seconds(10), "waited for the 30 s answers")
        #expect(!capture.messages.contains { $0.contains("is failing") }, "\(capture.messages)")
        for id in ids {
            let delivery = try #require(try engine.store.delivery(id: id))
            #expect(delivery.status == .retrying)
            #expect(delivery.leaseOwner == nil, "the lease is freed for the next start")
            let attempts = try engine.store.attempts(deliveryID: id)
            #expect(attempts.map(\.outcome.errorClass) == ["cancelled"])
            if case .failed(_, let message)? = attempts.first?.outcome {
                #expect(message.contains("hookline stopped before the answer came"), "\(message)")
            }
        }
        #expect(try engine.store.unfinishedJourneys().map(\.nodeID) == Array(repeating: "direct-mail", count: 3))

        // The next start sends each again with its id, and the journeys go on.
        let next = try Engine(
            workspace: workspace, secrets: secrets, configuration: .init(timeScale: 1_000_000, storePath: storePath))
        #expect(next.executor.resume().journeys == 3)
        await next.executor.waitUntilIdle()
        await next.shutdown()
        await receiver.shutdown()
        for id in ids {
            #expect(try next.store.attempts(deliveryID: id).map(\.attempt) == [1, 2])
            #expect(try next.store.delivery(id: id)?.status == .succeeded)
        }
        #expect(log.all.filter { $0.path == "/v1/letters" }.compactMap { $0.header("webhook-id") }.sorted() == (ids + ids).sorted())
        #expect(try next.store.unfinishedJourneys().isEmpty)
    }

    /// F8: the wake and next-attempt times a run at `--time-scale N` stored are real instants;
    /// a resume at the same scale divided what was left of them by N again, so they fired at once.
    @Test func resumedWaitsKeepTheirStoredRealInstantsWhateverTheTimeScale() async throws {
        let storePath = try EngineFixtures.temporaryDirectory().appendingPathComponent("state.sqlite").path
        let log = RequestLog()
        let receiver = try await Receiver.start { log.append($0) }
        let store = try SQLiteStateStore(path: storePath)
        try store.saveUsers(EngineFixtures.users)
        let due = Date().addingTimeInterval(1.5)
        // Ada asleep in the 2-day delay, as a run at ×100,000 stored it; bob's letter waiting for its retry.
        try store.enqueueDeliveries(
            [
                EngineFixtures.orphanedDelivery(
                    journeyID: "ended", user: EngineFixtures.users[1], status: .retrying, attempts: 1, nextAttemptAt: due)
            ],
            journeys: [
                JourneyRecord(
                    id: "j-ada", workflowID: "welcome", email: "ada@example.com", nodeID: "wait", status: .waiting, wakeAt: due)
            ])

        let engine = try Engine(
            workspace: EngineFixtures.workspace(baseURL: receiver.baseURL), secrets: secrets,
            configuration: .init(timeScale: 100_000, storePath: storePath))
        let summary = engine.executor.resume()
        #expect(summary.sleeping == 1)
        #expect(abs((summary.lastWake ?? .distantPast).timeIntervalSince(due)) < 0.1, "\(String(describing: summary.lastWake))")
        await engine.executor.waitUntilIdle()
        await engine.shutdown()
        await receiver.shutdown()

        // 10 ms for clock granularity between the receiver's and the test's view of Date().
        let vip = try #require(log.all.first { $0.path == "/crm/vip" })
        #expect(vip.receivedAt >= due.addingTimeInterval(-0.01), "woke \(due.timeIntervalSince(vip.receivedAt)) s early")
        let retry = try #require(log.all.first { $0.path == "/v1/letters" })
        #expect(retry.receivedAt >= due.addingTimeInterval(-0.01), "retried \(due.timeIntervalSince(retry.receivedAt)) s early")
        #expect(try store.unfinishedJourneys().isEmpty)
    }
}
