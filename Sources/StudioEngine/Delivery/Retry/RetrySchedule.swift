import Foundation

/// The delays between attempts of one delivery, before any `Retry-After` or overload floor
/// (delivery.md §8.3).
///
/// `delays[k]` is the wait after failed attempt `k + 1`, so a schedule of n delays allows n + 1
/// attempts. Each wait is multiplied by a jitter factor drawn uniformly from [0.8, 1.2].
///
/// The default, ``standard``, is Svix's (8 attempts over about 27.6 h):
///
/// | After attempt | Scheduled | With jitter (0.8–1.2×) | Elapsed (scheduled) |
/// |---|---|---|---|
/// | 1 | 5 s | 4–6 s | 5 s |
/// | 2 | 5 min | 4–6 min | 5 min 5 s |
/// | 3 | 30 min | 24–36 min | 35 min 5 s |
/// | 4 | 2 h | 1 h 36 min – 2 h 24 min | 2 h 35 min 5 s |
/// | 5 | 5 h | 4–6 h | 7 h 35 min 5 s |
/// | 6 | 10 h | 8–12 h | 17 h 35 min 5 s |
/// | 7 | 10 h | 8–12 h | 27 h 35 min 5 s |
/// | 8 | — (give up) | | |
///
/// ```swift
/// let custom = try RetrySchedule(delays: [10, 60, 600])   // 4 attempts
/// var rng = SystemRandomNumberGenerator()
/// custom.jitteredDelay(afterAttempt: 1, using: &rng)      // 8…12 s
/// ```
public struct RetrySchedule: Sendable, Hashable {
    /// Seconds to wait after each failed attempt, before jitter.
    public let delays: [TimeInterval]

    /// The default: 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h (8 attempts in all).
    public static let standard = RetrySchedule(unchecked: [5, 300, 1800, 7200, 18_000, 36_000, 36_000])

    /// One attempt, never retried ("Send test", at-most-once endpoints).
    public static let noRetries = RetrySchedule(unchecked: [])

    /// Most delays a custom schedule may hold: 20.
    public static let maximumEntries = 20

    /// Longest a custom schedule may last in total: 7 days, in seconds.
    public static let maximumTotal: TimeInterval = 7 * 86_400

    /// The jitter factor's range: ±20 %.
    public static let jitterRange: ClosedRange<Double> = 0.8...1.2

    /// A per-endpoint schedule.
    /// - Parameter delays: Seconds after each failed attempt; each finite and ≥ 0, at most
    ///   ``maximumEntries`` of them, totalling at most ``maximumTotal``. Empty means no retries.
    /// - Throws: ``RetryScheduleError`` naming the rule broken.
    public init(delays: [TimeInterval]) throws(RetryScheduleError) {
        guard delays.count <= Self.maximumEntries else { throw .tooManyEntries(delays.count) }
        if let index = delays.firstIndex(where: { !$0.isFinite || $0 < 0 }) {
            throw .invalidEntry(at: index, delays[index])
        }
        let total = delays.reduce(0, +)
        guard total <= Self.maximumTotal else { throw .tooLong(total: total) }
        self.delays = delays
    }

    private init(unchecked delays: [TimeInterval]) {
        self.delays = delays
    }

    /// Attempts in all, the first included: `delays.count + 1`.
    public var maximumAttempts: Int { delays.count + 1 }

    /// The wait after failed attempt `n` (1-based) before jitter, or nil when `n` was the last.
    public func scheduledDelay(afterAttempt n: Int) -> TimeInterval? {
        let index = n - 1
        return delays.indices.contains(index) ? delays[index] : nil
    }

    /// The wait after failed attempt `n` with jitter applied, or nil when `n` was the last.
    public func jitteredDelay(afterAttempt n: Int, using rng: inout some RandomNumberGenerator) -> TimeInterval? {
        scheduledDelay(afterAttempt: n).map { $0 * Self.jitterFactor(using: &rng) }
    }

    /// A factor drawn uniformly from ``jitterRange``.
    public static func jitterFactor(using rng: inout some RandomNumberGenerator) -> Double {
        Double.random(in: jitterRange, using: &rng)
    }
}
