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
    struct State {
        var stats = ExecutorStats()
        /// Journeys not yet admitted, oldest first from `pendingHead`: admission is lazy so that
        /// starting a workflow for a million users holds no profiles or tasks for them.
        var pending: [Pending] = []
        var pendingHead = 0
        /// Journeys whose delay ended, admitted before ``pending`` so that they wake on time.
        var woken: [PendingStart] = []
        /// Journeys asleep in a delay.
        var sleeping = WakeSchedule<PendingStart>()
        /// Deliveries outside a journey asleep until a scheduled retry.
        var sleepingDeliveries = WakeSchedule<DetachedRetry>()
        /// Of ``sleepingDeliveries``, those not cancelled meanwhile, by delivery id.
        var detachedRetryWaits: [String: Deliverer.RetryWait] = [:]
        /// When the earliest timer set for ``sleeping`` and ``sleepingDeliveries`` fires; nil
        /// when none is set.
        var wakeTimer: UInt64?
        /// Admitted journeys that are not sleeping in a delay.
        var running = 0
        /// Deliveries outside a journey step: system webhooks, resumed orphans, replays.
        var detachedDeliveries = 0
        /// Step deliveries under way (sending, or waiting for the limiter's permit), per host.
        var hostDemand: [String: Int] = [:]
        /// Journeys whose webhook step waits for its busy host, first come first out, per host.
        var hostQueues: [String: HostQueue] = [:]
        /// Journeys taken from a host's queue, on their way to its step, per host.
        var hostTurnsInTransit: [String: Int] = [:]
        /// Journeys asleep until a scheduled retry of their step's delivery, by delivery id: a
        /// cancel wakes them at once, and their timer entry is then passed over.
        var retryWaits: [String: PendingStart] = [:]
        /// Entries of ``sleeping`` whose journeys a cancel woke: not asleep any more.
        var retrySleepersWokenEarly = 0
        /// Deliveries cancelled while their task ran: one that stopped at a retry meanwhile is
        /// not waited for.
        var cancelledTasks: Set<String> = []
        /// Cancels made by other processes were looked for up to here.
        var cancelsSeenUntil = Date()
        /// Deliveries under way, by id, so that they can be cancelled.
        var deliveryTasks: [String: Task<Void, Never>] = [:]
        /// New deliveries whose outbox rows are written together at the end of the queue's turn;
        /// while the store does not take them, they wait here and are tried again.
        var unstored: [UnstoredDelivery] = []
        /// Failed writes of ``unstored`` in a row.
        var outboxBackoff = StoreRetryBackoff()
        /// Journeys held at a step whose profile or list write the store did not take.
        var heldForStore = 0
        /// Failed profile and list writes of steps in a row.
        var profileBackoff = StoreRetryBackoff()
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
    /// Told what the store does not take: outbox rows, journeys (and, from the recorder, attempts).
    public let storeHealth: StoreHealth
    /// The secrets requests are rendered with; ``apply(secrets:)`` replaces them.
    private let currentSecrets: Mutex<[String: String]>
    let clock: any EngineClock
    /// Parsed templates, shared by request building and profile updates.
    let templates = TemplateCache()
    /// The event field types read so far, by event name. A type, once set, never changes, so a
    /// field found here is not read again: only fields new to this process cost a store read.
    private let eventFieldTypes = Mutex<[String: [String: ProfileMerge.FieldType]]>([:])
    let builder: RequestBuilder
    let logger: Logger
    let queue = DispatchQueue(label: "hookline.executor")
    let state = Mutex(State())
    /// Deliveries under way here that another process cancelled: not sent again. Apart from
    /// ``state``, which the executor queue holds often: every attempt asks, from its own thread.
    let cancelledElsewhere = Mutex<Set<String>>([])
    /// The holder of this executor's outbox leases.
    public let leaseOwner = LeaseOwner.current()

    /// - Parameter storeHealth: Told when the store does not take a write, and when it does
    ///   again; the recorder's should be the same.
    public init(
        workspace: Workspace, store: any StateStore, deliverer: Deliverer, recorder: AttemptRecorder,
        secrets: [String: String] = [:], clock: any EngineClock = ScaledClock(), storeHealth: StoreHealth? = nil,
        logger: Logger = Logger(label: "hookline.executor")
    ) {
        self.definitions = Mutex(workspace.runnable)
        self.builder = RequestBuilder(templates: templates)
        self.limits = workspace.settings.delivery
        self.store = store
        self.deliverer = deliverer
        self.recorder = recorder
        self.currentSecrets = Mutex(secrets)
        self.clock = clock
        self.logger = logger
        let health = storeHealth ?? StoreHealth(logger: logger)
        self.storeHealth = health
        // A batch that fails is written again with what came after it: the latest record of each journey wins.
        self.journeys = BatchWriter(
            label: "hookline.journeys", interval: .milliseconds(50), records: .journeys, health: health
        ) { batch in try store.saveJourneys(Self.latestPerJourney(batch)) }
        watchForCancelsElsewhere()
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

    /// Journeys asleep in a delay or until a retry of their step's delivery (`retrying` of
    /// them), and when the first of them wakes (in real time).
    public var sleepers: (count: Int, retrying: Int, nextWake: Date?) {
        let (count, retrying, earliest) = state.withLock {
            ($0.sleeping.count - $0.retrySleepersWokenEarly, $0.retryWaits.count, $0.sleeping.earliest)
        }
        let now = DispatchTime.now().uptimeNanoseconds
        let wake = earliest.map { Date().addingTimeInterval(Double($0 > now ? $0 - now : 0) / 1e9) }
        return (count, retrying, wake)
    }

    /// Deliveries waiting for a scheduled retry, in journeys and outside them (system webhooks,
    /// deliveries resumed after a restart): each a small value, not a task.
    public var deliveriesWaitingForRetry: Int {
        state.withLock { $0.retryWaits.count + $0.detachedRetryWaits.count }
    }

    /// The workflows, webhooks and settings in use.
    public var workspace: Workspace { definitions.withLock { $0 } }

    /// Runs from `workspace`'s workflows and webhooks from now on: journeys that start and steps
    /// that run afterwards see the edit; a request already rendered keeps its bytes. The settings
    /// (limits, network allowlist) stay as the executor started, since they size its pools.
    ///
    /// A workflow whose file has an error does not run (``Workspace/runnable``); a definition
    /// running now that `workspace` lacks because its file is broken keeps running as it was
    /// until the file loads again (``Workspace/keepingLastGood(from:)``).
    /// - Returns: The definitions kept that way.
    @discardableResult
    public func apply(_ workspace: Workspace) -> [KeptDefinition] {
        definitions.withLock { current in
            let lastGood = workspace.runnable.keepingLastGood(from: current)
            var updated = lastGood.workspace
            updated.settings = current.settings
            current = updated
            return lastGood.kept
        }
    }

    /// The secrets in use: requests rendered from now on read them.
    public var secrets: [String: String] { currentSecrets.withLock { $0 } }

    /// Renders requests with `secrets` from now on (the secrets file changed); a request already
    /// rendered keeps its bytes.
    public func apply(secrets: [String: String]) {
        currentSecrets.withLock { $0 = secrets }
    }

    /// Records an event (creating its user when the address is new) and starts a journey in every
    /// enabled workflow it triggers, unless the user has reached that workflow's entry limits. An
    /// event with the ``TrackedEvent/id`` of a stored one updates it and starts nothing: it is the
    /// same event sent again.
    ///
    /// The journeys are stored with the event, at their entry step, before this returns: once an
    /// event is accepted, a crash cannot lose the work it started (``resume()`` picks it up).
    /// - Throws: The store's error, when the event could not be stored: nothing was started.
    public func track(_ event: TrackedEvent) throws {
        try track([event])
    }

    /// Records events, and starts their journeys, as tracking each does, all in one transaction:
    /// when it throws, none of them was stored and nothing was started.
    /// A data field's value that can be read as the type the field keeps for its event name is
    /// written as it ("41" for a number field), as Iterable coerces it, so the journeys see what
    /// is stored.
    /// - Throws: ``EventFieldTypeConflict`` when a value cannot be, and the store's errors.
    public func track(_ events: [TrackedEvent]) throws {
        // One origin per workflow: each journey's trigger is stored with it, and read back when
        // it is admitted, so what waits behind a slow host is only the journey's id and address.
        let origins = workspace.workflows.filter(\.enabled).map { PendingStart.Origin(workflow: $0, trigger: .stored) }
        let entries = try coercingFieldTypes(of: events).map { event in
            (event: event, starts: origins.filter { $0.workflow.start == .event(event.name) }.map {
                PendingStart(email: event.email, origin: $0)
            })
        }
        enqueue(try storeEntries(entries).map(Pending.start))
    }

    /// `events` with their data fields written as the types their event names keep
    /// (``ProfileMerge/coercing(_:toTypesOf:fieldTypes:)``); the store is read only for fields
    /// whose type this process has not seen, once per event name.
    private func coercingFieldTypes(of events: [TrackedEvent]) throws -> [TrackedEvent] {
        var typesByName = eventFieldTypes.withLock { $0 }
        for (name, named) in Dictionary(grouping: events, by: \.name) {
            let known = typesByName[name] ?? [:]
            let unseen = Set(named.flatMap(\.dataFields.keys)).filter { known[$0] == nil }
            guard !unseen.isEmpty else { continue }
            let read = try store.eventFieldTypes(name, of: unseen)
            guard !read.isEmpty else { continue }
            typesByName[name, default: [:]].merge(read) { _, new in new }
            eventFieldTypes.withLock { $0[name, default: [:]].merge(read) { _, new in new } }
        }
        return events.map { event in
            guard let types = typesByName[event.name], !types.isEmpty else { return event }
            var coerced = event
            coerced.dataFields = ProfileMerge.coercing(event.dataFields, toTypesOf: JSONObject(), fieldTypes: types)
            return coerced
        }
    }

    /// Stores each entry's starts at their entry step, with its event as their trigger (all in
    /// one transaction), leaving out and counting those past their workflow's entry limits;
    /// returns the stored ones.
    private func storeEntries(_ entries: [(event: TrackedEvent, starts: [PendingStart])]) throws -> [PendingStart] {
        var limits: [String: WorkflowLimits] = [:]
        for entry in entries {
            for workflow in entry.starts.map(\.workflow) where !workflow.limits.isUnlimited {
                limits[workflow.id] = workflow.limits
            }
        }
        let records = entries.map { entry in entry.starts.map { $0.entryRecord(trigger: entry.event) } }
        let answers = try store.startJourneys(zip(entries, records).map { ($0.event as TrackedEvent?, $1) }, within: limits)
        // A nil answer: the event was stored before (a retry), so its journeys were started then.
        let starts = zip(entries, answers).flatMap { entry, answer in answer == nil ? [] : entry.starts }
        var stored = Set(answers.flatMap { $0 ?? [] }.map(\.id))
        if stored.count < starts.count, limits.values.contains(where: { $0.simultaneous != nil }) {
            // A journey that ended a moment ago may not be written as ended yet: write what is
            // pending and try the refused ones once more (the events are already stored).
            journeys.flush()
            let refused = zip(records, answers).flatMap { records, answer in answer == nil ? [] : records }
                .filter { !stored.contains($0.id) }
            stored.formUnion(try store.startJourneys(refused, within: limits, recording: nil)?.map(\.id) ?? [])
        }
        if stored.count < starts.count {
            state.withLock { $0.stats.journeysRefused += starts.count - stored.count }
        }
        return starts.compactMap { start in
            guard stored.contains(start.id) else { return nil }
            var entry = start
            entry.stage = .stored
            return entry
        }
    }

    /// Starts one journey of `workflowID` for each address, whatever the workflow's trigger,
    /// except for users who reached its entry limits.
    ///
    /// The journeys are stored at their entry step, all in one transaction, before any is
    /// queued, so the ones still queued when the process dies are started by ``resume()``.
    /// - Parameter dataFields: Data for the journeys' merge parameters (`{{dataFields.x}}`), as
    ///   Iterable's triggerWorkflow passes it; nil for none.
    /// - Returns: false when the workflow does not exist.
    /// - Throws: The store's error when the journeys could not be stored: none was started.
    @discardableResult
    public func start(workflowID: String, emails: [String], dataFields: JSONObject? = nil) throws -> Bool {
        try startCounting(workflowID: workflowID, emails: emails, dataFields: dataFields) != nil
    }

    /// ``start(workflowID:emails:dataFields:)``, telling how many journeys it started.
    /// - Returns: The journeys started: the addresses less those past the entry limits; nil when
    ///   the workflow does not exist.
    /// - Throws: As ``start(workflowID:emails:dataFields:)`` does.
    @discardableResult
    public func startCounting(workflowID: String, emails: [String], dataFields: JSONObject? = nil) throws -> Int? {
        try startCounting(workflowID: workflowID, for: .addresses(emails), dataFields: dataFields)?.started
    }

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

    /// Stops starting new steps and attempts and frees this executor's outbox leases, so that
    /// the next start resumes what is left at once. An attempt in flight goes on, and its record
    /// is written by ``writePendingRecords()`` (``Engine/shutdown(grace:)`` waits for it); a
    /// journey whose delivery did not settle stays stored at its step.
    public func stop() {
        halt()
        writePendingRecords()
    }

    /// The first half of ``stop()``: no step or attempt starts from now on.
    func halt() {
        state.withLock { $0.stopped = true }
        deliverer.stop()
    }

    /// Writes the attempts and journeys still waiting and frees this executor's leases on
    /// unsettled deliveries: the last step of a stop.
    /// - Returns: The records the store did not take (``StoreHealth/failures`` says why).
    @discardableResult
    public func writePendingRecords() -> Int {
        let unwritten = recorder.flush() + journeys.flush()
        do { try store.releaseLeases(owner: leaseOwner.description) } catch {
            logger.error("could not release outbox leases: \(error)")
        }
        return unwritten
    }

    /// Steps a journey may take between two delays; far more than any workflow written by hand.
    static let stepsWithoutSleepLimit = 1_000

    /// Real seconds of the shortest sleep written to the store: 5 × the journey batches' 50 ms.
    static let shortestStoredSleep: TimeInterval = 0.25

    /// Runs steps on the executor queue until the journey waits (delay, HTTP) or ends.
    func advance(_ journey: inout Journey) {
        dispatchPrecondition(condition: .onQueue(queue))
        while let nodeID = journey.nodeID {
            if state.withLock({ $0.stopped }) { return }
            guard let node = journey.workflow.node(id: nodeID) else {
                logger.warning("workflow \(journey.workflow.id): no node '\(nodeID)'")
                return finish(journey, .failed)
            }
            // `validate` refuses a loop without a delay; one that slips through (a file changed
            // under a running executor, a delay until a past date) must not spin for ever.
            journey.stepsSinceSleep += 1
            guard journey.stepsSinceSleep <= Self.stepsWithoutSleepLimit else {
                logger.error(
                    "journey \(journey.id) of \(journey.workflow.id) took \(Self.stepsWithoutSleepLimit) steps without a delay, at '\(nodeID)': ended as failed (a loop with no delay?)")
                return finish(journey, .failed)
            }
            switch node.kind {
            case .callWebhook, .updateProfileWebhook:
                return deliverOrQueue(journey, node)
            case .delay(let duration):
                return sleep(journey, for: duration.seconds, at: node)
            case .delayUntil(let delay):
                guard let date = delay.wakeDate(for: journey.field(delay.field)) else {
                    logger.info("journey \(journey.id): '\(delay.field)' holds no date; it goes on at once")
                    journey.nodeID = node.next.target(for: "next")
                    continue
                }
                let seconds = date.timeIntervalSince(clock.workflowNow())
                guard seconds > 0 else {
                    journey.nodeID = node.next.target(for: "next")
                    continue
                }
                return sleep(journey, for: seconds, at: node)
            case .yesNo(let condition):
                let outcome = condition.evaluate { journey.field($0) } ? "yes" : "no"
                journey.nodeID = node.next.target(for: outcome)
            case .abSplit(let shares):
                journey.nodeID = SplitShare.branch(of: shares, journeyID: journey.id, nodeID: node.id)
                    .flatMap { node.next.target(for: $0) }
            case .attributeSplit(let field, let branches):
                journey.nodeID = node.next.target(for: AttributeBranch.output(of: branches, for: journey.field(field)))
            case .updateProfile(let fields):
                do { try updateProfile(&journey, setting: fields, at: node.id) } catch { return hold(journey, after: error) }
                journey.nodeID = node.next.target(for: "next")
            case .addToList(let list), .removeFromList(let list):
                do { try updateList(list, for: journey, adding: node.kind == .addToList(list)) } catch {
                    return hold(journey, after: error)
                }
                journey.nodeID = node.next.target(for: "next")
            case .sendEmail, .sendSMS, .sendPush:
                sendMessage(node, for: journey)
                journey.nodeID = node.next.target(for: "next")
            case .exit:
                journey.nodeID = nil
            }
        }
        finish(journey, .finished)
    }

    /// Puts a journey to sleep for `workflowSeconds`, to go on after `node`.
    private func sleep(_ journey: Journey, for workflowSeconds: Double, at node: WorkflowNode) {
        // The wake time is stored as the real instant, so a restart wakes the journey on time. A
        // date in a profile field (delayUntil) may lie further ahead than the store can write.
        let seconds = min(clock.realInterval(forWorkflowSeconds: workflowSeconds), WorkflowDuration.longest)
        // A sleep shorter than that is not stored: its record, written in a batch, could land after
        // the step that follows it wrote the journey, and a restart would then take the journey
        // back to the delay and send that step's delivery twice (QA: `delay: 0s` then kill -9).
        // A restart within it goes on from the step stored before.
        if seconds >= Self.shortestStoredSleep {
            journeys.append(journey.record(.waiting, wakeAt: clock.now().addingTimeInterval(seconds)))
        }
        releaseRunningSlot()
        // Asleep, a journey is a small value: its profile is read again when it wakes.
        wake(
            PendingStart(
                id: journey.id, email: journey.email, origin: journey.origin,
                stage: .woken(at: node.next.target(for: "next"), resumed: journey.resumed)),
            after: seconds)
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

    /// Forgets a delivery's task, which ended; returns whether it was cancelled meanwhile, here
    /// or by another process (`cancelledElsewhere`, taken out of ``Executor/cancelledElsewhere``).
    mutating func endTask(of deliveryID: String, cancelledElsewhere: Bool) -> Bool {
        deliveryTasks[deliveryID] = nil
        return cancelledTasks.remove(deliveryID) != nil || cancelledElsewhere
    }

    /// When the first journey or delivery asleep wakes.
    var earliestWake: UInt64? {
        switch (sleeping.earliest, sleepingDeliveries.earliest) {
        case (let journey?, let delivery?): min(journey, delivery)
        case (let journey, let delivery): journey ?? delivery
        }
    }
}
