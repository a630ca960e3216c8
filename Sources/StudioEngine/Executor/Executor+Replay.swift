import Foundation
import StudioModel

extension Executor {
    /// Why a delivery cannot be replayed.
    public enum ReplayError: Error, Sendable, Hashable, CustomStringConvertible {
        case unknownDelivery(String)
        /// The id is a test send's: it shows in the traffic and the logs, but it has no outbox row.
        case testSend(String, webhook: String?, user: String?)
        /// Its step failed before the delivery was stored (its webhook did not load), so there
        /// is no request to send again; the failed attempt shows in the traffic and the logs.
        case neverMade(String, webhook: String?, workflow: String?, user: String?)
        /// Still pending or retrying: cancel it first, or let it settle.
        case stillUnderway(String)
        case webhookGone(delivery: String, webhook: String)

        public var description: String {
            switch self {
            case .unknownDelivery(let id): "no delivery '\(id)' in the store"
            case .testSend(let id, let webhook, let user):
                "'\(id)' is a test send, not a delivery, so it has nothing to replay; "
                    + "hookline send \(webhook ?? "WEBHOOK") --user \(user ?? "EMAIL") sends another"
            case .neverMade(let id, let webhook, let workflow, let user):
                "'\(id)' was never sent: webhook '\(webhook ?? "?")' did not load when its step ran, so nothing was stored "
                    + "to send again; once it loads, run \(workflow ?? "the workflow") again for \(user ?? "the user")"
            case .stillUnderway(let id): "delivery \(id) is still being delivered; cancel it first"
            case .webhookGone(let id, let webhook): "delivery \(id): webhook '\(webhook)' no longer exists"
            }
        }
    }

    /// Sends a settled delivery once more (delivery.md §8.10): the same `webhook-id`, rendered
    /// from its stored snapshot (the user's data when it was made) with the webhook as it is now
    /// — so a template fixed since the failure is used; unchanged, the body bytes are the same —
    /// and a new timestamp and signature. A failed replay does not start an automatic schedule.
    /// - Returns: Whether the replay succeeded.
    public func replay(deliveryID: String, trigger: AttemptTrigger = .manual) async throws(ReplayError) -> Bool {
        guard let delivery = try? store.delivery(id: deliveryID) else {
            let attempts = (try? store.attempts(deliveryID: deliveryID)) ?? []
            if let test = attempts.last(where: { $0.trigger == .test }) {
                throw .testSend(deliveryID, webhook: test.webhookID, user: test.userEmail)
            }
            if let failed = attempts.last {
                throw .neverMade(deliveryID, webhook: failed.webhookID, workflow: failed.workflowID, user: failed.userEmail)
            }
            throw .unknownDelivery(deliveryID)
        }
        guard delivery.status.isSettled else { throw .stillUnderway(deliveryID) }
        guard var job = job(resuming: delivery) else {
            throw .webhookGone(delivery: deliveryID, webhook: delivery.webhookID)
        }
        job.delivery.nextAttemptAt = clock.now()
        job.trigger = trigger
        job.retry = RetryPolicy(schedule: .noRetries)
        return await perform(job, profile: nil).succeeded
    }

    /// What a bulk replay did.
    public struct ReplaySummary: Sendable, Hashable {
        public var succeeded = 0
        public var failed = 0
        /// Matching deliveries not replayed because the replay was cancelled.
        public var skipped = 0

        public init(succeeded: Int = 0, failed: Int = 0, skipped: Int = 0) {
            self.succeeded = succeeded
            self.failed = failed
            self.skipped = skipped
        }
    }

    /// Replays every settled delivery that matches `filter`, oldest first, at most
    /// `maxInFlight` at once (the per-host limit still applies). Cancelling the calling task stops
    /// it: replays under way finish, the rest are skipped.
    public func replay(matching filter: DeliveryFilter, maxInFlight: Int = 8) async throws -> ReplaySummary {
        let ids = try store.deliveries(matching: filter).filter(\.status.isSettled).map(\.id)
        return await forEach(ids, maxInFlight: maxInFlight) { [self] id in
            (try? await replay(deliveryID: id, trigger: .replay)) ?? false
        }
    }

    /// Lifts the pause of `webhookID` and sends the deliveries held meanwhile as this executor's
    /// own, oldest first, each with its normal retry schedule, under the per-host limit
    /// (delivery.md §8.10): ``waitUntilIdle()`` waits for them, and what a stop leaves is
    /// unsettled, for the next resume. Call it holding the workspace's executor lock
    /// (``Engine/resume(workflowIDs:holder:)``), so that no other process sends them as well.
    ///
    /// An executor in another process sees the pause lifted at its next delivery to the endpoint.
    /// - Returns: How many deliveries were held.
    public func releaseHeld(_ webhookID: String) throws -> Int {
        deliverer.resume(endpoint: webhookID)
        recorder.flush()
        let now = clock.now()
        let held = try store.claimHeldDeliveries(
            webhookID: webhookID, owner: leaseOwner.description, leaseUntil: now.addingTimeInterval(leaseSeconds), now: now)
        queue.sync { [self] in
            for delivery in held {
                guard let job = job(resuming: delivery) else {
                    logger.warning("delivery \(delivery.id): webhook '\(delivery.webhookID)' is not loaded; left for a later resume")
                    continue
                }
                runDetached(job)
            }
        }
        return held.count
    }

    /// Runs `body` for each id, at most `maxInFlight` at once; cancelling the calling task skips
    /// the ids not started yet.
    private func forEach(
        _ ids: [String], maxInFlight: Int, _ body: @escaping @Sendable (String) async -> Bool
    ) async -> ReplaySummary {
        var summary = ReplaySummary()
        await withTaskGroup(of: Bool.self) { group in
            var next = 0
            func addNext() {
                guard next < ids.count, !Task.isCancelled else { return }
                let id = ids[next]
                next += 1
                group.addTask { await body(id) }
            }
            for _ in 0..<max(1, maxInFlight) { addNext() }
            while let succeeded = await group.next() {
                if succeeded { summary.succeeded += 1 } else { summary.failed += 1 }
                addNext()
            }
            summary.skipped = ids.count - next
        }
        return summary
    }

    /// Cancels a delivery's scheduled retries, or a delivery held by a paused endpoint: no further
    /// attempts, status `cancelled`; a journey waiting for its retry goes on at once, on its
    /// step's error path.
    /// Works for deliveries of this executor and, through the store, of another process's.
    /// - Returns: false when the delivery is unknown or already settled.
    @discardableResult
    public func cancel(deliveryID: String) -> Bool {
        let task = state.withLock { state -> Task<Void, Never>? in
            guard let task = state.deliveryTasks[deliveryID] else { return nil }
            // Seen by its completion should it stop at a retry before the cancel reaches it.
            state.cancelledTasks.insert(deliveryID)
            return task
        }
        if let task {
            task.cancel()
            return true
        }
        // A delivery held by a paused endpoint is not sent when the endpoint is resumed.
        guard let delivery = try? store.delivery(id: deliveryID), !delivery.status.isSettled || delivery.status == .held
        else {
            // Settled meanwhile, by another process: what waits for its retry goes on.
            letGoOfWaiting(deliveryID)
            return false
        }
        let waited = state.withLock { $0.retryWaits[deliveryID]?.retryWait ?? $0.detachedRetryWaits[deliveryID] }
        recorder.settle(
            DeliverySettlement(
                deliveryID: deliveryID, status: .cancelled, attempts: max(delivery.attempts, waited?.attemptsMade ?? 0)))
        recorder.flush()
        // After the status is written: the journey woken reads it.
        letGoOfWaiting(deliveryID)
        return true
    }
}
