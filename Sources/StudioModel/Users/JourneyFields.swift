/// Merge parameters every journey provides besides the profile and the trigger's data:
/// `{{workflowId}}`, `{{workflowName}}`, `{{nodeId}}`, `{{eventName}}`.
public enum JourneyFields {
    public static let names: Set<String> = ["workflowId", "workflowName", "nodeId", "eventName"]

    /// The values for one step of a journey; looked up after trigger data and the profile.
    public static func values(workflowID: String, workflowName: String, nodeID: String, eventName: String?) -> JSONObject {
        var fields = JSONObject()
        fields["workflowId"] = .string(workflowID)
        fields["workflowName"] = .string(workflowName)
        fields["nodeId"] = .string(nodeID)
        if let eventName { fields["eventName"] = .string(eventName) }
        return fields
    }
}
