import Foundation
import StudioModel

/// The health of one endpoint, fed with the outcome of every attempt (delivery.md §8.10).
///
/// A pure state machine: ``record(_:at:)`` returns the action for its owner to carry out
/// (notify the owner, hold the endpoint's queue).
///
/// | Event | State after | Action |
/// |---|---|---|
/// | success | healthy, count reset | ``Action/recovered`` if it was warning, else ``Action/none`` |
/// | failure, count becomes 3 | warning | ``Action/warn(consecutiveFailures:)`` (once) |
/// | 410 | paused | ``Action/pause(reason:)`` |
/// | failing for 72 h without a success, with 2 exhausted deliveries ≥ 12 h apart | paused | ``Action/pause(reason:)`` |
/// | blocked by policy, invalid request | unchanged (the endpoint was not reached) | ``Action/none`` |
/// | ``resume()`` | healthy, count reset | — |
///
/// Every failed attempt counts, so one delivery failing 8 times warns too (§9 row 4).
public struct EndpointHealth: Sendable, Hashable {
    /// What the owner of the state machine must do after an event.
    public enum Action: Sendable, Hashable {
        case none
        /// The endpoint just reached ``warningThreshold`` consecutive failures: warn the owner.
        case warn(consecutiveFailures: Int)
        /// The endpoint is now paused: hold its deliveries and notify the owner.
        case pause(reason: String)
        /// A success after a warning: tell the owner it recovered.
        case recovered
    }

    /// Consecutive failed attempts before a warning: 3.
    public static let warningThreshold = 3

    /// How long uninterrupted failure lasts before the endpoint is paused. Default: 72 h, in seconds.
    public var pauseAfter: TimeInterval

    /// How far apart the first and the last exhausted delivery of a failing run must be before
    /// a pause: 12 h, so that one burst of deliveries cannot pause an endpoint.
    public static let exhaustedSpread: TimeInterval = 12 * 3600

    /// Failed attempts since the last success.
    public private(set) var consecutiveFailures = 0
    /// When the current run of failures began; nil while healthy.
    public private(set) var failingSince: Date?
    /// Whether deliveries to the endpoint are held until ``resume()``.
    public private(set) var isPaused = false
    /// Why the endpoint was paused.
    public private(set) var pauseReason: String?
    /// When the first delivery of the current failing run used up its retries.
    public private(set) var firstExhaustedAt: Date?
    /// When the latest delivery of the current failing run used up its retries.
    public private(set) var lastExhaustedAt: Date?

    /// - Parameter pauseAfter: Seconds of uninterrupted failure before pausing. Default: 72 h.
    public init(pauseAfter: TimeInterval = 72 * 3600) {
        self.pauseAfter = pauseAfter
    }

    /// Whether the owner has been, or should be, warned: ≥ ``warningThreshold`` consecutive failures.
    public var isWarning: Bool { consecutiveFailures >= Self.warningThreshold }

    /// Records one attempt's outcome at `now`.
    public mutating func record(_ outcome: DeliveryOutcomeClass, at now: Date) -> Action {
        if outcome.isSuccess {
            let wasWarning = isWarning
            consecutiveFailures = 0
            failingSince = nil
            firstExhaustedAt = nil
            lastExhaustedAt = nil
            return wasWarning ? .recovered : .none
        }
        // Nothing reached the endpoint, so it says nothing about the endpoint.
        if outcome.wasRefusedBeforeSending { return .none }
        consecutiveFailures += 1
        let since = failingSince ?? now
        failingSince = since
        if isPaused { return .none }
        if outcome == .gone {
            return pause("410 Gone")
        }
        if shouldPause(at: now) {
            return pause("failing for \(RetryPolicy.format(pauseAfter)) without a success")
        }
        if consecutiveFailures == Self.warningThreshold {
            return .warn(consecutiveFailures: consecutiveFailures)
        }
        return .none
    }

    /// Records that a delivery to the endpoint used up its retries at `now`.
    public mutating func recordExhausted(at now: Date) -> Action {
        firstExhaustedAt = firstExhaustedAt ?? now
        lastExhaustedAt = now
        guard !isPaused, shouldPause(at: now) else { return .none }
        return pause("failing for \(RetryPolicy.format(pauseAfter)) without a success")
    }

    /// An endpoint that was paused for `reason` (restored from the store after a restart).
    public static func paused(_ reason: String) -> EndpointHealth {
        var health = EndpointHealth()
        _ = health.pause(reason)
        return health
    }

    /// Lifts a pause and starts counting afresh.
    public mutating func resume() {
        isPaused = false
        pauseReason = nil
        consecutiveFailures = 0
        failingSince = nil
        firstExhaustedAt = nil
        lastExhaustedAt = nil
    }

    /// Failing for ``pauseAfter`` with two exhausted deliveries ``exhaustedSpread`` apart.
    private func shouldPause(at now: Date) -> Bool {
        guard let failingSince, now.timeIntervalSince(failingSince) >= pauseAfter, let firstExhaustedAt,
            let lastExhaustedAt
        else { return false }
        return lastExhaustedAt.timeIntervalSince(firstExhaustedAt) >= Self.exhaustedSpread
    }

    private mutating func pause(_ reason: String) -> Action {
        isPaused = true
        pauseReason = reason
        return .pause(reason: reason)
    }
}
