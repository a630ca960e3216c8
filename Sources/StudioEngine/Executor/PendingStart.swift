import StudioModel

extension Executor {
    /// A journey waiting to be admitted. Small, since starting a workflow for a million users
    /// queues a million of them: what the journeys of one call share is held once, in ``Origin``,
    /// and a trigger of its own waits in the store, not here.
    struct PendingStart {
        var id = DeliveryID.ulid()
        var email: String
        var origin: Origin
        var stage = Stage.new

        /// What the journeys started by one call share.
        final class Origin: Sendable {
            let workflow: Workflow
            let trigger: Trigger

            init(workflow: Workflow, trigger: Trigger = .shared(nil)) {
                self.workflow = workflow
                self.trigger = trigger
            }
        }

        /// Where a queued journey's trigger is while it waits.
        enum Trigger: Sendable {
            /// One event for all the journeys of the call (a workflow started for many users with
            /// its data), or none; each journey's copy carries its own address.
            case shared(TrackedEvent?)
            /// Each journey's own (a tracked event's, or one stored before a restart), in its
            /// stored row: a backlog of queued events would otherwise hold every event's data
            /// fields in memory. Read back when the journey is admitted.
            case stored
        }

        enum Stage {
            /// Not in the store yet.
            case new
            /// ``entryRecord(trigger:)`` is in the store, so the entry step need not write it again.
            case stored
            /// A stored journey continued after a restart, from the step it was stored at.
            case resumed(at: String?)
            /// A journey that slept in a delay, going on from the step after it; its profile is
            /// read again, so it sees what changed meanwhile.
            case woken(at: String?, resumed: Bool)
            /// A journey that waited at a webhook step, for its host or for a scheduled retry,
            /// going on at that step; its profile is read again.
            case waited(StepWait)

            /// Whether the journey was picked up after a restart: its steps may have deliveries
            /// in the outbox already.
            var isResumed: Bool {
                switch self {
                case .new, .stored: false
                case .resumed: true
                case .woken(_, let resumed): resumed
                case .waited(let wait): wait.resumed
                }
            }
        }

        /// What a journey stopped at a webhook step waits for, without a task or a running slot:
        /// its turn at a busy host, or a scheduled retry of the step's delivery.
        struct StepWait: Sendable {
            var nodeID: String
            var resumed: Bool
            /// The host whose queue it waits in; nil when it waits for a retry.
            var host: String?
            /// The step's delivery, stopped at a scheduled retry, to go on with.
            var retry: (deliveryID: String, wait: Deliverer.RetryWait)?
        }

        var workflow: Workflow { origin.workflow }

        /// The retry its step's delivery waits for, when it waits for one.
        var retryWait: Deliverer.RetryWait? {
            guard case .waited(let wait) = stage else { return nil }
            return wait.retry?.wait
        }

        /// The shared trigger, with this journey's address; nil when there is none or it is stored.
        var sharedTrigger: TrackedEvent? {
            guard case .shared(var trigger?) = origin.trigger else { return nil }
            trigger.email = email
            return trigger
        }

        /// The journey as stored before it is queued: running, at the workflow's entry step.
        func entryRecord(trigger: TrackedEvent?) -> JourneyRecord {
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
        /// `count` journeys a restart found running, read from the store when admitted.
        case resumed(ResumeCursor, count: Int)

        var count: Int {
            switch self {
            case .start: 1
            case .stored(_, _, let count), .resumed(_, let count): count
            }
        }

        /// The first `taken` journeys of a run, and the rest; one journey is not split.
        func split(taking taken: Int) -> (taken: Pending, rest: Pending)? {
            guard taken > 0, taken < count else { return nil }
            switch self {
            case .start:
                return nil
            case .stored(let origin, let first, let count):
                return (
                    .stored(origin, first: first, count: taken),
                    .stored(origin, first: DeliveryID.ulid(first, advancedBy: taken), count: count - taken)
                )
            case .resumed(let cursor, let count):
                return (.resumed(cursor, count: taken), .resumed(cursor, count: count - taken))
            }
        }
    }
}
