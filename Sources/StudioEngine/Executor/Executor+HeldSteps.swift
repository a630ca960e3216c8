import Foundation
import StudioModel

/// Journeys held at a step whose profile or list write the store does not take (a full disk).
///
/// Such a write is not dropped, and the journey does not go on as if it had been made: it waits
/// at its step, keeping its running slot, and the write is tried again after
/// ``StoreRetryBackoff``'s wait, as outbox rows are; the journey goes on once the store takes it.
/// ``StoreHealth`` hears of the run of failures (``StoreHealth/Records/profiles``) and its end.
/// A stopped executor drops the held journeys: their stored step lies before the write, so the
/// next start makes it again (a set field or list change is the same made twice, and an Update
/// User Profile answer is merged again from its stored attempt, or asked for again).
extension Executor {
    /// Holds `journey`, whose step's profile or list write failed with `error`, and tries again
    /// after the backoff's wait: `retry` makes the write again (nil: the journey's node, run again
    /// by ``advance(_:)``, makes it), and the journey goes on from its `nodeID` once it went
    /// through.
    func hold(
        _ journey: Journey, after error: any Error, retry: (@Sendable (inout Journey) throws -> Void)? = nil
    ) {
        dispatchPrecondition(condition: .onQueue(queue))
        let (held, wait) = state.withLock { state in
            state.heldForStore += 1
            return (state.heldForStore, state.profileBackoff.failed())
        }
        storeHealth.failed(.profiles, count: held, error: error, retryIn: wait)
        queue.asyncAfter(deadline: .now() + wait) { [self] in
            let stopped = state.withLock { state in
                state.heldForStore -= 1
                return state.stopped
            }
            guard !stopped else { return }
            var journey = journey
            if let retry {
                do { try retry(&journey) } catch { return hold(journey, after: error, retry: retry) }
            } else {
                // The node runs again: the same step, not one more towards the loop limit.
                journey.stepsSinceSleep -= 1
            }
            advance(&journey)
        }
    }

    /// A profile or list write of a step went through: a run of failures, if there was one, is over.
    func profileWriteStored() {
        if state.withLock({ $0.profileBackoff.succeeded() }) { storeHealth.recovered(.profiles, count: 1) }
    }
}
