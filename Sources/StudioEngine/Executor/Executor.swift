import Foundation
import Logging
import StudioModel
import Synchronization

/// Runs workflows for users: walks each journey through its nodes, calls webhooks, waits out
/// delays and records every attempt.
///
/// Journey steps run on one serial Dispatch queue that owns the executor's state; HTTP runs
/// concurrently through the ``Deliverer``, whose limiter bounds attempts in flight in total and
/// per host, and which retries on the delivery schedule.
///
/// ```swift
/// let executor = Executor(workspace: workspace, store: store, deliverer: deliverer, recorder: recorder)
/// executor.track(TrackedEvent(email: "ada@example.com", name: "signup"))
/// await executor.waitUntilIdle()
/// ```
public final class Executor: Sendable {
    /// A journey waiting to be admitted. Small, since starting a workflow for a million users
    /// queues a million of them: what the journeys of one call share is held once, in ``Origin``.
    struct PendingStart {
        var id = DeliveryID.ulid()
        var email: String
        var origin: Origin
        var stage = Stage.new

        /// What the journeys started by one call share.
        final class Origin: Sendable {
            let workflow: Workflow
            /// The trigger event; each journey's copy carries its own address.
            let trigger: TrackedEvent?

            init(workflow: Workflow, trigger: TrackedEvent? = nil) {
                self.workflow = workflow
                self.trigger = trigger
            }
        }

        enum Stage {
            /// Not in the store yet.
            case new
            /// ``entryRecord`` is in the store, so the entry step need not write it again.
            case stored
            /// A stored journey continued after a restart, from the step it was stored at.
            case resumed(at: String?)
            /// A journey that slept in a delay, going on from the step after it; its profile is
            /// read again, so it sees what changed meanwhile.
            case woken(at: String?, resumed: Bool)
        }

        var workflow: Workflow { origin.workflow }

        var trigger: TrackedEvent? {
            guard var trigger = origin.trigger else { return nil }
            trigger.email = email
            return trigger
        }

        /// The journey as stored before it is queued: running, at the workflow's entry step.
        var entryRecord: JourneyRecord {
            JourneyRecord(
                id: id, workflowID: workflow.id, email: email, nodeID: workflow.entryNode?.id, status: .running,
                trigger: trigger)
        }
    }

    /// Journeys waiting to be admitted, in the order they came.
    enum Pending {
        /// One journey: a tracked event's, or one continued after a restart.
        case start(PendingStart)
        /// `count` journeys that ``start(workflowID:emails:dataFields:)`` stored at their entry
        /// step with sequential ids from `first`: read back from the store when admitted, so a
        /// million queued users take no memory each.
        case stored(PendingStart.Origin, first: String, count: Int)

        var count: Int {
            switch self {
            case .start: 1
            case .stored(_, _, let count): count
            }
        }
    }

    struct State {
        var stats = ExecutorStats()
        /// Journeys not yet admitted, oldest first from `pendingHead`: admission is lazy so that
        /// starting a workflow for a million users holds no profiles or tasks for them.
        var pending: [Pending] = []
        var pendingHead = 0
        /// Journeys whose delay ended, admitted before ``pending`` so that they wake on time.
        var woken: [PendingStart] = []
        /// Journeys asleep in a delay.
        var sleeping = WakeSchedule()
        /// When the earliest timer set for ``sleeping`` fires; nil when none is set.
        var wakeTimer: UInt64?
        /// Admitted journeys that are not sleeping in a delay.
        var running = 0
        /// Deliveries outside a journey step: system webhooks, resumed orphans, replays.
        var detachedDeliveries = 0
        /// Journeys whose delivery waits for a busy host; they do not hold a running slot.
        var parked = 0
        /// Step deliveries under way or waiting, per host, for the parking decision.
        var hostDemand: [String: Int] = [:]
        /// Deliveries under way, by id, so that they can be cancelled.
        var deliveryTasks: [String: Task<Void, Never>] = [:]
        /// New deliveries whose outbox rows are written together at the end of the queue's turn.
        var unstored: [UnstoredDelivery] = []
        var idleWaiters: [CheckedContinuation<Void, Never>] = []
        var stopped = false
    }

    /// The definitions journeys run from; ``apply(_:)`` replaces them when a file is saved.
    private let definitions: Mutex<Workspace>
    /// The delivery limits the executor started with; they size its pools, so they never change.
    let limits: DeliveryDefaults
    let store: any StateStore
    let deliverer: Deliverer
    let recorder: AttemptRecorder
    let journeys: BatchWriter<JourneyRecord>
    let secrets: [String: String]
    let clock: any EngineClock
    let builder = RequestBuilder()
    let logger: Logger
    let queue = DispatchQueue(label: "hookline.executor")
    let state = Mutex(State())
    /// The holder of this executor's outbox leases.
    public let leaseOwner = LeaseOwner.current()

    public init(
        workspace: Workspace, store: any StateStore, deliverer: Deliverer, recorder: AttemptRecorder,
        secrets: [String: String] = [:], clock: any EngineClock = ScaledClock(),
        logger: Logger = Logger(label: "hookline.executor")
    ) {
        self.definitions = Mutex(workspace)
        self.limits = workspace.settings.delivery
        self.store = store
        self.deliverer = deliverer
        self.recorder = recorder
        self.secrets = secrets
        self.clock = clock
        self.logger = logger
        self.journeys = BatchWriter(label: "hookline.journeys", interval: .milliseconds(50)) { batch in
            do { try store.saveJourneys(Self.latestPerJourney(batch)) } catch {
                logger.error("could not store journeys: \(error)")
            }
        }
    }

    /// The last record of each journey in `batch`, in order of first appearance: a journey that
    /// started and finished within one batch is written once, in its final state.
    static func latestPerJourney(_ batch: [JourneyRecord]) -> [JourneyRecord] {
        var positions: [String: Int] = [:]
        positions.reserveCapacity(batch.count)
        var latest: [JourneyRecord] = []
        latest.reserveCapacity(batch.count)
        for record in batch {
            if let position = positions[record.id] {
                latest[position] = record
            } else {
                positions[record.id] = latest.count
                latest.append(record)
            }
        }
        return latest
    }

    public var stats: ExecutorStats { state.withLock { $0.stats } }

    /// The workflows, webhooks and settings in use.
    public var workspace: Workspace { definitions.withLock { $0 } }

    /// Runs from `workspace`'s workflows and webhooks from now on: journeys that start and steps
    /// that run afterwards see the edit; a request already rendered keeps its bytes. The settings
    /// (limits, network allowlist) stay as the executor started, since they size its pools.
    public func apply(_ workspace: Workspace) {
        definitions.withLock { current in
            var updated = workspace
            updated.settings = current.settings
            current = updated
        }
    }

    /// Records an event and starts a journey in every enabled workflow it triggers.
    ///
    /// The journeys are stored with the event, at their entry step, before this returns: once an
    /// event is accepted, a crash cannot lose the work it started (``resume()`` picks it up).
    public func track(_ event: TrackedEvent) {
        var starts = workspace.workflows.filter { $0.enabled && $0.start == .event(event.name) }.map {
            PendingStart(email: event.email, origin: .init(workflow: $0, trigger: event))
        }
        do {
            try store.recordEvent(event, startingJourneys: starts.map(\.entryRecord))
            for index in starts.indices { starts[index].stage = .stored }
        } catch {
            logger.error("could not store event: \(error)")
        }
        for start in starts { enqueue(.start(start)) }
    }

    /// Starts one journey of `workflowID` for each address, whatever the workflow's trigger.
    ///
    /// The journeys are stored at their entry step (10,000 per transaction) before they are
    /// queued, so the ones still queued when the process dies are started by ``resume()``.
    /// - Parameter dataFields: Data for the journeys' merge parameters (`{{dataFields.x}}`), as
    ///   Iterable's triggerWorkflow passes it; nil for none.
    /// - Returns: false when the workflow does not exist.
    @discardableResult
    public func start(workflowID: String, emails: [String], dataFields: JSONObject? = nil) -> Bool {
        guard let workflow = workspace.workflow(id: workflowID) else { return false }
        let origin = PendingStart.Origin(
            workflow: workflow, trigger: dataFields.map { TrackedEvent(email: "", name: "triggerWorkflow", dataFields: $0) })
        // In slices, so a million addresses never hold a million records at once.
        for slice in stride(from: 0, to: emails.count, by: Self.startSlice) {
            let first = DeliveryID.firstOfSequentialULIDs()
            let starts = emails[slice..<min(slice + Self.startSlice, emails.count)].enumerated().map { offset, email in
                PendingStart(id: DeliveryID.ulid(first, advancedBy: offset), email: email, origin: origin)
            }
            do {
                try store.saveJourneys(starts.map(\.entryRecord))
                enqueue(.stored(origin, first: first, count: starts.count))
                continue
            } catch {
                logger.error("could not store the journeys of \(workflowID): \(error)")
            }
            // Not stored: they run from memory, and a crash before they end loses them.
            for start in starts { enqueue(.start(start)) }
        }
        return true
    }

    /// Journeys ``start(workflowID:emails:dataFields:)`` stores per transaction.
    static let startSlice = 10_000

    /// Returns once no journey is running, waiting or queued and no delivery is under way.
    public func waitUntilIdle() async {
        await withCheckedContinuation { continuation in
            let idle = state.withLock { state -> Bool in
                if state.isIdle { return true }
                state.idleWaiters.append(continuation)
                return false
            }
            if idle { continuation.resume() }
        }
        recorder.flush()
        journeys.flush()
    }

    /// Stops starting new steps and frees this executor's outbox leases, so that the next start
    /// resumes what is left at once; journeys in flight finish their current request.
    public func stop() {
        state.withLock { $0.stopped = true }
        recorder.flush()
        journeys.flush()
        do { try store.releaseLeases(owner: leaseOwner.description) } catch {
            logger.error("could not release outbox leases: \(error)")
        }
    }

    // MARK: - Journeys

    /// Journeys running at once (not counting those asleep in a delay): four per delivery slot,
    /// so the deliverer always has work queued and no more.
    private var runningLimit: Int { max(4, limits.maxInFlight * 4) }

    private func enqueue(_ pending: Pending) {
        let admitted = state.withLock { state -> [Pending] in
            guard !state.stopped else { return [] }
            state.stats.journeysStarted += pending.count
            state.stats.journeysActive += pending.count
            state.stats.journeysPending += pending.count
            state.pending.append(pending)
            return admit(&state)
        }
        begin(admitted)
    }

    /// Takes pending journeys while fewer than ``runningLimit`` run; a stored run of them is
    /// split where the limit falls.
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
            if case .stored(let origin, let first, let count) = next, taken < count {
                admitted.append(.stored(origin, first: first, count: taken))
                state.pending[state.pendingHead] = .stored(
                    origin, first: DeliveryID.ulid(first, advancedBy: taken), count: count - taken)
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
            let starts = admitted.flatMap(startsReadingTheStore)
            // One read for every admitted journey's profile, one for the resumed ones' deliveries.
            let profiles = (try? store.users(emails: starts.map(\.email))) ?? [:]
            let earlier = earlierDeliveries(of: starts)
            for start in starts {
                let profile = profiles[start.email] ?? JSONObject([("email", .string(start.email))])
                var journey = Journey(
                    id: start.id, origin: start.origin, profile: profile, trigger: start.trigger,
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
                }
                if journey.resumed { journey.earlierDeliveries = earlier[journey.id] ?? [] }
                advance(&journey)
            }
        }
    }

    /// What the resumed journeys among `starts` sent before the restart, by journey id.
    private func earlierDeliveries(of starts: [PendingStart]) -> [String: [OutboxDelivery]] {
        let resumed = starts.filter {
            switch $0.stage {
            case .resumed, .woken(_, resumed: true): true
            default: false
            }
        }
        guard !resumed.isEmpty else { return [:] }
        do { return try store.deliveries(journeyIDs: resumed.map(\.id)) } catch {
            logger.error("could not read the deliveries of \(resumed.count) resumed journeys: \(error)")
            return [:]
        }
    }

    /// The journeys of an admitted piece, a stored run read back from the store. A journey that
    /// cannot be read gives its slot back; it stays stored at its entry step for ``resume()``.
    private func startsReadingTheStore(_ pending: Pending) -> [PendingStart] {
        guard case .stored(let origin, let first, let count) = pending else {
            if case .start(let start) = pending { return [start] }
            return []
        }
        var starts: [PendingStart] = []
        do {
            let last = DeliveryID.ulid(first, advancedBy: count - 1)
            starts = try store.journeyAddresses(from: first, through: last).map {
                PendingStart(id: $0.id, email: $0.email, origin: origin, stage: .stored)
            }
        } catch {
            logger.error("could not read \(count) queued journeys of \(origin.workflow.id): \(error)")
        }
        for _ in 0..<max(0, count - starts.count) {
            updateCounters { $0.stats.journeysActive -= 1 }
            releaseRunningSlot()
        }
        return starts
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

    /// Runs steps on the executor queue until the journey waits (delay, HTTP) or ends.
    func advance(_ journey: inout Journey) {
        dispatchPrecondition(condition: .onQueue(queue))
        while let nodeID = journey.nodeID {
            if state.withLock({ $0.stopped }) { return }
            guard let node = journey.workflow.node(id: nodeID) else {
                logger.warning("workflow \(journey.workflow.id): no node '\(nodeID)'")
                return finish(journey, .failed)
            }
            switch node.kind {
            case .callWebhook, .updateProfileWebhook:
                return deliverOrQueue(journey, node)
            case .delay(let duration):
                // The wake time is stored as the real instant, so a restart wakes the journey on time.
                let seconds = clock.realInterval(forWorkflowSeconds: duration.seconds)
                journeys.append(journey.record(.waiting, wakeAt: clock.now().addingTimeInterval(seconds)))
                releaseRunningSlot()
                // Asleep, a journey is a small value: its profile is read again when it wakes.
                wake(
                    PendingStart(
                        id: journey.id, email: journey.email, origin: journey.origin,
                        stage: .woken(at: node.next.target(for: "next"), resumed: journey.resumed)),
                    after: seconds)
                return
            case .yesNo(let condition):
                let outcome = condition.evaluate { journey.field($0) } ? "yes" : "no"
                journey.nodeID = node.next.target(for: outcome)
            case .sendEmail, .sendSMS, .sendPush:
                sendMessage(node, for: journey)
                journey.nodeID = node.next.target(for: "next")
            case .exit:
                journey.nodeID = nil
            }
        }
        finish(journey, .finished)
    }

    /// Admits a journey asleep in a delay again after `seconds`, ahead of the journeys not yet
    /// started.
    func wake(_ sleeper: PendingStart, after seconds: Double) {
        let deadline = DispatchTime.now() + max(0, seconds)
        let setTimer = state.withLock { state -> Bool in
            state.sleeping.insert(sleeper, wakingAt: deadline.uptimeNanoseconds)
            if let timer = state.wakeTimer, timer <= deadline.uptimeNanoseconds { return false }
            state.wakeTimer = deadline.uptimeNanoseconds
            return true
        }
        if setTimer { setWakeTimer(at: deadline) }
    }

    /// One timer for every sleeper: when it fires, the due ones are admitted and it is set again
    /// for the next. A timer set earlier for a later instant still fires, finds nothing or a
    /// few due, and stops.
    private func setWakeTimer(at deadline: DispatchTime) {
        queue.asyncAfter(deadline: deadline) { [self] in
            var next: DispatchTime?
            begin(state.withLock { state in
                if state.wakeTimer == deadline.uptimeNanoseconds { state.wakeTimer = nil }
                guard !state.stopped else { return [] }
                let due = state.sleeping.removeDue(by: DispatchTime.now().uptimeNanoseconds)
                state.woken += due
                state.stats.journeysPending += due.count
                if let earliest = state.sleeping.earliest, state.wakeTimer.map({ earliest < $0 }) ?? true {
                    state.wakeTimer = earliest
                    next = DispatchTime(uptimeNanoseconds: earliest)
                }
                return admit(&state)
            })
            if let next { setWakeTimer(at: next) }
        }
    }

    func finish(_ journey: Journey, _ status: JourneyRecord.Status) {
        journeys.append(journey.record(status))
        releaseRunningSlot()
        updateCounters {
            $0.stats.journeysActive -= 1
            $0.stats.journeysFinished += 1
        }
    }

    /// Changes counters and wakes ``waitUntilIdle()`` callers when nothing is left to do.
    func updateCounters(_ change: (inout State) -> Void) {
        let waiters = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            change(&state)
            guard state.isIdle else { return [] }
            defer { state.idleWaiters.removeAll() }
            return state.idleWaiters
        }
        for waiter in waiters { waiter.resume() }
    }
}

extension Executor.State {
    var isIdle: Bool { stats.journeysActive == 0 && detachedDeliveries == 0 }
}
