import Foundation
import StudioModel

/// Admission: journeys wait, queued or asleep in a delay, until fewer than the running limit
/// run; then their profiles are read in one batch and they go on on the executor queue.
extension Executor {
    /// Journeys running at once (not counting those asleep in a delay): four per delivery slot,
    /// so the deliverer always has work queued and no more.
    private var runningLimit: Int { max(4, limits.maxInFlight * 4) }

    /// Queues journeys that start (or continue after a restart) and admits what fits.
    func enqueue(_ pending: [Pending]) {
        let count = pending.reduce(0) { $0 + $1.count }
        guard count > 0 else { return }
        let admitted = state.withLock { state -> [Pending] in
            guard !state.stopped else { return [] }
            state.stats.journeysStarted += count
            state.stats.journeysActive += count
            state.stats.journeysPending += count
            state.pending += pending
            return admit(&state)
        }
        begin(admitted)
    }

    /// Takes pending journeys while fewer than ``runningLimit`` run; a run of them waiting in
    /// the store is split where the limit falls.
    func admit(_ state: inout State) -> [Pending] {
        var admitted: [Pending] = []
        let wakers = min(state.woken.count, max(0, runningLimit - state.running))
        if wakers > 0 {
            admitted += state.woken.prefix(wakers).map(Pending.start)
            state.woken.removeFirst(wakers)
            state.running += wakers
            state.stats.journeysPending -= wakers
        }
        while state.running < runningLimit, state.pendingHead < state.pending.count {
            let next = state.pending[state.pendingHead]
            let taken = min(next.count, runningLimit - state.running)
            if let (first, rest) = next.split(taking: taken) {
                admitted.append(first)
                state.pending[state.pendingHead] = rest
            } else {
                admitted.append(next)
                state.pendingHead += 1
            }
            state.running += taken
            state.stats.journeysPending -= taken
        }
        if state.pendingHead > 1024, state.pendingHead * 2 > state.pending.count {
            state.pending.removeFirst(state.pendingHead)
            state.pendingHead = 0
        }
        return admitted
    }

    func begin(_ admitted: [Pending]) {
        guard !admitted.isEmpty else { return }
        queue.async { [self] in
            // One read for the admitted journeys' stored triggers, one for their profiles, one
            // for the resumed ones' deliveries.
            let starts = withTriggers(admitted.flatMap(starts(of:)))
            let profiles = (try? store.users(emails: starts.map(\.start.email))) ?? [:]
            let earlier = earlierDeliveries(of: starts.map(\.start))
            for (start, trigger) in starts {
                let profile = profiles[start.email] ?? JSONObject([("email", .string(start.email))])
                var journey = Journey(
                    id: start.id, origin: start.origin, profile: profile, trigger: trigger,
                    nodeID: start.workflow.entryNode?.id)
                switch start.stage {
                case .new: break
                case .stored: journey.storedRunningAt = journey.nodeID
                case .resumed(let nodeID):
                    journey.nodeID = nodeID
                    journey.resumed = true
                case .woken(let nodeID, let resumed):
                    journey.nodeID = nodeID
                    journey.resumed = resumed
                case .waited(let wait):
                    journey.nodeID = wait.nodeID
                    journey.resumed = wait.resumed
                    journey.waited = wait
                }
                if journey.resumed { journey.earlierDeliveries = earlier[journey.id] ?? [] }
                advance(&journey)
            }
        }
    }

    /// What the resumed journeys among `starts` sent before the restart, by journey id.
    private func earlierDeliveries(of starts: [PendingStart]) -> [String: [OutboxDelivery]] {
        let resumed = starts.filter(\.stage.isResumed)
        guard !resumed.isEmpty else { return [:] }
        do { return try store.deliveries(journeyIDs: resumed.map(\.id)) } catch {
            logger.error("could not read the deliveries of \(resumed.count) resumed journeys: \(error)")
            return [:]
        }
    }

    /// The journeys of an admitted piece; a run waiting in the store is read back from it. A
    /// journey that cannot be read gives its slot back; it stays stored for ``resume()``.
    private func starts(of pending: Pending) -> [PendingStart] {
        switch pending {
        case .start(let start):
            return [start]
        case .stored(let origin, let first, let count):
            var starts: [PendingStart] = []
            do {
                let last = DeliveryID.ulid(first, advancedBy: count - 1)
                starts = try store.journeyAddresses(from: first, through: last).map {
                    PendingStart(id: $0.id, email: $0.email, origin: origin, stage: .stored)
                }
            } catch {
                logger.error("could not read \(count) queued journeys of \(origin.workflow.id): \(error)")
            }
            giveBackSlots(of: count - starts.count)
            return starts
        case .resumed(let cursor, let count):
            var starts: [PendingStart] = []
            do { starts = try cursor.next(count, from: store) } catch {
                logger.error("could not read \(count) resumed journeys: \(error)")
            }
            giveBackSlots(of: count - starts.count)
            return starts
        }
    }

    /// `starts` with their triggers: a shared one, or each one's own read from its stored row,
    /// all in one read. A journey whose row cannot be read gives its slot back; when the store
    /// holds it, it stays there, running or waiting, for ``resume()``.
    private func withTriggers(_ starts: [PendingStart]) -> [(start: PendingStart, trigger: TrackedEvent?)] {
        let ids = starts.compactMap { start -> String? in
            guard case .stored = start.origin.trigger else { return nil }
            return start.id
        }
        guard !ids.isEmpty else { return starts.map { ($0, $0.sharedTrigger) } }
        var stored: [String: JourneyRecord] = [:]
        do {
            stored = try store.journeys(ids: ids)
            if stored.count < ids.count {
                logger.warning("\(counted(ids.count - stored.count, "admitted journey")) could not be read from the store; left out")
            }
        } catch {
            logger.error("could not read the triggers of \(counted(ids.count, "admitted journey")): \(error)")
        }
        let withTriggers = starts.compactMap { start -> (start: PendingStart, trigger: TrackedEvent?)? in
            guard case .stored = start.origin.trigger else { return (start, start.sharedTrigger) }
            guard let row = stored[start.id] else {
                // One taking its turn at a busy host passes the turn to the next.
                if case .waited(let wait) = start.stage, let host = wait.host { endHostTurn(at: host) }
                return nil
            }
            return (start, row.trigger)
        }
        giveBackSlots(of: starts.count - withTriggers.count)
        return withTriggers
    }

    /// Admitted journeys that could not be read from the store end here, in memory: their
    /// running slots go to the next ones.
    private func giveBackSlots(of unread: Int) {
        for _ in 0..<max(0, unread) {
            updateCounters { $0.stats.journeysActive -= 1 }
            releaseRunningSlot()
        }
    }

    /// A running journey fell asleep in a delay or ended: admit the next pending one.
    /// Admission waits until this many slots are free, so that profiles are read in batches.
    private var admissionBatch: Int { max(1, runningLimit / 8) }

    func releaseRunningSlot() {
        begin(state.withLock { state in
            state.running -= 1
            // Refill in batches; when nothing else runs, admit at once so work never stalls.
            guard state.running == 0 || state.running <= runningLimit - admissionBatch else { return [] }
            return admit(&state)
        })
    }

    /// Admits a journey asleep in a delay again after `seconds`, ahead of the journeys not yet
    /// started.
    func wake(_ sleeper: PendingStart, after seconds: Double) {
        wake(after: seconds) { $0.sleeping.insert(sleeper, wakingAt: $1) }
    }

    /// Sends a delivery outside a journey stopped at a scheduled retry again after `seconds`.
    func wake(_ retry: DetachedRetry, after seconds: Double) {
        wake(after: seconds) { state, deadline in
            state.sleepingDeliveries.insert(retry, wakingAt: deadline)
            state.detachedRetryWaits[retry.deliveryID] = retry.wait
        }
    }

    /// Puts a sleeper in with `insert` (given the wake-up's uptime nanoseconds) and sets the
    /// timer when it wakes first.
    private func wake(after seconds: Double, inserting insert: (inout State, UInt64) -> Void) {
        let deadline = DispatchTime.now() + max(0, seconds)
        let setTimer = state.withLock { state -> Bool in
            insert(&state, deadline.uptimeNanoseconds)
            if let timer = state.wakeTimer, timer <= deadline.uptimeNanoseconds { return false }
            state.wakeTimer = deadline.uptimeNanoseconds
            return true
        }
        if setTimer { setWakeTimer(at: deadline) }
    }

    /// Admits a journey asleep until a retry now, ahead of the journeys not yet started; its
    /// timer entry is passed over when it comes due (``Executor/State/retryWaits``).
    func wakeNow(_ sleeper: PendingStart) {
        begin(
            state.withLock { state in
                state.retrySleepersWokenEarly += 1
                guard !state.stopped else { return [] }
                state.woken.append(sleeper)
                state.stats.journeysPending += 1
                return admit(&state)
            })
    }

    /// One timer for every sleeper: when it fires, the due journeys are admitted, the due
    /// deliveries sent again, and it is set again for the next. A timer set earlier for a later
    /// instant still fires, finds nothing or a few due, and stops.
    private func setWakeTimer(at deadline: DispatchTime) {
        queue.asyncAfter(deadline: deadline) { [self] in
            var next: DispatchTime?
            var dueDeliveries: [DetachedRetry] = []
            begin(state.withLock { state in
                if state.wakeTimer == deadline.uptimeNanoseconds { state.wakeTimer = nil }
                guard !state.stopped else { return [] }
                let now = DispatchTime.now().uptimeNanoseconds
                // A delivery cancelled meanwhile was let go then.
                dueDeliveries = state.sleepingDeliveries.removeDue(by: now).filter {
                    state.detachedRetryWaits.removeValue(forKey: $0.deliveryID) != nil
                }
                // A retry's sleeper that a cancel woke already is passed over.
                let due = state.sleeping.removeDue(by: now).filter { sleeper in
                    guard case .waited(let wait) = sleeper.stage, let retry = wait.retry else { return true }
                    guard state.retryWaits.removeValue(forKey: retry.deliveryID) != nil else {
                        state.retrySleepersWokenEarly -= 1
                        return false
                    }
                    return true
                }
                state.woken += due
                state.stats.journeysPending += due.count
                if let earliest = state.earliestWake, state.wakeTimer.map({ earliest < $0 }) ?? true {
                    state.wakeTimer = earliest
                    next = DispatchTime(uptimeNanoseconds: earliest)
                }
                return admit(&state)
            })
            for retry in dueDeliveries { resendDetached(retry) }
            if let next { setWakeTimer(at: next) }
        }
    }
}
