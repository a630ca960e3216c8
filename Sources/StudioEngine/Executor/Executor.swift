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
    /// A journey waiting to be admitted.
    private struct PendingStart {
        var workflow: Workflow
        var email: String
        var trigger: TrackedEvent?
    }

    private struct State {
        var stats = ExecutorStats()
        /// Journeys not yet admitted, oldest first from `pendingHead`: admission is lazy so that
        /// starting a workflow for a million users holds a million small values, not a million
        /// profiles and tasks.
        var pending: [PendingStart] = []
        var pendingHead = 0
        /// Admitted journeys that are not sleeping in a delay.
        var running = 0
        var idleWaiters: [CheckedContinuation<Void, Never>] = []
        var stopped = false
    }

    private let workspace: Workspace
    private let store: any StateStore
    private let deliverer: Deliverer
    private let recorder: AttemptRecorder
    private let journeys: BatchWriter<JourneyRecord>
    private let secrets: [String: String]
    private let clock: any EngineClock
    private let builder = RequestBuilder()
    private let logger: Logger
    private let queue = DispatchQueue(label: "hookline.executor")
    private let state = Mutex(State())

    public init(
        workspace: Workspace, store: any StateStore, deliverer: Deliverer, recorder: AttemptRecorder,
        secrets: [String: String] = [:], clock: any EngineClock = ScaledClock(),
        logger: Logger = Logger(label: "hookline.executor")
    ) {
        self.workspace = workspace
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

    /// Records an event and starts a journey in every enabled workflow it triggers.
    public func track(_ event: TrackedEvent) {
        do { try store.recordEvent(event) } catch { logger.error("could not store event: \(error)") }
        for workflow in workspace.workflows where workflow.enabled && workflow.start == .event(event.name) {
            startJourney(workflow, email: event.email, trigger: event)
        }
    }

    /// Starts one journey of `workflowID` for each address, whatever the workflow's trigger.
    /// - Returns: false when the workflow does not exist.
    @discardableResult
    public func start(workflowID: String, emails: [String]) -> Bool {
        guard let workflow = workspace.workflow(id: workflowID) else { return false }
        for email in emails { startJourney(workflow, email: email, trigger: nil) }
        return true
    }

    /// Returns once no journey is running, waiting or queued.
    public func waitUntilIdle() async {
        await withCheckedContinuation { continuation in
            let idle = state.withLock { state -> Bool in
                if state.stats.journeysActive == 0 { return true }
                state.idleWaiters.append(continuation)
                return false
            }
            if idle { continuation.resume() }
        }
        recorder.flush()
        journeys.flush()
    }

    /// Stops starting new steps; journeys in flight finish their current request.
    public func stop() {
        state.withLock { $0.stopped = true }
        recorder.flush()
        journeys.flush()
    }

    // MARK: - Journeys

    /// Journeys running at once (not counting those asleep in a delay): four per delivery slot,
    /// so the deliverer always has work queued and no more.
    private var runningLimit: Int { max(4, workspace.settings.delivery.maxInFlight * 4) }

    private func startJourney(_ workflow: Workflow, email: String, trigger: TrackedEvent?) {
        let admitted = state.withLock { state -> [PendingStart] in
            guard !state.stopped else { return [] }
            state.stats.journeysStarted += 1
            state.stats.journeysActive += 1
            state.pending.append(PendingStart(workflow: workflow, email: email, trigger: trigger))
            return admit(&state)
        }
        begin(admitted)
    }

    /// Takes pending journeys while fewer than ``runningLimit`` run.
    private func admit(_ state: inout State) -> [PendingStart] {
        var admitted: [PendingStart] = []
        while state.running < runningLimit, state.pendingHead < state.pending.count {
            admitted.append(state.pending[state.pendingHead])
            state.pendingHead += 1
            state.running += 1
        }
        state.stats.journeysPending = state.pending.count - state.pendingHead
        if state.pendingHead > 1024, state.pendingHead * 2 > state.pending.count {
            state.pending.removeFirst(state.pendingHead)
            state.pendingHead = 0
        }
        return admitted
    }

    private func begin(_ starts: [PendingStart]) {
        guard !starts.isEmpty else { return }
        queue.async { [self] in
            // One read for every admitted journey's profile.
            let profiles = (try? store.users(emails: starts.map(\.email))) ?? [:]
            for start in starts {
                let profile = profiles[start.email] ?? JSONObject([("email", .string(start.email))])
                var journey = Journey(
                    id: UUID().uuidString.lowercased(), workflow: start.workflow, profile: profile,
                    trigger: start.trigger, nodeID: start.workflow.entryNode?.id)
                journeys.append(journey.record(.running))
                advance(&journey)
            }
        }
    }

    /// A running journey fell asleep in a delay or ended: admit the next pending one.
    /// Admission waits until this many slots are free, so that profiles are read in batches.
    private var admissionBatch: Int { max(1, runningLimit / 8) }

    private func releaseRunningSlot() {
        begin(state.withLock { state in
            state.running -= 1
            // Refill in batches; when nothing else runs, admit at once so work never stalls.
            guard state.running == 0 || state.running <= runningLimit - admissionBatch else { return [] }
            return admit(&state)
        })
    }

    /// Runs steps on the executor queue until the journey waits (delay, HTTP) or ends.
    private func advance(_ journey: inout Journey) {
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
                let seconds = clock.realInterval(forWorkflowSeconds: duration.seconds)
                journeys.append(
                    journey.record(.waiting, wakeAt: clock.now().addingTimeInterval(duration.seconds)))
                var waiting = journey
                waiting.nodeID = node.next.target(for: "next")
                let resumed = waiting
                releaseRunningSlot()
                queue.asyncAfter(deadline: .now() + seconds) { [self] in
                    state.withLock { $0.running += 1 }
                    var journey = resumed
                    advance(&journey)
                }
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

    private func finish(_ journey: Journey, _ status: JourneyRecord.Status) {
        journeys.append(journey.record(status))
        releaseRunningSlot()
        let waiters = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.stats.journeysActive -= 1
            state.stats.journeysFinished += 1
            guard state.stats.journeysActive == 0 else { return [] }
            defer { state.idleWaiters.removeAll() }
            return state.idleWaiters
        }
        for waiter in waiters { waiter.resume() }
    }

    // MARK: - Deliveries

    private func deliverOrQueue(_ journey: Journey, _ node: WorkflowNode) {
        state.withLock { $0.stats.deliveriesInFlight += 1 }
        Task { [self] in
            let (record, update) = await deliver(journey, node)
            queue.async { [self] in
                state.withLock { state in
                    state.stats.deliveriesInFlight -= 1
                    state.stats.attempts += 1
                    if !record.outcome.isSuccess { state.stats.failures += 1 }
                }
                var journey = journey
                if let update { journey.profile = update }
                journey.nodeID = nextNode(after: node, succeeded: record.outcome.isSuccess)
                advance(&journey)
            }
        }
    }

    private func nextNode(after node: WorkflowNode, succeeded: Bool) -> String? {
        if succeeded { return node.next.target(for: "next") }
        let onError: WorkflowNode.OnError
        switch node.kind {
        case .callWebhook(_, let value), .updateProfileWebhook(_, _, let value): onError = value
        default: onError = .exit
        }
        switch onError {
        case .exit: return nil
        case .continue: return node.next.target(for: "next")
        case .branch: return node.next.target(for: "error")
        }
    }

    /// Makes the node's request and records it; returns the updated profile for Update User Profile.
    private func deliver(_ journey: Journey, _ node: WorkflowNode) async -> (AttemptRecord, JSONObject?) {
        let origin = DeliveryClient.Origin(
            workflowID: journey.workflow.id, nodeID: node.id, webhookID: node.kind.webhookID,
            userEmail: journey.email)
        let deliveryID = DeliveryID.make(at: clock.now())
        guard let webhookID = node.kind.webhookID, let webhook = workspace.webhook(id: webhookID) else {
            let record = failedRecord(
                origin, deliveryID: deliveryID, errorClass: "config",
                message: "webhook '\(node.kind.webhookID ?? "")' is not defined")
            recorder.record(record)
            return (record, nil)
        }
        var mergeNested = false
        var emailQuery: String?
        if case .updateProfileWebhook(_, let merge, _) = node.kind {
            mergeNested = merge
            emailQuery = journey.email
        }
        let record: AttemptRecord
        do {
            let context = journey.templateContext(at: node.id, secrets: secrets)
            let request = try builder.build(
                webhook, context: context, secrets: secrets, deliveryID: deliveryID, appendEmailQuery: emailQuery)
            let options = try builder.deliveryOptions(for: webhook, context: context, secrets: secrets)
            let result = await deliverer.deliver(request, origin: origin, options: options)
            record = result.last ?? failedRecord(
                origin, deliveryID: deliveryID, errorClass: "endpoint_paused", message: "\(result.status)",
                method: webhook.method.rawValue, url: request.masked.url)
            if result.attempts.isEmpty { recorder.record(record) }
        } catch {
            record = failedRecord(
                origin, deliveryID: deliveryID, errorClass: "invalid_request", message: error.description,
                method: webhook.method.rawValue, url: webhook.url)
            recorder.record(record)
        }

        guard emailQuery != nil, record.outcome.isSuccess else { return (record, nil) }
        guard let answer = try? JSONValue.parse(record.responseBody).objectValue else { return (record, nil) }
        let merged = ProfileMerge.merge(answer, into: journey.profile, mergeNestedObjects: mergeNested)
        do { try store.saveUsers([merged]) } catch { logger.error("could not save profile: \(error)") }
        return (record, merged)
    }

    private func failedRecord(
        _ origin: DeliveryClient.Origin, deliveryID: String, errorClass: String, message: String,
        method: String = "", url: String = ""
    ) -> AttemptRecord {
        origin.record(
            deliveryID: deliveryID, at: clock.now(), method: method, url: url,
            outcome: .failed(errorClass: errorClass, message: message))
    }

    // MARK: - Messages and system webhooks

    /// Message nodes emit Iterable's send events, which go to the matching system webhooks.
    private func sendMessage(_ node: WorkflowNode, for journey: Journey) {
        let eventName: String
        switch node.kind {
        case .sendEmail: eventName = "emailSend"
        case .sendSMS: eventName = "smsSend"
        case .sendPush: eventName = "pushSend"
        default: return
        }
        let hooks = workspace.systemWebhooks.filter { $0.enabled && $0.triggeredSends && $0.events.contains(eventName) }
        guard !hooks.isEmpty else { return }
        let payload: JSONValue = [
            "email": .string(journey.email),
            "eventName": .string(eventName),
            "dataFields": [
                "email": .string(journey.email),
                "workflowId": .string(journey.workflow.id),
                "workflowName": .string(journey.workflow.name),
                "nodeId": .string(node.id),
                "createdAt": .string(clock.now().formatted(.iso8601)),
            ],
        ]
        for hook in hooks {
            let webhook = Webhook(
                id: hook.id, method: .post, url: hook.endpoint, auth: hook.auth, headers: hook.headers,
                body: .raw(template: "{{{payload}}}", contentType: "application/json"))
            let context = TemplateContext(event: JSONObject([("payload", .string(payload.jsonText))]))
            let origin = DeliveryClient.Origin(
                workflowID: journey.workflow.id, nodeID: node.id, webhookID: hook.id, userEmail: journey.email)
            let deliveryID = DeliveryID.make(at: clock.now())
            Task { [self] in
                do {
                    let request = try builder.build(webhook, context: context, secrets: secrets, deliveryID: deliveryID)
                    _ = await deliverer.deliver(request, origin: origin, options: Deliverer.Options(endpoint: hook.id))
                } catch {
                    recorder.record(
                        failedRecord(origin, deliveryID: deliveryID, errorClass: "invalid_request", message: "\(error)"))
                }
            }
        }
    }
}
