import Foundation
import StudioEngine
import StudioModel
import Testing

/// delivery.md §9 row 19: NXDOMAIN and SERVFAIL from the resolver are `dns_error`, retried on the
/// schedule. ``Deliverer`` runs with the real ``DeliveryClient`` whose policy asks a scripted
/// ``StaticResolver`` (and allows 127.0.0.1), against the receiver on loopback; a
/// ``SteppedClock`` records the schedule's waits without waiting. The host is looked up again before every attempt (§8.8), so a name
/// that starts resolving is reached on the next one.
@Suite(.serialized)
struct DeliveryDNSTests {
    @Test func nxdomainThenResolvingRetriesAfterFiveSecondsAndDeliversWithTheSameWebhookID() async throws {
        let log = RequestLog()
        let receiver = try await Receiver.start { log.append($0) }
        let resolver = StaticResolver([
            "hooks.example.test": [.failure("NXDOMAIN"), .addresses([try #require(IPAddress("127.0.0.1"))])]
        ])
        let request = makeRequest("http://hooks.example.test:\(receiver.port)/hook")
        let clock = SteppedClock()
        let result = try await deliver(request, resolver: resolver, options: .init(), clock: clock)
        await receiver.shutdown()

        #expect(result.status == .succeeded)
        try #require(result.attempts.map(\.attempt) == [1, 2])
        let first = result.attempts[0]
        #expect(first.outcome.errorClass == "dns_error")
        #expect(DeliveryOutcomeClass.classify(first) == .dnsError)
        #expect(message(of: first).contains("hooks.example.test could not be resolved (NXDOMAIN)"))
        #expect(first.status == nil)
        #expect(result.attempts[1].outcome == .success)
        #expect(result.attempts[1].status == 200)
        #expect(result.attempts.allSatisfy { $0.deliveryID == request.deliveryID })
        expectWaits(clock, [4...6])
        #expect(resolver.lookupCount(of: "hooks.example.test") == 2)

        let received = log.all
        try #require(received.count == 1)
        #expect(received[0].path == "/hook")
        #expect(received[0].header("webhook-id") == request.deliveryID)
        #expect(received[0].header("Host") == "hooks.example.test:\(receiver.port)")
    }

    @Test func servfailForeverFailsEveryAttemptOnTheScheduleAndSendsNothing() async throws {
        let log = RequestLog()
        let receiver = try await Receiver.start { log.append($0) }
        let resolver = StaticResolver(["flaky.example.test": [.failure("SERVFAIL")]])
        let schedule: [TimeInterval] = [5, 30]
        let options = Deliverer.Options(retry: RetryPolicy(schedule: try RetrySchedule(delays: schedule)))
        let clock = SteppedClock()
        let result = try await deliver(
            makeRequest("http://flaky.example.test:\(receiver.port)/hook"), resolver: resolver, options: options, clock: clock)
        await receiver.shutdown()

        guard case .failed(let reason) = result.status else {
            Issue.record("expected a failure, got \(result.status)")
            return
        }
        #expect(reason.contains("3 attempts"))
        #expect(result.attempts.map(\.attempt) == [1, 2, 3])
        for attempt in result.attempts {
            #expect(attempt.outcome.errorClass == "dns_error", "attempt \(attempt.attempt): \(attempt.outcome)")
            #expect(message(of: attempt).contains("SERVFAIL"))
            #expect(attempt.status == nil)
        }
        #expect(DeliveryOutcomeClass.dnsError.isRetryable)
        #expect(!DeliveryOutcomeClass.dnsError.mayHaveReachedReceiver)
        expectWaits(clock, schedule.map { (0.8 * $0)...(1.2 * $0) })
        #expect(resolver.lookupCount(of: "flaky.example.test") == 3)
        #expect(log.all.isEmpty)
    }

    // MARK: - Helpers

    /// Delivers through a client whose policy allows 127.0.0.1 and resolves with `resolver`.
    private func deliver(
        _ request: PreparedRequest, resolver: StaticResolver, options: Deliverer.Options, clock: SteppedClock
    ) async throws -> Deliverer.Result {
        let policy = NetworkPolicy(allowlist: ["127.0.0.1/32"], resolver: resolver)
        return try await DeliveryClient.withClient(networkPolicy: policy) { client in
            await Deliverer(client: client, recorder: nil, clock: clock)
                .deliver(request, origin: .init(webhookID: "dns-fault"), options: options)
        }
    }

    private func message(of record: AttemptRecord) -> String {
        if case .failed(_, let message) = record.outcome { return message }
        return ""
    }
}
