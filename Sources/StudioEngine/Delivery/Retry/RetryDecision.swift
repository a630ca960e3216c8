import Foundation
import StudioModel

/// What to do with a delivery after one attempt; returned by ``RetryPolicy/decide(afterAttempt:outcome:retryAfter:using:)``.
public enum RetryDecision: Sendable, Hashable {
    /// The attempt succeeded; the delivery is done.
    case succeeded
    /// Try again after `after` seconds (jitter, `Retry-After` and the overload floor applied).
    /// `note` explains a delay that differs from the schedule, for the traffic log, e.g.
    /// "Retry-After honoured" or "Retry-After capped at 1 h".
    case retry(after: TimeInterval, note: String?)
    /// Stop: the delivery has failed for good.
    case giveUp(GiveUpReason)
    /// Stop and pause the endpoint (410 Gone): later deliveries are held, not sent.
    case pauseEndpoint(String)

    /// Why a delivery stopped being retried.
    public enum GiveUpReason: Sendable, Hashable, CustomStringConvertible {
        /// The outcome class is never retried (3xx, most 4xx, 501, blocked, invalid, aborted).
        case notRetryable(DeliveryOutcomeClass)
        /// Every attempt of the schedule was used; `attempts` were made.
        case exhausted(attempts: Int)

        public var description: String {
            switch self {
            case .notRetryable(let outcome): "\(outcome.label) is not retried"
            case .exhausted(let attempts): "gave up after \(counted(attempts, "attempt"))"
            }
        }
    }

    /// The delay of a ``retry(after:note:)``, else nil.
    public var retryDelay: TimeInterval? {
        if case .retry(let delay, _) = self { return delay }
        return nil
    }
}
