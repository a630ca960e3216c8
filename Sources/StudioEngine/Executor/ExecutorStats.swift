import StudioModel

/// Counters the studio and `hookline run` show.
public struct ExecutorStats: Sendable, Hashable {
    public var journeysStarted = 0
    public var journeysActive = 0
    public var journeysFinished = 0
    /// Journeys not started because the user reached the workflow's entry limits.
    public var journeysRefused = 0
    public var deliveriesInFlight = 0
    /// Journeys waiting to be admitted.
    public var journeysPending = 0
    /// Deliveries that settled: workflow steps, and those outside a journey (system webhooks,
    /// deliveries resent after a restart).
    public var deliveries = 0
    /// Of ``deliveries``, those that failed for good.
    public var failures = 0

    public init() {}

    /// How a headless command ends: `2 journeys, 3 deliveries, 1 failed`, and `, 4 not started
    /// (entry limits)` when users reached a workflow's entry limits.
    public var summary: String {
        let refused = journeysRefused > 0 ? ", \(journeysRefused) not started (entry limits)" : ""
        return "\(counted(journeysFinished, "journey")), \(counted(deliveries, "delivery", "deliveries")), "
            + "\(failures) failed\(refused)"
    }
}
