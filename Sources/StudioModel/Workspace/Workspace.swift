/// Everything defined in a workspace folder, plus the problems found while reading it.
public struct Workspace: Sendable, Hashable {
    public var settings: WorkspaceSettings
    public var workflows: [Workflow]
    public var webhooks: [Webhook]
    public var systemWebhooks: [SystemWebhook]
    /// Problems from every file; a broken file never stops the others from loading.
    public var diagnostics: [Diagnostic]

    public init(
        settings: WorkspaceSettings = WorkspaceSettings(), workflows: [Workflow] = [], webhooks: [Webhook] = [],
        systemWebhooks: [SystemWebhook] = [], diagnostics: [Diagnostic] = []
    ) {
        self.settings = settings
        self.workflows = workflows
        self.webhooks = webhooks
        self.systemWebhooks = systemWebhooks
        self.diagnostics = diagnostics
    }

    public func workflow(id: String) -> Workflow? { workflows.first { $0.id == id } }
    public func webhook(id: String) -> Webhook? { webhooks.first { $0.id == id } }

    public var errors: [Diagnostic] { diagnostics.filter { $0.severity == .error } }
}
