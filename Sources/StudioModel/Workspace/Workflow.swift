/// A lifecycle workflow: a start trigger and a graph of nodes, from `workflows/<id>.yaml`.
public struct Workflow: Sendable, Hashable, Identifiable {
    public var id: String
    public var name: String
    public var enabled: Bool
    public var start: WorkflowStart
    public var limits: WorkflowLimits
    /// Nodes in file order; the first one is where journeys begin.
    public var nodes: [WorkflowNode]

    public init(
        id: String, name: String, enabled: Bool = true, start: WorkflowStart = .manual,
        limits: WorkflowLimits = WorkflowLimits(), nodes: [WorkflowNode]
    ) {
        self.id = id
        self.name = name
        self.enabled = enabled
        self.start = start
        self.limits = limits
        self.nodes = nodes
    }

    public func node(id: String) -> WorkflowNode? { nodes.first { $0.id == id } }

    /// The node journeys begin at.
    public var entryNode: WorkflowNode? { nodes.first }
}

/// What puts a user into a workflow.
public enum WorkflowStart: Sendable, Hashable {
    /// A tracked event with this name (Iterable's "Event occurs").
    case event(String)
    /// `triggerWorkflow` through the ingest API.
    case api
    /// Every member of a list.
    case list(String)
    /// Started by hand from the studio or `hookline run`.
    case manual

    /// The event that starts the workflow, for `.event` starts.
    public var eventName: String? {
        if case .event(let name) = self { return name }
        return nil
    }

    public var summary: String {
        switch self {
        case .event(let name): "event \(name)"
        case .api: "api"
        case .list(let name): "list \(name)"
        case .manual: "manual"
        }
    }
}

/// Entry limits per user.
public struct WorkflowLimits: Sendable, Hashable {
    /// How many times one user may ever enter; nil is unlimited.
    public var lifetime: Int?
    /// How many journeys of one user may run at once; nil is unlimited.
    public var simultaneous: Int?

    public init(lifetime: Int? = nil, simultaneous: Int? = nil) {
        self.lifetime = lifetime
        self.simultaneous = simultaneous
    }

    /// Neither limit is set: every entry starts.
    public var isUnlimited: Bool { lifetime == nil && simultaneous == nil }
}
