import Foundation
import StudioModel

extension Executor {
    /// What ``resume()`` picked up.
    public struct ResumeSummary: Sendable, Hashable {
        /// Journeys continued from where they were stored.
        public var journeys = 0
        /// Unsettled deliveries resent outside a journey (system webhooks, steps of ended journeys).
        public var deliveries = 0
        /// Of ``journeys``, those asleep in a delay, and when the last of them wakes.
        public var sleeping = 0
        public var lastWake: Date?
        /// Journeys and deliveries of other workflows, left for a later resume (``resume(workflowIDs:)``).
        public var leftForLater = 0
        /// Why some of what is stored could not be read or claimed (the store's errors): that
        /// part is left for a later resume.
        public var storeErrors: [String] = []

        /// What a command prints when it resumes: counts, and when sleepers keep it waiting.
        ///
        ///     resuming 3 journeys and 1 delivery outside a journey; 2 asleep in a delay, the last until 2026-12-01T09:00:00Z
        public var description: String {
            // A journey's own unsettled delivery is resent as the journey goes on: counted with it.
            var text = "resuming \(counted(journeys, "journey")) and \(counted(deliveries, "delivery", "deliveries")) outside a journey"
            if let lastWake, sleeping > 0 {
                text += "; \(sleeping) asleep in a delay, the last until \(lastWake.formatted(.iso8601))"
            }
            if leftForLater > 0 {
                text += "; \(leftForLater) of other workflows left for hookline resume"
            }
            return text
        }
    }

    /// Picks up what a previous run left (DESIGN §6): every running or waiting journey continues
    /// from its stored step, and every unsettled delivery whose lease is free (expired, or held
    /// by a process that exited) is resent with the same `webhook-id` at its stored
    /// `next_attempt_at` — at least once, nothing lost.
    ///
    /// Waits are recomputed from the stored UTC instants once, here; after that they run on the
    /// monotonic clock, so a wall-clock jump causes neither a burst nor a lost retry. The stored
    /// wake and next-attempt times are real instants, already scaled by the `--time-scale` of
    /// the run that stored them, so what is left of a delay or a retry wait is waited in real
    /// time: this executor's time scale applies to the delays and retries that start here.
    ///
    /// - Parameter workflowIDs: Resume only these workflows' journeys and deliveries; the others
    ///   stay stored for a later resume. `hookline run` and `events track` use it, so that running
    ///   one workflow neither waits out another's delays nor runs that one's next delays and
    ///   retries at its own `--time-scale`.
    @discardableResult
    public func resume(workflowIDs: Set<String>? = nil) -> ResumeSummary {
        queue.sync { [self] in resumeOnQueue(workflowIDs: workflowIDs) }
    }

    private func resumeOnQueue(workflowIDs only: Set<String>?) -> ResumeSummary {
        let now = clock.now()
        var claimed: [OutboxDelivery]
        do {
            claimed = try store.claimUnsettledDeliveries(
                owner: leaseOwner.description, leaseUntil: now.addingTimeInterval(leaseSeconds), now: now)
        } catch {
            logger.error("could not read what to resume: \(error)")
            return ResumeSummary(storeErrors: ["could not claim the unsettled deliveries: \(error)"])
        }
        var summary = ResumeSummary()
        if let only {
            // Their leases go when this executor stops (or exits), for the next resume to claim.
            let isOther = { (delivery: OutboxDelivery) in !only.contains(delivery.workflowID ?? "") }
            summary.leftForLater += claimed.filter(isOther).count
            claimed.removeAll(where: isOther)
        }
        // A claimed delivery is resent by its journey only when the journey goes on from that
        // delivery's step; one that moved past it (killed after the journey's next step was
        // stored, before the delivery settled) will not come back to it.
        let claimedSteps = Set(claimed.compactMap(ResumedStep.init(of:)))
        // Journeys stored from now on (an event tracked meanwhile) are already this executor's.
        let resumedAt = Date()
        let running = queueRunningJourneys(storedBy: resumedAt, only: only, summary: &summary)
        var continuing = steps(claimedSteps, goneOnFromBy: running.cursor)
        // One per workflow: the journeys' triggers are read from the store when they are admitted.
        var origins = running.cursor.origins
        // A page at a time, so a million stored journeys are never all read at once: the waiting
        // ones, and the running ones of workflows that are gone.
        for (status, workflowIDs) in [(JourneyRecord.Status.running, running.gone), (.waiting, nil)]
        where workflowIDs?.isEmpty != true {
            var after: String?
            while true {
                let page: [JourneyRecord]
                do {
                    page = try store.journeys(
                        status, of: workflowIDs, after: after, updatedBy: resumedAt, limit: Self.startSlice)
                } catch {
                    logger.error("could not read the \(status.rawValue) journeys to resume: \(error)")
                    summary.storeErrors.append("could not read the \(status.rawValue) journeys: \(error)")
                    break
                }
                guard let lastOfPage = page.last else { break }
                after = lastOfPage.id
                let chosen = only.map { only in page.filter { only.contains($0.workflowID) } } ?? page
                summary.leftForLater += page.count - chosen.count
                let starts = resumable(chosen, now: now, origins: &origins, summary: &summary)
                continuing.formUnion(starts.lazy.compactMap(ResumedStep.init(of:)).filter(claimedSteps.contains))
                enqueue(starts.map(Pending.start))
            }
        }

        // Deliveries whose journey will not reach them again are resent on their own.
        for delivery in claimed where ResumedStep(of: delivery).map(continuing.contains) != true {
            guard let job = job(resuming: delivery) else {
                // With a file that does not load, the webhook may only be unreadable for now.
                if workspaceHasErrors {
                    logger.warning("delivery \(delivery.id): webhook '\(delivery.webhookID)' is not loaded (a file has errors); left for a later resume")
                    summary.leftForLater += 1
                    continue
                }
                logger.warning("delivery \(delivery.id): webhook '\(delivery.webhookID)' no longer exists; marked failed")
                recorder.settle(DeliverySettlement(deliveryID: delivery.id, status: .failed, attempts: delivery.attempts))
                continue
            }
            summary.deliveries += 1
            runDetached(job)
        }
        if summary.journeys + summary.deliveries > 0 {
            // As ``ResumeSummary/description`` counts: a journey's own delivery goes with it.
            logger.info("resumed \(counted(summary.journeys, "journey")) and \(counted(summary.deliveries, "delivery", "deliveries")) outside a journey")
        }
        return summary
    }

    /// Queues the running journeys of the workflows that go on, counted, not read: they wait in
    /// the store and are read a page at a time as they are admitted (``ResumeCursor``), so a
    /// large backlog neither holds serving back nor fills memory.
    /// - Returns: Their cursor, and the workflows that are gone but have running journeys: those
    ///   are read here, to be marked failed or left for later.
    private func queueRunningJourneys(
        storedBy instant: Date, only: Set<String>?, summary: inout ResumeSummary
    ) -> (cursor: ResumeCursor, gone: [String]) {
        var counts: [String: Int] = [:]
        do { counts = try store.journeyCounts(.running, updatedBy: instant) } catch {
            logger.error("could not read the running journeys to resume: \(error)")
            summary.storeErrors.append("could not read the running journeys: \(error)")
        }
        var origins: [String: PendingStart.Origin] = [:]
        var gone: [String] = []
        var queued = 0
        for (workflowID, count) in counts {
            if let only, !only.contains(workflowID) {
                summary.leftForLater += count
            } else if let workflow = workspace.workflow(id: workflowID) {
                origins[workflowID] = PendingStart.Origin(workflow: workflow, trigger: .stored)
                queued += count
            } else {
                gone.append(workflowID)
            }
        }
        let cursor = ResumeCursor(origins: origins, storedBy: instant)
        summary.journeys += queued
        enqueue([.resumed(cursor, count: queued)])
        return (cursor, gone)
    }

    /// The steps of `claimed` that their journeys, queued in `cursor`, go on from, so that the
    /// journeys resend those deliveries; read from the claimed deliveries' journeys alone.
    private func steps(_ claimed: Set<ResumedStep>, goneOnFromBy cursor: ResumeCursor) -> Set<ResumedStep> {
        guard !claimed.isEmpty else { return [] }
        let journeys: [String: JourneyRecord]
        do { journeys = try store.journeys(ids: claimed.map(\.journeyID)) } catch {
            // Resent on their own then, and again by their journeys: twice rather than never.
            logger.error("could not read the journeys of \(counted(claimed.count, "claimed delivery", "claimed deliveries")): \(error)")
            return []
        }
        return claimed.filter { step in
            guard let journey = journeys[step.journeyID] else { return false }
            return journey.status == .running && journey.nodeID == step.nodeID && cursor.origins[journey.workflowID] != nil
        }
    }

    /// A journey's step, to match a resumed journey with the unsettled delivery of the step it
    /// goes on from.
    private struct ResumedStep: Hashable {
        var journeyID: String
        var nodeID: String?

        init?(of delivery: OutboxDelivery) {
            guard delivery.kind == .step, let journeyID = delivery.journeyID else { return nil }
            self.journeyID = journeyID
            nodeID = delivery.nodeID
        }

        init?(of start: PendingStart) {
            guard case .resumed(let nodeID) = start.stage else { return nil }
            journeyID = start.id
            self.nodeID = nodeID
        }
    }

    /// Whether a file of the workspace does not load: a definition missing then may be one
    /// whose file is broken for now, so what refers to it is left stored, not failed.
    var workspaceHasErrors: Bool { !workspace.errors.isEmpty }

    /// The journeys of `page` that go on: waiting ones asleep again until their stored wake time,
    /// running ones returned to be queued; a journey whose workflow is gone is marked failed.
    /// - Parameter origins: The origins of the journeys resumed so far, by workflow id, shared
    ///   with the journeys of `page`.
    private func resumable(
        _ page: [JourneyRecord], now: Date, origins: inout [String: PendingStart.Origin], summary: inout ResumeSummary
    ) -> [PendingStart] {
        var starts: [PendingStart] = []
        for stored in page {
            guard let workflow = workspace.workflow(id: stored.workflowID) else {
                // With a file that does not load, the workflow may only be unreadable for now.
                if workspaceHasErrors {
                    summary.leftForLater += 1
                    continue
                }
                logger.warning("journey \(stored.id): workflow '\(stored.workflowID)' no longer exists; marked failed")
                var failed = stored
                failed.status = .failed
                failed.updatedAt = now
                journeys.append(failed)
                continue
            }
            summary.journeys += 1
            let origin = origins[workflow.id] ?? PendingStart.Origin(workflow: workflow, trigger: .stored)
            origins[workflow.id] = origin
            if stored.status == .waiting, let wakeAt = stored.wakeAt, let node = workflow.node(id: stored.nodeID ?? "") {
                updateCounters {
                    $0.stats.journeysStarted += 1
                    $0.stats.journeysActive += 1
                }
                // A real instant: what is left is waited in real time, not scaled a second time.
                let seconds = min(max(0, wakeAt.timeIntervalSince(now)), WorkflowDuration.longest)
                summary.sleeping += 1
                summary.lastWake = max(summary.lastWake ?? .distantPast, now.addingTimeInterval(seconds))
                wake(
                    PendingStart(
                        id: stored.id, email: stored.email, origin: origin,
                        stage: .woken(at: node.next.target(for: "next"), resumed: true)),
                    after: seconds)
            } else {
                starts.append(
                    PendingStart(id: stored.id, email: stored.email, origin: origin, stage: .resumed(at: stored.nodeID)))
            }
        }
        return starts
    }
}
