import NIOCore
import StudioModel

/// Slow-host isolation at journey admission (delivery.md §8.10, §9 row 43): a journey whose
/// webhook step finds its host with a full share of deliveries under way waits in that host's
/// queue as a small value, giving its running slot to journeys bound elsewhere, and takes its
/// turn as the host's deliveries end. However many wait for one slow host, other hosts' journeys
/// are admitted, and what waits holds no task.
extension Executor {
    /// The journeys waiting for one host: those whose delivery's retry came due first, as it is
    /// already late, then the others in the order they came.
    struct HostQueue {
        private var retries = CircularBuffer<PendingStart>()
        private var arrivals = CircularBuffer<PendingStart>()

        var isEmpty: Bool { retries.isEmpty && arrivals.isEmpty }

        mutating func append(_ waiter: PendingStart) {
            if waiter.retryWait != nil { retries.append(waiter) } else { arrivals.append(waiter) }
        }

        mutating func popFirst() -> PendingStart? { retries.popFirst() ?? arrivals.popFirst() }
    }

    /// Deliveries of one host under way before its next journeys wait in its queue: its
    /// per-host limit sending, and as many rendered and waiting for a permit, so that the host
    /// never waits for a journey to come back from the queue.
    private var hostShare: Int { limits.maxInFlightPerHost * 2 }

    /// Queues `journey` behind its host when the host has its share under way or others
    /// already wait for it; only when the per-host limit is below the total one, else no other
    /// host could use the slot. Returns whether it was queued: its running slot is free then.
    /// - Parameter retry: The step's delivery stopped at a retry, which the journey goes on with.
    func waitsForHost(
        _ journey: Journey, at node: WorkflowNode, host: String,
        retry: (deliveryID: String, wait: Deliverer.RetryWait)?
    ) -> Bool {
        guard limits.maxInFlightPerHost < limits.maxInFlight else { return false }
        let waiter = PendingStart(
            id: journey.id, email: journey.email, origin: journey.origin,
            stage: .waited(.init(nodeID: node.id, resumed: journey.resumed, host: host, retry: retry)))
        let queued = state.withLock { state -> Bool in
            let underWay = state.hostDemand[host, default: 0] + state.hostTurnsInTransit[host, default: 0]
            guard underWay >= hostShare || state.hostQueues[host]?.isEmpty == false else { return false }
            state.hostQueues[host, default: HostQueue()].append(waiter)
            return true
        }
        guard queued else { return false }
        // A restart goes on from this step, not from before it.
        if journey.storedRunningAt != node.id { journeys.append(journey.record(.running)) }
        releaseRunningSlot()
        takeHostTurns(at: host)
        return true
    }

    /// A journey taken from `host`'s queue reached its step: it no longer counts as on its way.
    /// - Parameter refilling: The journey went elsewhere: the next one of the queue takes its turn.
    func endHostTurn(at host: String, refilling: Bool = true) {
        state.withLock { state in
            state.hostTurnsInTransit[host, default: 1] -= 1
            if state.hostTurnsInTransit[host] == 0 { state.hostTurnsInTransit[host] = nil }
        }
        if refilling { takeHostTurns(at: host) }
    }

    /// Admits the journeys waiting for `host`, first come first, while its share is not under way.
    func takeHostTurns(at host: String) {
        // Every delivery's end comes here: without host queues, no lock is taken.
        guard limits.maxInFlightPerHost < limits.maxInFlight else { return }
        begin(
            state.withLock { state -> [Pending] in
                guard !state.stopped, var waiting = state.hostQueues.removeValue(forKey: host) else { return [] }
                var turns = 0
                while state.hostDemand[host, default: 0] + state.hostTurnsInTransit[host, default: 0] < hostShare,
                    let next = waiting.popFirst()
                {
                    state.woken.append(next)
                    state.hostTurnsInTransit[host, default: 0] += 1
                    turns += 1
                }
                state.hostQueues[host] = waiting.isEmpty ? nil : waiting
                guard turns > 0 else { return [] }
                state.stats.journeysPending += turns
                return admit(&state)
            })
    }
}
