import Foundation
import StudioModel

/// One user's pass through one workflow while it runs in memory.
struct Journey: Sendable {
    let id: String
    /// The workflow and trigger it started with, shared with the journeys of the same start.
    let origin: Executor.PendingStart.Origin
    var profile: JSONObject
    let trigger: TrackedEvent?
    var nodeID: String?
    /// Whether the journey was picked up again after a restart: its steps may already have
    /// deliveries in the outbox, which are resumed or reused instead of sent anew.
    var resumed = false
    /// The step the store already holds this journey at, running: a delivery from that step
    /// need not write the journey again.
    var storedRunningAt: String?
    /// For a resumed journey, the deliveries it made before the restart.
    var earlierDeliveries: [OutboxDelivery] = []
    /// Steps taken since the journey last slept (a delay): bounds a loop with no delay in it.
    var stepsSinceSleep = 0
    /// What the journey waited for at its current webhook step, which goes on from there.
    var waited: Executor.PendingStart.StepWait?

    init(
        id: String, origin: Executor.PendingStart.Origin, profile: JSONObject, trigger: TrackedEvent?, nodeID: String?
    ) {
        self.id = id
        self.origin = origin
        self.profile = profile
        self.trigger = trigger
        self.nodeID = nodeID
    }

    var workflow: Workflow { origin.workflow }

    var email: String { profile["email"]?.stringValue ?? trigger?.email ?? "" }

    /// What a step's templates render against: the trigger's data first, then the profile, then
    /// the journey's own fields (`workflowName`, `eventName`, …) as live data.
    func snapshot(at nodeID: String, now: Date) -> DeliverySnapshot {
        DeliverySnapshot(
            event: trigger?.dataFields ?? JSONObject(), profile: profile,
            liveData: JourneyFields.values(
                workflowID: workflow.id, workflowName: workflow.name, nodeID: nodeID, eventName: trigger?.name),
            now: now)
    }

    func record(_ status: JourneyRecord.Status, wakeAt: Date? = nil) -> JourneyRecord {
        JourneyRecord(
            id: id, workflowID: workflow.id, email: email, nodeID: nodeID, status: status, wakeAt: wakeAt,
            trigger: trigger)
    }

    /// A field for split conditions: trigger data first, then the profile.
    func field(_ path: String) -> JSONValue? {
        if let data = trigger?.dataFields, let value = lookupField(path, in: data) { return value }
        return lookupField(path, in: profile)
    }
}
