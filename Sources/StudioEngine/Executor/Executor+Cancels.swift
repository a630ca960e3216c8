import Foundation
import StudioModel

/// Cancels made by another process (`hookline cancel` next to a running `serve` or `run`): the
/// executor holding the delivery looks for them, so that a journey asleep until the retry goes on
/// at once, a delivery outside a journey is let go, and one waiting for its host is not sent.
extension Executor {
    /// How often the store is asked for cancels, while this executor holds deliveries.
    static let cancelWatchInterval = 1.0

    /// Looks for cancels every ``cancelWatchInterval`` until the executor stops.
    func watchForCancelsElsewhere() {
        queue.asyncAfter(deadline: .now() + Self.cancelWatchInterval) { [weak self] in
            guard let self, !state.withLock({ $0.stopped }) else { return }
            noticeCancelsElsewhere()
            watchForCancelsElsewhere()
        }
    }

    /// Reads the deliveries cancelled since the last look, when this executor holds any.
    private func noticeCancelsElsewhere() {
        let now = Date()
        let since = state.withLock { state -> Date? in
            defer { state.cancelsSeenUntil = now }
            let holds = !state.retryWaits.isEmpty || !state.detachedRetryWaits.isEmpty || !state.deliveryTasks.isEmpty
            return holds ? state.cancelsSeenUntil : nil
        }
        // A margin for the clocks of two processes; noticing a cancel twice does nothing more.
        guard let since, let cancelled = try? store.deliveriesCancelled(since: since.addingTimeInterval(-2)) else { return }
        for id in cancelled {
            let underWay = state.withLock { state in
                guard state.deliveryTasks[id] != nil else { return false }
                cancelledElsewhere.withLock { _ = $0.insert(id) }
                return true
            }
            if !underWay { letGoOfWaiting(id) }
        }
    }

    /// Stops waiting for a cancelled delivery's retry: its journey goes on now (it reads the
    /// delivery's status as it does), a delivery outside a journey is let go and counted failed.
    /// - Returns: What waited for the retry: the retry it waited for, if anything did.
    @discardableResult
    func letGoOfWaiting(_ deliveryID: String) -> Deliverer.RetryWait? {
        let (sleeper, detached) = state.withLock {
            ($0.retryWaits.removeValue(forKey: deliveryID), $0.detachedRetryWaits.removeValue(forKey: deliveryID))
        }
        if let sleeper { wakeNow(sleeper) }
        if detached != nil {
            // Its timer entry is passed over.
            updateCounters {
                $0.detachedDeliveries -= 1
                $0.stats.count(DeliveryOutcome(succeeded: false))
            }
        }
        return sleeper?.retryWait ?? detached
    }

    /// Whether a delivery under way here was cancelled by another process: it is not sent again.
    func isCancelledElsewhere(_ deliveryID: String) -> Bool {
        cancelledElsewhere.withLock { $0.contains(deliveryID) }
    }

    /// Forgets that another process cancelled a delivery whose task ended; returns whether it did.
    /// Called with ``Executor/state`` held, as the cancel is noted, so that none slips between.
    func forgetCancelElsewhere(of deliveryID: String) -> Bool {
        cancelledElsewhere.withLock { $0.remove(deliveryID) != nil }
    }
}
