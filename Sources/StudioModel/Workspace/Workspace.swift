/// Everything defined in a workspace folder, plus the problems found while reading it.
public struct Workspace: Sendable, Hashable {
    public var settings: WorkspaceSettings
    public var workflows: [Workflow]
    public var webhooks: [Webhook]
    public var systemWebhooks: [SystemWebhook]
    /// Problems from every file; a broken file never stops the others from loading.
    public var diagnostics: [Diagnostic]
    /// The file each definition was read from; filled by ``WorkspaceLoader``.
    public var sourcePaths: SourcePaths
    /// What reads well of each webhook and system webhook file that does not load, for the
    /// save-time checks (``webhookParts``); filled by ``WorkspaceLoader``.
    public var unloadedWebhookParts: [WebhookParts]
    /// Workflows whose file has an error now but which stay as they last loaded well, running:
    /// set by ``keepingLastGood(from:)``.
    public var lastGoodWorkflowIDs: Set<String> = []

    public init(
        settings: WorkspaceSettings = WorkspaceSettings(), workflows: [Workflow] = [], webhooks: [Webhook] = [],
        systemWebhooks: [SystemWebhook] = [], diagnostics: [Diagnostic] = [], sourcePaths: SourcePaths = SourcePaths(),
        unloadedWebhookParts: [WebhookParts] = []
    ) {
        self.settings = settings
        self.workflows = workflows
        self.webhooks = webhooks
        self.systemWebhooks = systemWebhooks
        self.diagnostics = diagnostics
        self.sourcePaths = sourcePaths
        self.unloadedWebhookParts = unloadedWebhookParts
    }

    public func workflow(id: String) -> Workflow? { workflows.first { $0.id == id } }
    public func webhook(id: String) -> Webhook? { webhooks.first { $0.id == id } }

    /// Attempts the schedule of webhook `id` allows (``Webhook/scheduledAttempts``); the standard
    /// schedule's for a system webhook, or one not loaded.
    public func scheduledAttempts(ofWebhook id: String?) -> Int {
        id.flatMap(webhook(id:))?.scheduledAttempts ?? Webhook.standardScheduledAttempts
    }

    public var errors: [Diagnostic] { diagnostics.filter { $0.severity == .error } }
}

// MARK: - Source paths

extension Workspace {
    /// Where each definition lives: id → path relative to the workspace root, such as
    /// `"lob-letter": "webhooks/lob-letter.yaml"`.
    public struct SourcePaths: Sendable, Hashable {
        /// Workflow id → `workflows/<file>.yaml`.
        public var workflows: [String: String]
        /// Webhook id → `webhooks/<file>.yaml`. Holds the id a broken file declares too (its
        /// `id:`, else its file name), so the file can be opened to fix it.
        public var webhooks: [String: String]
        /// System webhook id → `system-webhooks/<file>.yaml`.
        public var systemWebhooks: [String: String]

        /// Paths by id for each kind; all empty by default.
        public init(
            workflows: [String: String] = [:], webhooks: [String: String] = [:], systemWebhooks: [String: String] = [:]
        ) {
            self.workflows = workflows
            self.webhooks = webhooks
            self.systemWebhooks = systemWebhooks
        }
    }

    /// Path of the file that defines a workflow, relative to the root (`"workflows/welcome.yaml"`);
    /// nil when no loaded file defines it.
    public func path(ofWorkflow id: String) -> String? { sourcePaths.workflows[id] }

    /// Path of the file that defines a webhook, relative to the root (`"webhooks/lob-letter.yaml"`);
    /// also found when the file is broken but declares the id.
    public func path(ofWebhook id: String) -> String? { sourcePaths.webhooks[id] }

    /// Path of the file that defines a system webhook, relative to the root
    /// (`"system-webhooks/bi.yaml"`); nil when no loaded file defines it.
    public func path(ofSystemWebhook id: String) -> String? { sourcePaths.systemWebhooks[id] }
}
