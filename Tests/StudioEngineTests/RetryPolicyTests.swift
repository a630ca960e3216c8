import Foundation
import StudioEngine
import StudioModel
import Testing

/// The retry state machine of delivery.md §8.3–8.5 and §9 rows 3–12.
struct RetryPolicyTests {
    private static let standardDelays: [TimeInterval] = [5, 300, 1800, 7200, 18_000, 36_000, 36_000]
    private static let seeds: [UInt64] = Array(1...300)

    private let policy = RetryPolicy()

    @Test(arguments: Array(zip(1...7, standardDelays)))
    func retryDelayFollowsTheScheduleWithinTwentyPercentJitter(attempt: Int, scheduled: TimeInterval) {
        var lowest = TimeInterval.infinity
        var highest = -TimeInterval.infinity
        for seed in Self.seeds {
            var rng = SplitMix64(seed: seed)
            let decision = policy.decide(afterAttempt: attempt, outcome: .http5xx, retryAfter: nil, using: &rng)
            guard case .retry(let delay, let note) = decision else {
                Issue.record("expected a retry after attempt \(attempt), got \(decision)")
                return
            }
            #expect(note == nil)
            #expect(delay >= scheduled * 0.8 && delay <= scheduled * 1.2, "seed \(seed): \(delay)")
            lowest = min(lowest, delay)
            highest = max(highest, delay)
        }
        // The jitter really spreads over the range rather than sitting on one value.
        #expect(lowest < scheduled * 0.85)
        #expect(highest > scheduled * 1.15)
    }

    @Test func jitterFactorScalesTheScheduledDelayWithinItsBounds() {
        #expect(policy.decide(afterAttempt: 1, outcome: .http5xx, retryAfter: nil, jitterFactor: 0.8) == .retry(after: 4, note: nil))
        #expect(policy.decide(afterAttempt: 4, outcome: .http5xx, retryAfter: nil, jitterFactor: 0.8).retryDelay == 5760)
        #expect(policy.decide(afterAttempt: 4, outcome: .http5xx, retryAfter: nil, jitterFactor: 1.2).retryDelay == 8640)
        // Factors outside ±20 % are clamped.
        #expect(policy.decide(afterAttempt: 1, outcome: .http5xx, retryAfter: nil, jitterFactor: 0.1).retryDelay == 4)
        #expect(policy.decide(afterAttempt: 1, outcome: .http5xx, retryAfter: nil, jitterFactor: 9).retryDelay == 6)
    }

    @Test func serverErrorForeverMakesEightAttemptsThenGivesUp() {
        var rng = SplitMix64(seed: 7)
        var attempts = 1
        var elapsed: TimeInterval = 0
        while case .retry(let delay, _) = policy.decide(afterAttempt: attempts, outcome: .http5xx, retryAfter: nil, using: &rng) {
            elapsed += delay
            attempts += 1
            if attempts > 100 { break }
        }
        #expect(attempts == 8)
        #expect(policy.decide(afterAttempt: 8, outcome: .http5xx, retryAfter: nil, using: &rng) == .giveUp(.exhausted(attempts: 8)))
        // About 27.6 h in total, ±20 %.
        #expect(elapsed > 99_305 * 0.8 && elapsed < 99_305 * 1.2)
    }

    @Test(arguments: [DeliveryOutcomeClass.timeout, .rateLimited])
    func timeoutAndTooManyRequestsWaitAtLeastSixtySeconds(outcome: DeliveryOutcomeClass) {
        for seed in Self.seeds {
            var rng = SplitMix64(seed: seed)
            let decision = policy.decide(afterAttempt: 1, outcome: outcome, retryAfter: nil, using: &rng)
            #expect(decision.retryDelay == 60, "seed \(seed)")
            guard case .retry(_, let note?) = decision else {
                Issue.record("expected a note on the floor")
                continue
            }
            #expect(note.contains("at least 60 s"))
        }
    }

    @Test func theOverloadFloorLeavesLongerDelaysAlone() {
        #expect(policy.decide(afterAttempt: 2, outcome: .timeout, retryAfter: nil, jitterFactor: 0.8) == .retry(after: 240, note: nil))
    }

    @Test(arguments: [DeliveryOutcomeClass.http5xx, .http4xxRetryable, .connectionRefused, .dnsError, .connectionReset])
    func otherRetryableFailuresHaveNoFloor(outcome: DeliveryOutcomeClass) {
        var rng = SplitMix64(seed: 3)
        let delay = policy.decide(afterAttempt: 1, outcome: outcome, retryAfter: nil, using: &rng).retryDelay
        #expect(delay.map { $0 <= 6 } == true)
    }

    @Test func retryAfterLongerThanTheScheduleIsHonoured() {
        // §9 row 5: 503 + Retry-After: 120 on attempt 1.
        var rng = SplitMix64(seed: 11)
        let retryAfter = RetryAfter.parse("120", now: Date())
        let decision = policy.decide(afterAttempt: 1, outcome: .http5xx, retryAfter: retryAfter, using: &rng)
        #expect(decision == .retry(after: 120, note: "Retry-After honoured"))
    }

    @Test func retryAfterShorterThanTheScheduleKeepsTheSchedule() {
        #expect(policy.decide(afterAttempt: 2, outcome: .http5xx, retryAfter: 30, jitterFactor: 0.8) == .retry(after: 240, note: nil))
    }

    @Test(arguments: [(1, 3600.0, "1 h"), (3, 3600, "1 h"), (4, 14_400, "4 h"), (5, 36_000, "10 h"), (6, 72_000, "20 h")])
    func retryAfterBeyondTheCapIsCappedAndSaysSo(attempt: Int, cap: TimeInterval, shown: String) {
        // §9 row 8: 503 + Retry-After: 86400 at the 5 s step → 1 h.
        var rng = SplitMix64(seed: 5)
        let decision = policy.decide(afterAttempt: attempt, outcome: .http5xx, retryAfter: 86_400 * 2, using: &rng)
        #expect(decision == .retry(after: cap, note: "Retry-After capped at \(shown)"))
    }

    @Test(arguments: ["abc", "-5"])
    func tooManyRequestsWithAnInvalidRetryAfterWaitsTheFloor(header: String) {
        // §9 row 7.
        var rng = SplitMix64(seed: 9)
        let retryAfter = RetryAfter.parse(header, now: Date())
        #expect(retryAfter == nil)
        #expect(policy.decide(afterAttempt: 1, outcome: .rateLimited, retryAfter: retryAfter, using: &rng).retryDelay == 60)
        #expect(policy.hostHold(afterAttempt: 1, outcome: .rateLimited, retryAfter: retryAfter) == 60)
    }

    @Test func tooManyRequestsWithAnHTTPDateHoldsTheDeliveryAndTheHostUntilThen() {
        // §9 row 6: 429 + Retry-After: <HTTP-date +90 s>.
        let now = Date(timeIntervalSince1970: 784_111_777)
        let retryAfter = RetryAfter.parse("Sun, 06 Nov 1994 08:51:07 GMT", now: now)
        var rng = SplitMix64(seed: 2)
        #expect(policy.decide(afterAttempt: 1, outcome: .rateLimited, retryAfter: retryAfter, using: &rng)
            == .retry(after: 90, note: "Retry-After honoured"))
        #expect(policy.hostHold(afterAttempt: 1, outcome: .rateLimited, retryAfter: retryAfter) == 90)
    }

    @Test func onlyTooManyRequestsHoldsTheHost() {
        for outcome in DeliveryOutcomeClass.allClasses where outcome != .rateLimited {
            #expect(policy.hostHold(afterAttempt: 1, outcome: outcome, retryAfter: 120) == nil, "\(outcome)")
        }
        #expect(policy.hostHold(afterAttempt: 1, outcome: .rateLimited, retryAfter: 86_400) == 3600)
        // A 429 on the last attempt still holds the host although the delivery gives up.
        #expect(policy.hostHold(afterAttempt: 8, outcome: .rateLimited, retryAfter: 300) == 300)
    }

    @Test func theHostHoldNeverOutlastsTheRateLimitedDeliverysOwnRetry() {
        let asked: [TimeInterval?] = [nil, 0, 30, 90, 3000, 9000, 200_000]
        for seed in Self.seeds.prefix(40) {
            for attempt in 1...7 {
                for retryAfter in asked {
                    var rng = SplitMix64(seed: seed)
                    let delay = policy.decide(afterAttempt: attempt, outcome: .rateLimited, retryAfter: retryAfter, using: &rng)
                        .retryDelay
                    let hold = policy.hostHold(afterAttempt: attempt, outcome: .rateLimited, retryAfter: retryAfter)
                    #expect(delay != nil && hold != nil)
                    if let delay, let hold { #expect(hold <= delay) }
                }
            }
        }
    }

    @Test func goneStopsAndPausesTheEndpoint() {
        var rng = SplitMix64(seed: 1)
        guard case .pauseEndpoint(let reason) = policy.decide(afterAttempt: 1, outcome: .gone, retryAfter: 60, using: &rng)
        else {
            Issue.record("410 must pause the endpoint")
            return
        }
        #expect(reason.contains("410"))
    }

    @Test(arguments: [
        DeliveryOutcomeClass.redirectNotFollowed, .http4xx, .http5xxPermanent, .blockedByPolicy, .invalidRequest,
        .abortedByReceiver,
    ])
    func nonRetryableOutcomesGiveUpAfterOneAttemptEvenWithRetryAfter(outcome: DeliveryOutcomeClass) {
        var rng = SplitMix64(seed: 1)
        #expect(policy.decide(afterAttempt: 1, outcome: outcome, retryAfter: 10, using: &rng) == .giveUp(.notRetryable(outcome)))
    }

    @Test(arguments: [408, 409, 425, 429, 500, 502, 503, 504])
    func retryableStatusesAreRetriedPerSchedule(status: Int) {
        // §9 rows 3 and 10.
        var rng = SplitMix64(seed: UInt64(status))
        let outcome = DeliveryOutcomeClass.classify(status: status, headers: [], transportErrorClass: nil)
        #expect(policy.decide(afterAttempt: 1, outcome: outcome, retryAfter: nil, using: &rng).retryDelay != nil)
    }

    @Test func successEndsTheDelivery() {
        var rng = SplitMix64(seed: 1)
        #expect(policy.decide(afterAttempt: 3, outcome: .ok, retryAfter: nil, using: &rng) == .succeeded)
    }

    @Test func noRetriesMakesOneAttemptOnly() {
        let once = RetryPolicy(schedule: .noRetries)
        var rng = SplitMix64(seed: 1)
        #expect(once.schedule.maximumAttempts == 1)
        #expect(once.decide(afterAttempt: 1, outcome: .http5xx, retryAfter: 5, using: &rng) == .giveUp(.exhausted(attempts: 1)))
    }

    @Test func customScheduleSetsTheNumberOfAttempts() throws {
        let custom = RetryPolicy(schedule: try RetrySchedule(delays: [10, 20]))
        #expect(custom.decide(afterAttempt: 1, outcome: .http5xx, retryAfter: nil, jitterFactor: 0.8) == .retry(after: 8, note: nil))
        #expect(custom.decide(afterAttempt: 2, outcome: .http5xx, retryAfter: nil, jitterFactor: 0.8) == .retry(after: 16, note: nil))
        #expect(custom.decide(afterAttempt: 3, outcome: .http5xx, retryAfter: nil, jitterFactor: 1) == .giveUp(.exhausted(attempts: 3)))
    }

    @Test func attemptNumbersBelowOneCountAsTheFirst() {
        #expect(policy.decide(afterAttempt: 0, outcome: .http5xx, retryAfter: nil, jitterFactor: 0.8) == .retry(after: 4, note: nil))
    }
}

extension RetryPolicyTests {
    /// Delays, limits and jitter of ``RetrySchedule``.
    struct RetryScheduleTests {
        @Test func standardScheduleIsSvixsEightAttempts() {
            #expect(RetrySchedule.standard.delays == [5, 300, 1800, 7200, 18_000, 36_000, 36_000])
            #expect(RetrySchedule.standard.maximumAttempts == 8)
            #expect(RetrySchedule.standard.scheduledDelay(afterAttempt: 8) == nil)
            #expect(RetrySchedule.noRetries.delays.isEmpty)
        }

        @Test func jitterFactorStaysWithinTwentyPercentOverManySeeds() {
            for seed in 1...2000 as ClosedRange<UInt64> {
                var rng = SplitMix64(seed: seed)
                let factor = RetrySchedule.jitterFactor(using: &rng)
                #expect(factor >= 0.8 && factor <= 1.2, "seed \(seed)")
            }
        }

        @Test func jitteredDelayUsesTheInjectedGenerator() {
            var first = SplitMix64(seed: 42)
            var second = SplitMix64(seed: 42)
            let a = RetrySchedule.standard.jitteredDelay(afterAttempt: 3, using: &first)
            let b = RetrySchedule.standard.jitteredDelay(afterAttempt: 3, using: &second)
            #expect(a == b)
            #expect(a.map { (1440...2160).contains($0) } == true)
        }

        @Test(arguments: [
            [TimeInterval](), [0], [1, 2, 3], Array(repeating: 60, count: 20), [604_800], [302_400, 302_400],
        ])
        func validCustomSchedulesAreAccepted(delays: [TimeInterval]) throws {
            let schedule = try RetrySchedule(delays: delays)
            #expect(schedule.delays == delays)
            #expect(schedule.maximumAttempts == delays.count + 1)
        }

        @Test(arguments: [
            (Array(repeating: 1.0, count: 21), "too_many_entries"), ([604_801], "too_long"),
            ([302_400, 302_401], "too_long"), ([5, -1], "invalid_entry"), ([.nan], "invalid_entry"),
            ([.infinity], "invalid_entry"),
        ])
        func invalidCustomSchedulesAreRefused(delays: [TimeInterval], label: String) {
            #expect {
                try RetrySchedule(delays: delays)
            } throws: { error in
                (error as? RetryScheduleError)?.label == label
            }
        }

        @Test func refusalNamesTheRuleBroken() {
            #expect(RetryScheduleError.tooManyEntries(21).description.contains("at most 20"))
            #expect(RetryScheduleError.invalidEntry(at: 1, -1).description.contains("retry delay 2"))
            #expect(RetryScheduleError.tooLong(total: 700_000).description.contains("7 days"))
        }
    }

    /// The endpoint health state machine of delivery.md §8.10.
    struct EndpointHealthTests {
        private let start = Date(timeIntervalSince1970: 1_700_000_000)

        @Test func warnsOnceAtTheThirdConsecutiveFailure() {
            var health = EndpointHealth()
            var actions: [EndpointHealth.Action] = []
            for minute in 0..<6 {
                actions.append(health.record(.http5xx, at: start.addingTimeInterval(Double(minute) * 60)))
            }
            #expect(actions == [.none, .none, .warn(consecutiveFailures: 3), .none, .none, .none])
            #expect(health.consecutiveFailures == 6)
            #expect(health.isWarning)
            #expect(!health.isPaused)
        }

        @Test func successResetsTheCountAndReportsRecovery() {
            var health = EndpointHealth()
            for _ in 0..<3 { _ = health.record(.timeout, at: start) }
            #expect(health.record(.ok, at: start) == .recovered)
            #expect(health.consecutiveFailures == 0)
            #expect(health.failingSince == nil)
            #expect(health.record(.ok, at: start) == .none)
        }

        @Test func goneBringsAnImmediatePause() {
            var health = EndpointHealth()
            guard case .pause(let reason) = health.record(.gone, at: start) else {
                Issue.record("410 must pause")
                return
            }
            #expect(reason.contains("410"))
            #expect(health.isPaused)
            #expect(health.pauseReason == reason)
            // Already paused: no second notification.
            #expect(health.record(.gone, at: start) == .none)
        }

        @Test func resumeLiftsThePauseAndCountsAfresh() {
            var health = EndpointHealth()
            _ = health.record(.gone, at: start)
            health.resume()
            #expect(!health.isPaused)
            #expect(health.consecutiveFailures == 0)
            #expect(health.record(.http5xx, at: start) == .none)
        }

        @Test func seventyTwoHoursOfUninterruptedFailureWithTwoExhaustedDeliveriesPause() {
            var health = EndpointHealth()
            var hour = 0.0
            var paused: EndpointHealth.Action?
            while hour <= 100, paused == nil {
                let at = start.addingTimeInterval(hour * 3600)
                // Deliveries started at hours 0 and 20 run out of retries 27.6 h later.
                if hour == 28 || hour == 48 { #expect(health.recordExhausted(at: at) == .none) }
                let action = health.record(.connectionRefused, at: at)
                if case .pause = action { paused = action }
                hour += 1
            }
            #expect(paused == .pause(reason: "failing for 72 h without a success"))
            #expect(hour - 1 == 72)
        }

        @Test func aSingleExhaustedDeliveryIsNotEnoughToPause() {
            // One burst of deliveries failing together must not pause the endpoint (§8.10).
            var health = EndpointHealth()
            _ = health.recordExhausted(at: start.addingTimeInterval(28 * 3600))
            _ = health.recordExhausted(at: start.addingTimeInterval(30 * 3600))
            for hour in 0...96 {
                _ = health.record(.http5xx, at: start.addingTimeInterval(Double(hour) * 3600))
            }
            #expect(!health.isPaused)
            // A second exhausted delivery 12 h after the first completes the condition.
            #expect(health.recordExhausted(at: start.addingTimeInterval(97 * 3600)) == .pause(reason: "failing for 72 h without a success"))
        }

        @Test func sporadicFailuresNeverPause() {
            // §9 row 41: alternating 200/500 for days.
            var health = EndpointHealth()
            for hour in 0..<(24 * 7) {
                let outcome: DeliveryOutcomeClass = hour.isMultiple(of: 2) ? .http5xx : .ok
                _ = health.record(outcome, at: start.addingTimeInterval(Double(hour) * 3600))
                #expect(!health.isPaused)
            }
            #expect(!health.isWarning)
        }

        @Test func requestsThatNeverLeftDoNotCount() {
            var health = EndpointHealth()
            for _ in 0..<5 {
                #expect(health.record(.blockedByPolicy, at: start) == .none)
                #expect(health.record(.invalidRequest, at: start) == .none)
            }
            #expect(health.consecutiveFailures == 0)
        }
    }
}
