import Foundation
import Logging
import StudioModel
import Synchronization

/// Runs workflows for users: walks each journey through its nodes, calls webhooks, waits out
/// delays and records every attempt.
///
/// Journey steps run on one serial Dispatch queue that owns the executor's state; HTTP runs
/// concurrently, bounded by the workspace's `maxInFlight`. Deliveries beyond the bound wait in
/// a FIFO queue, so memory stays flat under bursts.
///
/// ```swift
/// let executor = Executor(workspace: workspace, store: store, client: client, recorder: recorder)
/// executor.track(TrackedEvent(email: "ada@example.com", name: "signup"))
/// await executor.waitUntilIdle()
/// ```
public final class Executor: Sendable {
    private struct State {
        var stats = ExecutorStats()
        var waitingForSlot: [(Journey, WorkflowNode)] = []
        var idleWaiters: [CheckedContinuation<Void, Never>] = []
        var stopped = false
    }

    private let workspace: Workspace
    private let store: any StateStore
    private let client: DeliveryClient
    private let recorder: AttemptRecorder
    private let journeys: BatchWriter<JourneyRecord>
    private let secrets: [String: String]
    private let clock: any EngineClock
    private let builder = RequestBuilder()
    private let logger: Logger
    private let queue = DispatchQueue(label: "hookline.executor")
    private let state = Mutex(State())

    public init(
        workspace: Workspace, store: any StateStore, client: DeliveryClient, recorder: AttemptRecorder,
        secrets: [String: String] = [:], clock: any EngineClock = ScaledClock(),
        logger: Logger = Logger(label: "hookline.executor")
    ) {
        self.workspace = workspace
        self.store = store
        self.client = client
        self.recorder = recorder
        self.secrets = secrets
        self.clock = clock
        self.logger = logger
        self.journeys = BatchWriter(label: "hookline.journeys", interval: .milliseconds(50)) { batch in
            do { try store.saveJourneys(batch) } catch { logger.error("could not store journeys: \(error)") }
        }
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

    private func startJourney(_ workflow: Workflow, email: String, trigger: TrackedEvent?) {
        let stopped = state.withLock { state -> Bool in
            guard !state.stopped else { return true }
            state.stats.journeysStarted += 1
            state.stats.journeysActive += 1
            return false
        }
        guard !stopped else { return }
        queue.async { [self] in
            let profile = (try? store.user(email: email)) ?? JSONObject([("email", .string(email))])
            var journey = Journey(
                id: UUID().uuidString.lowercased(), workflow: workflow, profile: profile, trigger: trigger,
                nodeID: workflow.entryNode?.id)
            journeys.append(journey.record(.running))
            advance(&journey)
        }
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
                queue.asyncAfter(deadline: .now() + seconds) { [self] in
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
        let hasSlot = state.withLock { state -> Bool in
            if state.stats.deliveriesInFlight < workspace.settings.delivery.maxInFlight {
                state.stats.deliveriesInFlight += 1
                return true
            }
            state.waitingForSlot.append((journey, node))
            state.stats.deliveriesQueued = state.waitingForSlot.count
            return false
        }
        if hasSlot { startDelivery(journey, node) }
    }

    private func startDelivery(_ journey: Journey, _ node: WorkflowNode) {
        Task { [self] in
            let (record, update) = await deliver(journey, node)
            queue.async { [self] in
                let next = state.withLock { state -> (Journey, WorkflowNode)? in
                    state.stats.attempts += 1
                    if !record.outcome.isSuccess { state.stats.failures += 1 }
                    guard !state.waitingForSlot.isEmpty else {
                        state.stats.deliveriesInFlight -= 1
                        return nil
                    }
                    defer { state.stats.deliveriesQueued = state.waitingForSlot.count }
                    return state.waitingForSlot.removeFirst()
                }
                if let (queuedJourney, queuedNode) = next { startDelivery(queuedJourney, queuedNode) }
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
            let request = try builder.build(
                webhook, context: journey.templateContext, secrets: secrets, deliveryID: deliveryID,
                appendEmailQuery: emailQuery)
            record = await client.send(request, origin: origin, timeout: webhook.timeout.map { .milliseconds(Int64($0.seconds * 1000)) })
        } catch {
            record = failedRecord(
                origin, deliveryID: deliveryID, errorClass: "template", message: error.description,
                method: webhook.method.rawValue, url: webhook.url)
        }
        recorder.record(record)

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
        AttemptRecord(
            startedAt: clock.now(), deliveryID: deliveryID, attempt: origin.attempt, workflowID: origin.workflowID,
            nodeID: origin.nodeID, webhookID: origin.webhookID, userEmail: origin.userEmail, method: method,
            url: url, outcome: .failed(errorClass: errorClass, message: message))
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
                "createdAt": .string(ISO8601DateFormatter().string(from: clock.now())),
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
                    recorder.record(await client.send(request, origin: origin))
                } catch {
                    recorder.record(
                        failedRecord(origin, deliveryID: deliveryID, errorClass: "template", message: "\(error)"))
                }
            }
        }
    }
}
