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
    /// Of ``deliveries``, those not sent because their endpoint is paused (`hookline resume
    /// --endpoint ID` sends them).
    public var held = 0

    public init() {}

    /// How a headless command ends: `2 journeys, 3 deliveries, 1 failed` (journeys that
    /// finished), then `, 1 held (endpoint paused)`, `, 4 not started (entry limits)` and, when it
    /// stopped early, `, 3 journeys unfinished` when there are such.
    public var summary: String {
        let held = held > 0 ? ", \(held) held (endpoint paused)" : ""
        let refused = journeysRefused > 0 ? ", \(journeysRefused) not started (entry limits)" : ""
        let unfinished = journeysActive > 0 ? ", \(counted(journeysActive, "journey")) unfinished" : ""
        return "\(counted(journeysFinished, "journey")), \(counted(deliveries, "delivery", "deliveries")), "
            + "\(failures) failed\(held)\(refused)\(unfinished)"
    }

    /// Whether every delivery was sent and none failed for good.
    public var allDelivered: Bool { failures == 0 && held == 0 }
}

extension ExecutorStats {
    /// Counts a delivery that settled as failed, held or sent.
    mutating func count(_ outcome: Executor.DeliveryOutcome) {
        deliveries += 1
        if outcome.held {
            held += 1
        } else if !outcome.succeeded {
            failures += 1
        }
    }
}
