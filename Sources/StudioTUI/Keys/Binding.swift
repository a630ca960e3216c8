/// A stable name for something the user can do; tests press commands by id, so remapping keys
/// never breaks them.
public enum CommandID: String, Sendable, Hashable, CaseIterable {
    case help = "app.help"
    case palette = "app.palette"
    case quit = "app.quit"
    case closeOverlay = "app.close"
    case nextPane = "app.nextPane"
    case previousPane = "app.previousPane"
    case showWorkflows = "screen.workflows"
    case showWebhooks = "screen.webhooks"
    case showSystemWebhooks = "screen.systemWebhooks"
    case showUsers = "screen.users"
    case showTraffic = "screen.traffic"
    case redraw = "app.redraw"
    case suspend = "app.suspend"
    case problems = "app.problems"
    case moveDown = "nav.down"
    case moveUp = "nav.up"
    case pageDown = "nav.pageDown"
    case pageUp = "nav.pageUp"
    case top = "nav.top"
    case bottom = "nav.bottom"
    case open = "list.open"
    case toggleFollow = "traffic.toggleFollow"
    case replay = "traffic.replay"
    case filter = "traffic.filter"
    case export = "traffic.export"
    case copyCurl = "traffic.copyCurl"
    case filterToSelection = "traffic.filterToSelection"
    case edit = "definition.edit"
    case create = "definition.new"
    case testSend = "definition.testSend"
    case preview = "definition.preview"
    case run = "workflow.run"
    case editBody = "webhook.editBody"
    case undo = "app.undo"
    case findUser = "users.find"
    case addStep = "workflow.addStep"
    case deleteStep = "workflow.deleteStep"
    case connectStep = "workflow.connectStep"
    case moveStepDown = "workflow.moveStepDown"
    case moveStepUp = "workflow.moveStepUp"
    case saveBody = "body.save"
    case saveAndTestSend = "body.saveAndTestSend"
    case previewUser = "body.previewUser"
    case previewDown = "body.previewDown"
    case previewUp = "body.previewUp"
}

/// Where a binding is listed in the `?` help and when it is live.
public enum BindingGroup: String, Sendable, Hashable, CaseIterable {
    case global = "Global"
    case navigation = "Navigation"
    case workflows = "Workflows"
    case workflow = "Workflow"
    case webhooks = "Webhooks"
    case systemWebhooks = "System webhooks"
    case users = "Users"
    case traffic = "Traffic"
    case bodyEditor = "Body editor"
}

/// What a binding needs to apply beyond its pane (tui.md §6.1 `disabledReason`): while it is
/// missing the binding is hidden from the hint bar and pressing it says why
/// (``AppState/disabledReason(_:)``).
public enum BindingRequirement: Sendable, Hashable {
    /// A webhook to render: on the Webhooks screen one selected, in the tree a step that calls one.
    case webhookToRender
    /// This process runs the workspace's journeys (not `hookline serve` beside it).
    case executorHere
    /// A step selected in the tree that goes on: nothing comes after an Exit.
    case stepThatGoesOn
}

/// One row of the binding table, which drives dispatch, the hint bar and the help overlay.
public struct Binding: Sendable, Hashable, Identifiable {
    public var id: CommandID
    /// Keys that trigger it; the first one is shown in hints.
    public var keys: [KeyEvent]
    /// Help text.
    public var title: String
    /// Hint-bar text; nil keeps it out of the bar.
    public var short: String?
    public var group: BindingGroup
    public var showInBar: Bool
    /// Hidden and rejected in `--readonly`.
    public var dangerous: Bool
    /// In the hint bar only while the workspace has problems (files that did not load).
    public var onlyWithProblems: Bool
    /// What it needs to apply; nil: nothing beyond its pane.
    public var requires: BindingRequirement?

    public init(
        id: CommandID, keys: [KeyEvent], title: String, short: String? = nil, group: BindingGroup,
        showInBar: Bool = false, dangerous: Bool = false, onlyWithProblems: Bool = false, requires: BindingRequirement? = nil
    ) {
        self.id = id
        self.keys = keys
        self.title = title
        self.short = short
        self.group = group
        self.showInBar = showInBar
        self.dangerous = dangerous
        self.onlyWithProblems = onlyWithProblems
        self.requires = requires
    }

    /// The keys as shown in help: `j/↓`.
    public func keyLabel(ascii: Bool) -> String {
        keys.map { $0.displayName(ascii: ascii) }.joined(separator: "/")
    }
}
