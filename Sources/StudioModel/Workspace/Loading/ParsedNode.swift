import Yams

/// A workflow node as read from its file, before its `next` targets are checked against
/// the other nodes of the workflow.
struct ParsedNode {
    /// One outgoing connection as written: the output name (nil for a plain `next: id`),
    /// the target id, and the node holding it for diagnostics.
    struct NextReference {
        var output: String?
        var target: String
        var node: Node
    }

    var id: String
    var idNode: Node?
    /// Nil when the node is too broken to run; its id still counts as defined.
    var kind: WorkflowNode.Kind?
    var next: [NextReference]
    var location: SourceLocation
}

/// The webhooks a workflow may refer to: every id declared in `webhooks/`, even in broken files.
struct WebhookCatalog {
    var declaredIDs: [String]
    var webhooks: [String: Webhook]
}
