/// Workspace-wide settings from `hookline.yaml`.
public struct WorkspaceSettings: Sendable, Hashable {
    public var name: String
    public var delivery: DeliveryDefaults
    /// CIDRs and host names that webhooks may reach although private or loopback.
    public var networkAllowlist: [String]

    public init(name: String = "Hookline workspace", delivery: DeliveryDefaults = DeliveryDefaults(), networkAllowlist: [String] = []) {
        self.name = name
        self.delivery = delivery
        self.networkAllowlist = networkAllowlist
    }
}

/// Defaults every webhook inherits unless it overrides them.
public struct DeliveryDefaults: Sendable, Hashable {
    /// Connect timeout. Default: 5 s.
    public var connectTimeout: WorkflowDuration
    /// Deadline for one whole attempt. Default: 15 s.
    public var timeout: WorkflowDuration
    /// Requests in flight at once across all hosts. Default: 64.
    public var maxInFlight: Int
    /// Requests in flight at once per host, so one slow host cannot take every slot. Default: 4
    /// (delivery.md §8.10); raise it for a fast receiver that gets most of the traffic.
    public var maxInFlightPerHost: Int
    /// How long attempts and settled deliveries are kept in the store. Default: 30 days
    /// (delivery.md §8.10).
    public var retention: WorkflowDuration

    public init(
        connectTimeout: WorkflowDuration = WorkflowDuration(seconds: 5, text: "5s"),
        timeout: WorkflowDuration = WorkflowDuration(seconds: 15, text: "15s"),
        maxInFlight: Int = 64, maxInFlightPerHost: Int = 4,
        retention: WorkflowDuration = WorkflowDuration(seconds: 30 * 86_400, text: "30d")
    ) {
        self.retention = retention
        self.connectTimeout = connectTimeout
        self.timeout = timeout
        self.maxInFlight = maxInFlight
        self.maxInFlightPerHost = maxInFlightPerHost
    }
}
