import Foundation

/// The executor's sense of time. ``ScaledClock`` runs delays and retries `scale` times faster
/// for demos and tests (`--time-scale N`).
public protocol EngineClock: Sendable {
    /// Wall-clock now, as recorded on attempts and journeys.
    func now() -> Date
    /// How long a real wait of `seconds` (workflow time) takes on this clock.
    func realInterval(forWorkflowSeconds seconds: Double) -> Double
    /// Now in workflow time, for spans measured in workflow time (an endpoint failing for 72 h).
    func workflowNow() -> Date
    /// Monotonic now, for waits that a change of the wall clock must not move.
    func monotonicNow() -> ContinuousClock.Instant
    /// Waits `seconds` (on this clock: ``now()`` and ``monotonicNow()`` move on by as much);
    /// throws when the task is cancelled.
    func sleep(seconds: Double) async throws
}

extension EngineClock {
    public func workflowNow() -> Date { now() }

    public func monotonicNow() -> ContinuousClock.Instant { .now }

    /// A real wait: ``now()`` is the wall clock.
    public func sleep(seconds: Double) async throws {
        try await Task.sleep(for: .seconds(seconds))
    }
}

/// Wall time with workflow delays divided by `scale`.
public struct ScaledClock: EngineClock {
    /// Factor by which delays are shortened; 1 is real time. Default: 1.
    public var scale: Double
    /// Where workflow time and wall time agree.
    private let origin = Date()

    public init(scale: Double = 1) {
        self.scale = max(scale, 1e-9)
    }

    public func now() -> Date { Date() }

    /// Wall time since the clock was made, `scale` times faster.
    public func workflowNow() -> Date { origin.addingTimeInterval(Date().timeIntervalSince(origin) * scale) }

    public func realInterval(forWorkflowSeconds seconds: Double) -> Double { seconds / scale }
}
