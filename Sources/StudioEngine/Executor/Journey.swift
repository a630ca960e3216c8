import Foundation
import StudioModel

/// One user's pass through one workflow while it runs in memory.
struct Journey: Sendable {
    let id: String
    let workflow: Workflow
    var profile: JSONObject
    let trigger: TrackedEvent?
    var nodeID: String?

    var email: String { profile["email"]?.stringValue ?? trigger?.email ?? "" }

    /// Merge parameters for a step: the trigger's data first, then the profile, then the journey's
    /// own fields (`workflowName`, `eventName`, …) as live data.
    func templateContext(at nodeID: String, secrets: [String: String]) -> TemplateContext {
        TemplateContext(
            event: trigger?.dataFields ?? JSONObject(), profile: profile,
            liveData: JourneyFields.values(
                workflowID: workflow.id, workflowName: workflow.name, nodeID: nodeID, eventName: trigger?.name),
            secrets: secrets)
    }

    func record(_ status: JourneyRecord.Status, wakeAt: Date? = nil) -> JourneyRecord {
        JourneyRecord(id: id, workflowID: workflow.id, email: email, nodeID: nodeID, status: status, wakeAt: wakeAt)
    }

    /// A field for split conditions: trigger data first, then the profile.
    func field(_ path: String) -> JSONValue? {
        if let data = trigger?.dataFields, let value = lookupField(path, in: data) { return value }
        return lookupField(path, in: profile)
    }
}
