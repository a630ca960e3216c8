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
    public var attempts = 0
    /// Of ``attempts``, those that failed for good.
    public var failures = 0

    public init() {}
}
