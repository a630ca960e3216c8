import Foundation
import StudioModel

/// Decides, after each attempt, whether and when a delivery is tried again (delivery.md §8.3–8.5).
///
/// A pure state machine: it holds no clock and no state, takes the attempt's number, outcome and
/// `Retry-After`, and returns a ``RetryDecision`` for the executor to carry out.
///
/// The delay after failed attempt `n`, with `s` the scheduled delay, `f` the jitter factor
/// (uniform in [0.8, 1.2]) and `RA` the parsed `Retry-After`:
///
///     d = s × f
///     with RA:              d = min(max(d, RA), max(2 × s, 3600 s))
///     after timeout or 429: d = max(d, 60 s)
///
/// | After attempt | s | No header | 503 + RA 120 s | 503 + RA 1 day | timeout / 429 |
/// |---|---|---|---|---|---|
/// | 1 | 5 s | 4–6 s | 120 s, honoured | 1 h, capped | 60 s |
/// | 2 | 5 min | 4–6 min | 4–6 min | 1 h, capped | 4–6 min |
/// | 3 | 30 min | 24–36 min | 24–36 min | 1 h, capped | 24–36 min |
/// | 4 | 2 h | 1.6–2.4 h | 1.6–2.4 h | 4 h, capped | 1.6–2.4 h |
/// | 5 | 5 h | 4–6 h | 4–6 h | 10 h, capped | 4–6 h |
/// | 6, 7 | 10 h | 8–12 h | 8–12 h | 20 h, capped | 8–12 h |
/// | 8 | — | give up | give up | give up | give up |
///
/// 410 pauses the endpoint; other non-retryable classes give up at once (``DeliveryOutcomeClass/isRetryable``).
/// A 429 also holds every delivery to the host: see ``hostHold(afterAttempt:outcome:retryAfter:)``.
/// Tests that need exact delays pass the jitter factor itself to
/// ``decide(afterAttempt:outcome:retryAfter:jitterFactor:)``.
///
/// ```swift
/// let policy = RetryPolicy()
/// var rng = SystemRandomNumberGenerator()
/// switch policy.decide(afterAttempt: 1, outcome: .http5xx, retryAfter: 120, using: &rng) {
/// case .retry(let delay, let note): schedule(after: delay, note: note)   // 120 s, "Retry-After honoured"
/// default: break
/// }
/// ```
public struct RetryPolicy: Sendable, Hashable {
    /// The delays between attempts. Default: ``RetrySchedule/standard``.
    public var schedule: RetrySchedule

    /// Least wait after a timeout or a 429, in seconds: 60 (Svix's `OVERLOAD_PENALTY_SECS`).
    public static let overloadFloor: TimeInterval = 60

    /// `Retry-After` is honoured up to `max(2 × scheduled, retryAfterCeiling)`: 3600 s.
    public static let retryAfterCeiling: TimeInterval = 3600

    /// - Parameter schedule: Default: ``RetrySchedule/standard``; ``RetrySchedule/noRetries`` for one attempt.
    public init(schedule: RetrySchedule = .standard) {
        self.schedule = schedule
    }

    /// The decision after attempt `n` (1-based) ended with `outcome`, drawing the jitter from `rng`.
    /// - Parameters:
    ///   - n: The attempt just made, counting from 1; values below 1 count as 1.
    ///   - outcome: How it ended.
    ///   - retryAfter: The response's `Retry-After` in seconds (``RetryAfter/parse(_:now:)``), if any.
    ///   - rng: The source of the jitter factor (``RetrySchedule/jitterFactor(using:)``).
    public func decide(
        afterAttempt n: Int, outcome: DeliveryOutcomeClass, retryAfter: TimeInterval?,
        using rng: inout some RandomNumberGenerator
    ) -> RetryDecision {
        // Draw only when a retry is possible, so a success leaves the generator untouched.
        guard outcome.isRetryable, schedule.scheduledDelay(afterAttempt: max(n, 1)) != nil else {
            return decide(afterAttempt: n, outcome: outcome, retryAfter: retryAfter, jitterFactor: 1)
        }
        return decide(
            afterAttempt: n, outcome: outcome, retryAfter: retryAfter,
            jitterFactor: RetrySchedule.jitterFactor(using: &rng))
    }

    /// The decision after attempt `n` with a given jitter factor: the deterministic core of
    /// ``decide(afterAttempt:outcome:retryAfter:using:)``.
    /// - Parameter jitterFactor: Multiplies the scheduled delay; clamped to ``RetrySchedule/jitterRange``.
    public func decide(
        afterAttempt n: Int, outcome: DeliveryOutcomeClass, retryAfter: TimeInterval?, jitterFactor: Double
    ) -> RetryDecision {
        if outcome.isSuccess { return .succeeded }
        if outcome == .gone {
            return .pauseEndpoint("410 Gone: the receiver says this endpoint no longer exists; update or remove it")
        }
        guard outcome.isRetryable else { return .giveUp(.notRetryable(outcome)) }
        let attempt = max(n, 1)
        guard let scheduled = schedule.scheduledDelay(afterAttempt: attempt) else {
            return .giveUp(.exhausted(attempts: attempt))
        }
        let range = RetrySchedule.jitterRange
        let factor = jitterFactor.isFinite ? min(max(jitterFactor, range.lowerBound), range.upperBound) : 1
        var delay = scheduled * factor
        var note: String?
        if let retryAfter, retryAfter.isFinite, retryAfter >= 0 {
            let cap = Self.retryAfterCap(scheduled: scheduled)
            if retryAfter > cap {
                delay = cap
                note = "Retry-After capped at \(Self.format(cap))"
            } else if retryAfter > delay {
                delay = retryAfter
                note = "Retry-After honoured"
            }
        }
        if outcome.isOverload, delay < Self.overloadFloor {
            delay = Self.overloadFloor
            note = outcome == .timeout ? "waiting at least 60 s after a timeout" : "waiting at least 60 s after 429"
        }
        return .retry(after: delay, note: note)
    }

    /// How long every delivery to the endpoint's host waits after this outcome, or nil for none.
    ///
    /// Only a 429 (``DeliveryOutcomeClass/rateLimited``) holds the host (§8.5), for
    /// `min(max(RA, 60 s), max(2 × s, 3600 s))`; `s` is the scheduled delay after attempt `n`
    /// (0 once the schedule is used up, which leaves a cap of 1 h). The hold applies even when
    /// this delivery gives up, and never outlasts the delay ``decide(afterAttempt:outcome:retryAfter:using:)``
    /// gives the same attempt, so the 429'd delivery is not overtaken. Measure it from when the response arrived.
    public func hostHold(afterAttempt n: Int, outcome: DeliveryOutcomeClass, retryAfter: TimeInterval?) -> TimeInterval? {
        guard outcome == .rateLimited else { return nil }
        let scheduled = schedule.scheduledDelay(afterAttempt: max(n, 1)) ?? 0
        let asked = retryAfter.flatMap { $0.isFinite && $0 >= 0 ? $0 : nil } ?? 0
        return min(max(asked, Self.overloadFloor), Self.retryAfterCap(scheduled: scheduled))
    }

    /// The most a `Retry-After` can stretch a scheduled delay to: `max(2 × s, 3600 s)`.
    public static func retryAfterCap(scheduled: TimeInterval) -> TimeInterval {
        max(2 * scheduled, retryAfterCeiling)
    }

    /// "1 h", "90 min", "45 s".
    static func format(_ seconds: TimeInterval) -> String {
        let whole = Int(seconds.rounded())
        if whole % 3600 == 0 { return "\(whole / 3600) h" }
        if whole % 60 == 0 { return "\(whole / 60) min" }
        return "\(whole) s"
    }
}
