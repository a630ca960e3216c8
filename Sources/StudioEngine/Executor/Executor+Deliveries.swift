import Foundation
import StudioModel

extension Executor {
    /// A delivery to make: its outbox row, the webhook it calls and, for a workflow step, its node.
    struct DeliveryJob: Sendable {
        var delivery: OutboxDelivery
        var webhook: Webhook
        var node: WorkflowNode?
        /// Whether the row still has to be written; false when it was read from the store.
        var isNew: Bool
        var trigger: AttemptTrigger = .scheduled
        /// Replaces the webhook's retry policy (replays make one attempt).
        var retry: RetryPolicy?
    }

    struct DeliveryOutcome: Sendable {
        var succeeded: Bool
        /// The merged profile after a successful Update User Profile call.
        var profile: JSONObject?
        /// A successful Update User Profile call whose answer the store did not take into the
        /// profile: the journey is held until it does (``hold(_:after:retry:)``).
        var unmerged: (merge: @Sendable (inout Journey) throws -> Void, error: any Error)?
        /// The executor stopped before the delivery settled: it stays unsettled in the outbox,
        /// and its journey at this step, for the next start to go on from.
        var stopped = false
        /// Not sent: its endpoint is paused, and `hookline resume --endpoint` sends it.
        var held = false
        /// Not settled: stopped at a scheduled retry, to go on from here when it is due.
        var retryWait: Deliverer.RetryWait?
    }

    /// How long a lease outlives the attempt it covers: the deadline plus a margin (delivery.md §8.1).
    var leaseSeconds: TimeInterval { limits.timeout.seconds + 30 }

    /// A webhook step: goes on with the step's delivery stopped at a retry, resumes or reuses its
    /// earlier delivery after a restart, otherwise writes a new outbox row and sends it; the
    /// journey continues when the delivery settles. While the host has its share of deliveries
    /// under way, the journey waits in the host's queue instead (``waitsForHost(_:at:host:retry:)``).
    func deliverOrQueue(_ arriving: Journey, _ node: WorkflowNode) {
        dispatchPrecondition(condition: .onQueue(queue))
        let waited = arriving.waited
        var stepping = arriving
        stepping.waited = nil
        guard let job = stepJob(for: &stepping, at: node, retry: waited?.retry) else {
            // The step went on without a delivery: the host's next journey takes the turn.
            if let host = waited?.host { endHostTurn(at: host) }
            return
        }
        let journey = stepping
        let host = Deliverer.host(of: job.webhook.url)
        if let turn = waited?.host {
            endHostTurn(at: turn, refilling: turn != host)
        }
        let retry = job.isNew ? nil : waited?.retry
        if !job.isNew, retry == nil, job.delivery.nextAttemptAt > clock.now() {
            // Resumed after a restart with its retry still ahead: it sleeps until then, as one
            // stopped at its retry does, instead of waiting in a task with the journey's slot.
            return sleepUntilRetry(journey, at: node, deliveryID: job.delivery.id, wait: storedRetryWait(of: job.delivery))
        }
        if waited?.host != host, waitsForHost(journey, at: node, host: host, retry: retry) { return }

        state.withLock {
            $0.stats.deliveriesInFlight += 1
            $0.hostDemand[host, default: 0] += 1
        }
        let journeyRecord = journey.storedRunningAt == node.id ? nil : journey.record(.running)
        // The completion needs only the id: capturing the whole job would copy its webhook and snapshot.
        let deliveryID = job.delivery.id
        runWhenStored(job, journey: journeyRecord) { [self] in
            let outcome = await perform(job, profile: journey.profile, handsOffRetryWaits: true, resuming: retry?.wait)
            queue.async { [self] in
                let cancelled = state.withLock { state in
                    state.hostDemand[host, default: 1] -= 1
                    if state.hostDemand[host] == 0 { state.hostDemand[host] = nil }
                    state.stats.deliveriesInFlight -= 1
                    let cancelled = state.endTask(of: deliveryID, cancelledElsewhere: forgetCancelElsewhere(of: deliveryID))
                    if !outcome.stopped, outcome.retryWait == nil || cancelled { state.stats.count(outcome) }
                    return cancelled
                }
                takeHostTurns(at: host)
                // Not settled: the journey does not move past the step.
                guard !outcome.stopped else { return }
                var journey = journey
                if let wait = outcome.retryWait {
                    guard cancelled else { return sleepUntilRetry(journey, at: node, deliveryID: deliveryID, wait: wait) }
                    // Cancelled as it stopped at its retry: settled so, and the step fails now.
                    recorder.settle(DeliverySettlement(deliveryID: deliveryID, status: .cancelled, attempts: wait.attemptsMade))
                }
                if let profile = outcome.profile { journey.profile = profile }
                journey.nodeID = nextNode(after: node, succeeded: outcome.succeeded)
                if let unmerged = outcome.unmerged {
                    return hold(journey, after: unmerged.error, retry: unmerged.merge)
                }
                advance(&journey)
            }
        }
    }

    /// The delivery a journey's webhook step makes: the one stopped at `retry`, the one it made
    /// before a restart, or a new one. Nil when the step was dealt with otherwise: its webhook
    /// is gone, or its delivery settled meanwhile (the journey went on) or is another process's.
    private func stepJob(
        for journey: inout Journey, at node: WorkflowNode, retry: (deliveryID: String, wait: Deliverer.RetryWait)?
    ) -> DeliveryJob? {
        if let retry {
            guard let delivery = storedDelivery(retry.deliveryID, after: retry.wait) else {
                dropJourney()
                return nil
            }
            return job(continuing: delivery, of: journey, at: node, wait: retry.wait)
        }
        if journey.resumed, let earlier = stepDelivery(of: journey, at: node.id) {
            return job(continuing: earlier, of: journey, at: node)
        }
        guard let webhookID = node.kind.webhookID, let webhook = workspace.webhook(id: webhookID) else {
            let origin = DeliveryClient.Origin(
                workflowID: journey.workflow.id, nodeID: node.id, webhookID: node.kind.webhookID, userEmail: journey.email)
            recorder.record(
                origin.record(
                    deliveryID: DeliveryID.make(at: clock.now()), at: clock.now(), method: "", url: "",
                    outcome: .failed(errorClass: "config", message: "webhook '\(node.kind.webhookID ?? "")' is not defined")))
            state.withLock { $0.stats.count(DeliveryOutcome(succeeded: false)) }
            journey.nodeID = nextNode(after: node, succeeded: false)
            advance(&journey)
            return nil
        }
        return DeliveryJob(
            delivery: newDelivery(.step, journey: journey, nodeID: node.id, webhookID: webhook.id,
                snapshot: journey.snapshot(at: node.id, now: clock.now())),
            webhook: webhook, node: node, isNew: true)
    }

    /// A stored delivery of the step, sent again unless it settled (the journey goes on with
    /// its outcome) or another process holds its lease. A webhook gone meanwhile fails it (the
    /// journey takes the step's error path), unless a file of the workspace does not load: then
    /// it may be that file, and the journey looks again in ``webhookReloadWait`` seconds.
    /// - Parameter wait: The retry the delivery waited for, if it did.
    private func job(
        continuing delivery: OutboxDelivery, of journey: Journey, at node: WorkflowNode, wait: Deliverer.RetryWait? = nil
    ) -> DeliveryJob? {
        if delivery.status.isSettled {
            if wait != nil {
                // Settled while it waited here for its retry (a cancel): this process made its
                // attempts, so its run counts it.
                state.withLock {
                    $0.stats.count(DeliveryOutcome(succeeded: delivery.status == .succeeded, held: delivery.status == .held))
                }
            }
            continueAfterSettled(delivery, journey: journey, node: node)
            return nil
        }
        guard delivery.leaseOwner == leaseOwner.description else {
            logger.warning("journey \(journey.id): delivery \(delivery.id) is leased by another process, which goes on with it")
            dropJourney()
            return nil
        }
        if let resumed = job(resuming: delivery) { return resumed }
        if workspaceHasErrors {
            logger.warning("journey \(journey.id): webhook '\(delivery.webhookID)' is not loaded (a file has errors); trying again in \(Int(Self.webhookReloadWait)) s")
            var later = wait ?? storedRetryWait(of: delivery)
            later.nextAttemptAt = clock.now().addingTimeInterval(Self.webhookReloadWait)
            sleepUntilRetry(journey, at: node, deliveryID: delivery.id, wait: later)
            return nil
        }
        logger.warning("journey \(journey.id): webhook '\(delivery.webhookID)' no longer exists; delivery \(delivery.id) failed")
        recorder.settle(DeliverySettlement(deliveryID: delivery.id, status: .failed, attempts: delivery.attempts))
        state.withLock { $0.stats.count(DeliveryOutcome(succeeded: false)) }
        var journey = journey
        journey.nodeID = nextNode(after: node, succeeded: false)
        advance(&journey)
        return nil
    }

    /// How long a journey whose webhook's file does not load waits before it looks again.
    static let webhookReloadWait: TimeInterval = 30

    /// A journey this executor no longer runs (its delivery is another process's, or unreadable):
    /// it stays stored, for whoever resumes it.
    private func dropJourney() {
        releaseRunningSlot()
        updateCounters { $0.stats.journeysActive -= 1 }
    }

    /// A journey whose step's delivery stopped at a scheduled retry sleeps until it is due, as
    /// in a delay: a small value, with no task and no running slot, whatever the wait (5 s to
    /// 10 h) and however many wait (delivery.md §8.10).
    private func sleepUntilRetry(_ journey: Journey, at node: WorkflowNode, deliveryID: String, wait: Deliverer.RetryWait) {
        let sleeper = PendingStart(
            id: journey.id, email: journey.email, origin: journey.origin,
            stage: .waited(.init(nodeID: node.id, resumed: journey.resumed, retry: (deliveryID, wait))))
        state.withLock { $0.retryWaits[deliveryID] = sleeper }
        releaseRunningSlot()
        wake(sleeper, after: wait.nextAttemptAt.timeIntervalSince(clock.now()))
    }

    /// A new delivery waiting for its outbox row, and what runs it once the row is committed.
    struct UnstoredDelivery: Sendable {
        var job: DeliveryJob
        /// The journey's state at the step, written in the same transaction.
        var journey: JourneyRecord?
        var run: @Sendable () async -> Void
    }

    /// Runs `job` as a task that ``cancel(deliveryID:)`` can reach; a new delivery only once its
    /// outbox row is committed, so that nothing is sent that a restart would not find. The rows of
    /// every delivery that begins in one turn of the executor queue share one transaction, written
    /// on this queue: measured faster than handing the batch to another thread, and no delivery
    /// waits for a timer.
    func runWhenStored(_ job: DeliveryJob, journey: JourneyRecord?, _ run: @escaping @Sendable () async -> Void) {
        dispatchPrecondition(condition: .onQueue(queue))
        guard job.isNew else { return launch(job, run) }
        let first = state.withLock { state in
            state.unstored.append(UnstoredDelivery(job: job, journey: journey, run: run))
            // While the store fails, the next try is already set.
            return state.unstored.count == 1 && !state.outboxBackoff.isFailing
        }
        if first { queue.async { [self] in storeUnstored() } }
    }

    /// Writes the waiting outbox rows, with their journeys' steps, and sends them. When the
    /// store does not take them (a full disk), nothing is sent: they wait, their journeys at
    /// the step before, and are tried again after ``StoreRetryBackoff``'s wait, with the
    /// deliveries that began meanwhile. A stopped executor drops them unsent; the journeys go on
    /// from their stored step at the next start.
    private func storeUnstored() {
        dispatchPrecondition(condition: .onQueue(queue))
        let (batch, stopped) = state.withLock { state in
            defer { state.unstored.removeAll(keepingCapacity: true) }
            return (state.unstored, state.stopped)
        }
        guard !batch.isEmpty, !stopped else { return }
        do {
            try store.enqueueDeliveries(batch.map(\.job.delivery), journeys: batch.compactMap(\.journey))
        } catch {
            let wait = state.withLock { state in
                state.unstored.insert(contentsOf: batch, at: 0)
                return state.outboxBackoff.failed()
            }
            storeHealth.failed(.outbox, count: batch.count, error: error, retryIn: wait)
            queue.asyncAfter(deadline: .now() + wait) { [self] in storeUnstored() }
            return
        }
        if state.withLock({ $0.outboxBackoff.succeeded() }) { storeHealth.recovered(.outbox, count: batch.count) }
        for entry in batch { launch(entry.job, entry.run) }
    }

    private func launch(_ job: DeliveryJob, _ run: @escaping @Sendable () async -> Void) {
        // The task's completion runs on this queue, so it cannot remove the entry before it is added.
        // Made outside the lock: starting a task wakes a thread, which the lock's holder would
        // make every other thread wait for.
        let task = Task { await run() }
        state.withLock { $0.deliveryTasks[job.delivery.id] = task }
    }

    /// The step's delivery from before a restart, if it made one.
    private func stepDelivery(of journey: Journey, at nodeID: String) -> OutboxDelivery? {
        journey.earlierDeliveries.last { $0.kind == .step && $0.nodeID == nodeID }
    }

    /// A step whose delivery settled (before a restart, or cancelled while it waited for a
    /// retry) continues with that outcome, unsent.
    private func continueAfterSettled(_ delivery: OutboxDelivery, journey: Journey, node: WorkflowNode) {
        var journey = journey
        var succeeded = delivery.status == .succeeded
        var merge: (@Sendable (inout Journey) throws -> Void)?
        if succeeded, case .updateProfileWebhook(_, let nested, _) = node.kind,
            let record = (try? store.attempts(deliveryID: delivery.id))?.last
        {
            // The answer as stored, masked: all that is left of it after a restart.
            do {
                merge = try ProfileAnswer.object(in: ReceivedAnswer(stored: record)).map {
                    merging($0, from: record, nested: nested)
                }
            } catch {
                succeeded = false
            }
        }
        journey.nodeID = nextNode(after: node, succeeded: succeeded)
        if let merge {
            do { try merge(&journey) } catch { return hold(journey, after: error, retry: merge) }
        }
        advance(&journey)
    }

    func newDelivery(
        _ kind: OutboxDelivery.Kind, journey: Journey, nodeID: String, webhookID: String, snapshot: DeliverySnapshot
    ) -> OutboxDelivery {
        let now = clock.now()
        return OutboxDelivery(
            id: DeliveryID.make(at: now), kind: kind, journeyID: journey.id, workflowID: journey.workflow.id,
            nodeID: nodeID, webhookID: webhookID, email: journey.email, snapshot: snapshot, status: .sending,
            nextAttemptAt: now, leaseOwner: leaseOwner.description, leaseUntil: now.addingTimeInterval(leaseSeconds),
            createdAt: now)
    }

    /// A stored delivery made ready to send again: its webhook and, for a step, its node, from the
    /// workspace as it is now. Nil when the webhook no longer exists.
    func job(resuming delivery: OutboxDelivery) -> DeliveryJob? {
        let webhook: Webhook?
        switch delivery.kind {
        case .step: webhook = workspace.webhook(id: delivery.webhookID)
        case .system: webhook = workspace.systemWebhooks.first { $0.id == delivery.webhookID }?.webhook
        }
        guard let webhook else { return nil }
        let node = delivery.workflowID.flatMap { workspace.workflow(id: $0) }?.node(id: delivery.nodeID ?? "")
        return DeliveryJob(delivery: delivery, webhook: webhook, node: node, isNew: false)
    }

    /// A delivery outside a journey stopped at a scheduled retry: all that waits for it.
    struct DetachedRetry: Sendable {
        var deliveryID: String
        var wait: Deliverer.RetryWait
    }

    /// Runs a delivery that no journey waits for; ``waitUntilIdle()`` still waits for it. Until
    /// a scheduled retry it sleeps as a small value, not a task (``resendDetached(_:)``): a dead
    /// system webhook's thousands of send events hold no memory each for hours.
    func runDetached(_ job: DeliveryJob) {
        dispatchPrecondition(condition: .onQueue(queue))
        updateCounters { $0.detachedDeliveries += 1 }
        sendDetached(job, resuming: nil)
    }

    /// ``runDetached(_:)`` for a delivery already counted in ``State/detachedDeliveries``.
    private func sendDetached(_ job: DeliveryJob, resuming: Deliverer.RetryWait?) {
        let delivery = job.delivery
        if resuming == nil, !job.isNew, delivery.nextAttemptAt > clock.now() {
            // Resumed after a restart with its retry still ahead.
            return wake(
                DetachedRetry(deliveryID: delivery.id, wait: storedRetryWait(of: delivery)),
                after: delivery.nextAttemptAt.timeIntervalSince(clock.now()))
        }
        let deliveryID = delivery.id
        runWhenStored(job, journey: nil) { [self] in
            let outcome = await perform(job, profile: nil, handsOffRetryWaits: true, resuming: resuming)
            queue.async { [self] in
                let cancelled = state.withLock {
                    $0.endTask(of: deliveryID, cancelledElsewhere: forgetCancelElsewhere(of: deliveryID))
                }
                if let wait = outcome.retryWait {
                    guard cancelled else {
                        return wake(
                            DetachedRetry(deliveryID: deliveryID, wait: wait),
                            after: wait.nextAttemptAt.timeIntervalSince(clock.now()))
                    }
                    recorder.settle(DeliverySettlement(deliveryID: deliveryID, status: .cancelled, attempts: wait.attemptsMade))
                }
                updateCounters { state in
                    state.detachedDeliveries -= 1
                    guard !outcome.stopped else { return }
                    state.stats.count(outcome)
                }
            }
        }
    }

    /// A delivery outside a journey whose retry is due, read again from the store, sent again
    /// unless it settled meanwhile, another process holds it, or its webhook is gone (it stays
    /// stored for a later resume then).
    func resendDetached(_ retry: DetachedRetry) {
        dispatchPrecondition(condition: .onQueue(queue))
        if let delivery = storedDelivery(retry.deliveryID, after: retry.wait), !delivery.status.isSettled,
            delivery.leaseOwner == leaseOwner.description
        {
            if let job = job(resuming: delivery) { return sendDetached(job, resuming: retry.wait) }
            logger.warning("delivery \(delivery.id): webhook '\(delivery.webhookID)' is not loaded; left for a later resume")
        }
        updateCounters { $0.detachedDeliveries -= 1 }
    }

    /// A delivery that waited for its retry, read again from the store (a cancel or another
    /// process may have settled it meanwhile) and brought as far as `wait` says: its last
    /// attempts may not be written yet. Nil, logged, when the store cannot read it.
    private func storedDelivery(_ id: String, after wait: Deliverer.RetryWait) -> OutboxDelivery? {
        do {
            guard var delivery = try store.delivery(id: id) else { return nil }
            delivery.attempts = max(delivery.attempts, wait.attemptsMade)
            delivery.nextAttemptAt = wait.nextAttemptAt
            return delivery
        } catch {
            logger.error("could not read delivery \(id) to retry it: \(error); left for resume")
            return nil
        }
    }

    /// Where a stored delivery stopped in its retry policy, as its stored attempts show it: its
    /// immediate retries used no slot of the schedule, and the quick retry and the token refresh
    /// are made once per delivery, not once per process.
    func storedRetryWait(of delivery: OutboxDelivery) -> Deliverer.RetryWait {
        var immediate = ImmediateAttempts()
        do {
            immediate = try store.immediateAttempts(deliveryID: delivery.id)
        } catch {
            logger.error("could not read the attempts of delivery \(delivery.id): \(error); its retries count from its schedule alone")
        }
        return Deliverer.RetryWait(
            nextAttemptAt: delivery.nextAttemptAt, attemptsMade: delivery.attempts, immediateAttempts: immediate.count,
            quickRetried: immediate.quickRetried, refreshedToken: immediate.refreshedToken)
    }

    /// Renders a stored delivery's request with the secrets and sends it until it settles.
    /// - Parameters:
    ///   - handsOffRetryWaits: Stop at a scheduled retry (``DeliveryOutcome/retryWait``) instead
    ///     of waiting for it in this task.
    ///   - resuming: Where a delivery stopped at a scheduled retry goes on from.
    func perform(
        _ job: DeliveryJob, profile: JSONObject?, handsOffRetryWaits: Bool = false,
        resuming: Deliverer.RetryWait? = nil
    ) async -> DeliveryOutcome {
        let delivery = job.delivery
        let origin = DeliveryClient.Origin(
            workflowID: delivery.workflowID, nodeID: delivery.nodeID, webhookID: delivery.webhookID,
            userEmail: delivery.email, attempt: delivery.attempts + 1)
        var emailQuery: String?
        var mergeNested = false
        if case .updateProfileWebhook(_, let nested, _)? = job.node?.kind {
            emailQuery = delivery.email
            mergeNested = nested
        }
        // Iterable saves only a GET's answer (domain.md §2.4); `validate` warns of another method.
        let mergesAnswer = emailQuery != nil && profile != nil && job.webhook.method == .get
        let record: AttemptRecord
        var answer: ReceivedAnswer?
        let succeeded: Bool
        var held = false
        do {
            let context = delivery.snapshot.templateContext
            let request = try builder.build(
                job.webhook, context: context, secrets: secrets, deliveryID: delivery.id, appendEmailQuery: emailQuery)
            var options = try builder.deliveryOptions(for: job.webhook, context: context, secrets: secrets)
            options.inOutbox = true
            options.trigger = job.trigger
            if let retry = job.retry { options.retry = retry }
            // A delivery resumed after a restart goes on from where its stored attempts left its policy.
            options.resuming = resuming ?? (delivery.attempts > 0 ? storedRetryWait(of: delivery) : nil)
            let id = delivery.id
            options.isCancelled = { [weak self] in self?.isCancelledElsewhere(id) ?? false }
            options.handsOffRetryWaits = handsOffRetryWaits
            // An answer that cannot be merged fails its attempt, as recorded: a 200 with no
            // enrichment behind it read as a success in the traffic.
            if mergesAnswer { options.checkAnswer = ProfileAnswer.refusal(of:) }
            let result = await deliverer.deliver(request, origin: origin, options: options, notBefore: delivery.nextAttemptAt)
            if result.status == .stopped { return DeliveryOutcome(succeeded: false, stopped: true) }
            if case .awaitingRetry(let wait) = result.status { return DeliveryOutcome(succeeded: false, retryWait: wait) }
            succeeded = result.status == .succeeded
            answer = result.answer
            if let last = result.last {
                record = last
            } else {
                // The reason as text: interpolating the enum would store `held("endpoint … is paused…")`.
                let reason: String =
                    switch result.status {
                    case .held(let reason), .failed(let reason): reason
                    case .succeeded: "succeeded"
                    case .cancelled: "cancelled"
                    case .stopped: "stopped"
                    case .awaitingRetry: "waiting for a retry"
                    }
                var notSent = origin
                notSent.attempt = AttemptRecord.heldAttempt
                record = notSent.record(
                    deliveryID: delivery.id, at: clock.now(), method: job.webhook.method.rawValue,
                    url: request.masked.url, outcome: .failed(errorClass: "endpoint_paused", message: reason))
                if case .held = result.status {
                    held = true
                    recorder.record(record)
                }
            }
        } catch {
            succeeded = false
            record = origin.record(
                deliveryID: delivery.id, at: clock.now(), method: job.webhook.method.rawValue,
                // The URL as written: a literal credential in its query is hidden as in any attempt.
                url: SecretMasker(secretValues: []).maskURL(job.webhook.url),
                outcome: .failed(errorClass: "invalid_request", message: error.description))
            recorder.record(
                record, settling: DeliverySettlement(deliveryID: delivery.id, status: .failed, attempts: origin.attempt))
        }
        if case .failed(let errorClass, let reason) = record.outcome, errorClass == ProfileAnswer.unmergeableErrorClass {
            logger.warning(
                "\(job.webhook.id)'s answer for \(delivery.email ?? "a user"): \(reason); the step takes its error path")
        }
        guard succeeded, emailQuery != nil, let profile else { return DeliveryOutcome(succeeded: succeeded, held: held) }
        guard mergesAnswer else {
            logger.notice(
                "\(job.webhook.id) answered a \(job.webhook.method.rawValue) of an Update Profile step; only a GET's answer is merged into the profile")
            return DeliveryOutcome(succeeded: true)
        }
        // Read from the answer as received: its masked record would merge `••••••` for a value
        // that happens to equal a secret. The deliverer failed the attempt of one that cannot
        // be merged (``ProfileAnswer/refusal(of:)``).
        guard let answer, let object = try? ProfileAnswer.object(in: answer) else { return DeliveryOutcome(succeeded: true) }
        do {
            return DeliveryOutcome(
                succeeded: true, profile: try mergeAnswer(object, from: record, into: profile, nested: mergeNested))
        } catch {
            return DeliveryOutcome(succeeded: true, unmerged: (merging(object, from: record, nested: mergeNested), error))
        }
    }

    /// Merges an Update User Profile `answer` into a journey's profile (``mergeAnswer(_:from:into:nested:)``):
    /// the step's write, for ``hold(_:after:retry:)`` to make again.
    private func merging(
        _ answer: JSONObject, from record: AttemptRecord, nested: Bool
    ) -> @Sendable (inout Journey) throws -> Void {
        { [self] journey in journey.profile = try mergeAnswer(answer, from: record, into: journey.profile, nested: nested) }
    }

    /// Update User Profile: the JSON answer (``ProfileAnswer``) of `record` merged into the stored
    /// profile (Iterable's rules, a field keeping the type it has in the project), which is
    /// returned; what changed it meanwhile is kept.
    /// - Throws: The store's error when it did not take the merged profile.
    private func mergeAnswer(
        _ given: JSONObject, from record: AttemptRecord, into profile: JSONObject, nested: Bool
    ) throws -> JSONObject {
        let (answer, unreadable) = ProfileAnswer.withoutUnreadableNames(given)
        if !unreadable.isEmpty {
            logger.warning(
                "\(record.webhookID ?? "profile webhook") answered for \(record.userEmail ?? "a user") with fields whose name is empty, holds a '.' or a control character, left out: \(unreadable.joined(separator: ", "))")
        }
        let merged: JSONObject
        let refused: [ProfileMerge.FieldTypeConflict]
        if let email = profile["email"]?.stringValue {
            // A field keeps the type it was first stored with for any user of the project.
            (merged, refused) = try store.mergeKeepingTypes(answer, intoUser: email, mergeNestedObjects: nested)
            profileWriteStored()
        } else {
            (merged, refused) = ProfileMerge.mergeKeepingTypes(answer, into: profile, mergeNestedObjects: nested)
        }
        for conflict in refused {
            logger.warning(
                "\(record.webhookID ?? "profile webhook") answered for \(record.userEmail ?? "a user"): \(conflict); the field was left as it was")
        }
        return merged
    }

    func nextNode(after node: WorkflowNode, succeeded: Bool) -> String? {
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

    // MARK: - Messages and system webhooks

    /// Message nodes emit Iterable's send events, which go to the matching system webhooks.
    func sendMessage(_ node: WorkflowNode, for journey: Journey) {
        let eventName: String
        switch node.kind {
        case .sendEmail: eventName = "emailSend"
        case .sendSMS: eventName = "smsSend"
        case .sendPush: eventName = "pushSend"
        default: return
        }
        // Nothing to render when no system webhook takes the send, or its skip.
        let skipName = eventName + "Skip"
        guard workspace.systemWebhooks.contains(where: {
            $0.enabled && $0.triggeredSends && ($0.events.contains(eventName) || $0.events.contains(skipName))
        }) else { return }
        // After a restart, a message already handed to the outbox is not sent twice.
        if journey.resumed,
            journey.earlierDeliveries.contains(where: { $0.kind == .system && $0.nodeID == node.id })
        {
            return
        }
        let now = clock.now()
        var subject: String?
        var event: SystemEventPayload
        do {
            if case .sendEmail(let source, _) = node.kind {
                subject = try renderedSubject(source, of: journey, at: node.id, now: now)
            }
            event = SystemEventPayload(
                eventName: eventName, email: journey.email, workflow: journey.workflow, nodeID: node.id,
                emailSubject: subject, at: now)
        } catch {
            // Iterable does not send a message that fails to render: it logs a send skip
            // (domain.md §4.1), which goes to the webhooks that take `emailSendSkip`.
            logger.warning(
                "journey \(journey.id) (\(journey.email)): step \(node.id)'s subject did not render (\(error)): emailSendSkip, not emailSend")
            event = SystemEventPayload(
                skipOf: eventName, reason: "HandlebarsExecutionError", email: journey.email, workflow: journey.workflow,
                nodeID: node.id, at: now)
        }
        let hooks = workspace.systemWebhooks.filter {
            $0.enabled && $0.triggeredSends && $0.events.contains(event.eventName)
        }
        guard !hooks.isEmpty else { return }
        let snapshot = DeliverySnapshot(event: event.snapshotEvent, now: now)
        for hook in hooks {
            runDetached(
                DeliveryJob(
                    delivery: newDelivery(.system, journey: journey, nodeID: node.id, webhookID: hook.id, snapshot: snapshot),
                    webhook: hook.webhook, node: nil, isNew: true))
        }
    }

    /// An email's subject as the journey's step renders it, for the send event's `emailSubject`;
    /// nil when it reads a secret: the payload goes to another system.
    /// - Throws: The template's error when it does not parse or render (a `dateFormat` of a
    ///   value that is not a date): the message is skipped.
    private func renderedSubject(_ source: String, of journey: Journey, at nodeID: String, now: Date) throws -> String? {
        let context = journey.snapshot(at: nodeID, now: now).templateContext
        let template = try templates.template(source)
        guard template.secretNames.isEmpty else { return nil }
        return try template.render(context, mode: .text)
    }
}
