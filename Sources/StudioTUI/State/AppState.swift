import Foundation
import StudioModel

/// Everything the studio shows, as one value; only ``reduce(_:_:)`` changes it.
public struct AppState: Sendable, Equatable {
    public var workspace: Workspace
    public var size: Size
    public var screen: Screen = .workflows
    public var focus: Pane = .workflows
    public var workflows = ListState()
    /// Selection among the rows of the selected workflow's tree.
    public var tree = ListState()
    public var webhooks = ListState()
    public var systemWebhooks = ListState()
    public var users = UsersState()
    /// First line shown of the details pane (a webhook's settings, a user's profile); back to 0
    /// when the selection or the screen changes.
    public var detailScroll = 0
    public var traffic = TrafficPaneState()
    public var log: TrafficLog
    public var showHelp = false
    /// The command palette, while it is open.
    public var palette: CommandPalette?
    /// First line of the help overlay shown, when it is taller than the screen.
    public var helpScroll = 0
    /// The attempt whose whole exchange is shown over the panes, if any.
    public var details: TrafficDetails?
    public var readonly: Bool
    public var ascii: Bool
    /// Whether a traffic source is attached (the header shows `● live` or `○ offline`).
    public var trafficConnected: Bool
    /// The clock the header's rate window ends at; advanced by `.tick`.
    public var now: Date
    /// Time zone for traffic timestamps.
    public var timeZone: TimeZone
    public var status: StatusMessage?
    /// Why the workspace's store no longer keeps anything, once the studio found out; the header
    /// says so from then on.
    public var storeLost: String?
    /// Why the store does not take writes now (a full disk), while it does not; the header says so.
    public var storeFailing: String?
    /// Where the caret stands in the line being typed in the hint row (or the palette): how many
    /// characters come after it. One line is typed at a time, so one caret serves every prompt.
    public var lineCursor = 0
    public var keyMap = KeyMap()
    /// A preview or test send waiting for the address of the user it is for (`p`, `t` in the tree).
    public var stepUserInput: StepUserInput?
    /// The address the last preview or test send was for, offered again by the next one.
    public var lastStepUser: String?
    /// A run of the selected workflow (`r`) waiting for whom it is for, as typed so far.
    public var runInput: RunInput?
    /// The secret store's values, masked wherever a definition shows them (they are never typed
    /// into a form either: a field holding one is left to `e`).
    public var secretValues: [String] = []
    /// The body editor, while it is open (`b` on the Webhooks screen).
    public var bodyEditor: BodyEditor?
    /// A list to choose from (`a`, `c` in the tree), while it is open.
    public var choice: Choice?
    /// A question waiting for `y` (`d` in the tree).
    public var confirmation: Confirmation?
    /// A form field's new value being typed.
    public var fieldInput: FieldInput?
    /// The problems of drafts not saved because they did not pass (`e`, `n`), by the file they
    /// are for: the hint row names the first, `!` lists them all.
    public var draftProblems: [String: DraftProblems] = [:]
    /// The step the tree selects when the next workspace arrives (after a node command).
    public var selectStepOnReload: String?
    /// The process that runs the workspace's journeys instead of this studio (`hookline serve
    /// (pid 412)`): runs and replays are its to make. Nil when this studio runs them.
    public var executorElsewhere: String?

    public init(
        workspace: Workspace, size: Size, readonly: Bool = false, ascii: Bool = false, trafficConnected: Bool = false,
        now: Date = Date(), timeZone: TimeZone = .current, logCapacity: Int = 10_000
    ) {
        self.workspace = workspace
        self.size = size
        self.readonly = readonly
        self.ascii = ascii
        self.trafficConnected = trafficConnected
        self.now = now
        self.timeZone = timeZone
        self.log = TrafficLog(capacity: logCapacity)
        // Files that did not load are missing from the lists: say so from the start.
        self.status = Problems.notice(workspace)
    }

    public var selectedWorkflow: Workflow? {
        let all = workspace.workflows
        return workflows.selected < all.count ? all[workflows.selected] : nil
    }

    /// The rows of the selected workflow's tree.
    var treeRows: [WorkflowTree.Row] {
        selectedWorkflow.map { WorkflowTree.rows(for: $0, in: workspace, glyphs: glyphs) } ?? []
    }

    /// The selected row of the tree, if it holds a step.
    var selectedTreeRow: WorkflowTree.Row? {
        let rows = treeRows
        return tree.selected < rows.count ? rows[tree.selected] : nil
    }

    public var selectedWebhook: Webhook? {
        let all = workspace.webhooks
        return webhooks.selected < all.count ? all[webhooks.selected] : nil
    }

    public var selectedSystemWebhook: SystemWebhook? {
        let all = workspace.systemWebhooks
        return systemWebhooks.selected < all.count ? all[systemWebhooks.selected] : nil
    }

    public var glyphs: Glyphs { ascii ? .ascii : .unicode }
}

/// The step (or, from the Webhooks screen, the webhook alone) a preview or test send is for and
/// the user's address as typed so far (empty: the first stored user).
public struct StepUserInput: Sendable, Equatable {
    public enum Purpose: Sendable, Equatable {
        case preview, testSend
    }

    public var purpose: Purpose
    public var webhookID: String
    /// The workflow and step it renders as; nil for the webhook alone.
    public var workflowID: String?
    public var nodeID: String?
    public var email: String
}

/// A run asked for with `r`: the workflow and, as typed, whom it is for.
public struct RunInput: Sendable, Equatable {
    public var workflowID: String
    public var text = ""

    /// Whom the typed text names: nothing is every user (or the workflow's own list when it
    /// starts from one), `list:NAME` a list's members, anything else one address, as users are
    /// stored and matched: lowercase (`Ada@Example.com` is `ada@example.com`).
    public func audience(startingFrom start: WorkflowStart) -> RunAudience {
        let text = text.trimmingCharacters(in: .whitespaces)
        if text.isEmpty {
            if case .list(let name) = start { return .list(name) }
            return .everyUser
        }
        if text.hasPrefix("list:") {
            return .list(String(text.dropFirst(5)).trimmingCharacters(in: .whitespaces))
        }
        return .user(EmailAddress.normalized(text))
    }
}

/// Whom a run from the studio starts journeys for.
public enum RunAudience: Sendable, Equatable, CustomStringConvertible {
    case everyUser
    case list(String)
    case user(String)

    public var description: String {
        switch self {
        case .everyUser: "every user"
        case .list(let name): "list \(name)"
        case .user(let email): email
        }
    }
}

extension RunAudience {
    /// The hint row's line once a run of `workflowID` for this audience is under way: the users
    /// asked for, how many journeys started and how many the entry limits kept out.
    /// - Parameter stored: Whether the one address asked for is a stored user; one that is not
    ///   runs as `hookline run` runs it, a new user whose profile is the address alone, and the
    ///   line says so (a typo would otherwise look like a run for the user meant).
    public func outcome(of workflowID: String, asked: Int, started: Int, stored: Bool = true) -> StatusMessage {
        func users(_ count: Int) -> String { count == 1 ? "1 user" : "\(count) users" }
        if asked == 0 { return StatusMessage("\(self) has nobody to run \(workflowID) for") }
        if case .user(let email) = self {
            let new = stored ? "" : " (no stored profile: a new user, the address alone)"
            return started > 0
                ? StatusMessage("started \(workflowID) for \(email)\(new)")
                : StatusMessage("\(email) is past the entry limits of \(workflowID): not started", level: .warning)
        }
        if started >= asked { return StatusMessage("started \(workflowID) for \(users(asked))") }
        if started == 0 {
            return StatusMessage(
                "started \(workflowID) for nobody: the entry limits kept out all \(users(asked))", level: .warning)
        }
        return StatusMessage(
            "started \(workflowID) for \(started) of \(users(asked)): the entry limits kept out \(asked - started)")
    }
}

/// Follow state and selection of the traffic pane (tui.md §4.1 follow rules).
public struct TrafficPaneState: Sendable, Equatable {
    /// Pinned to the newest record; new records scroll the pane.
    public var follow = true
    /// Selection by position in the log, 0 = oldest held.
    public var list = ListState()
    /// Records that arrived while not following.
    public var unseen = 0
    /// The filter in force, nil for none.
    public var filter: TrafficFilter?
    /// Sequence numbers of the held records the filter lets through, oldest first.
    var matches: [Int] = []
    /// The filter being typed after `/`; nil when not typing.
    public var filterInput: String?

    public init() {}
}

extension AppState {
    /// How many records the traffic pane lists: all held, or the filter's matches.
    public var trafficCount: Int { traffic.filter == nil ? log.count : traffic.matches.count }

    /// The record at a position of the traffic pane's list.
    public func trafficRecord(at position: Int) -> AttemptRecord? {
        guard traffic.filter != nil else { return log[position] }
        guard position >= 0, position < traffic.matches.count else { return nil }
        return log[traffic.matches[position] - log.firstSequence]
    }
}

/// The details overlay: one attempt and how far it is scrolled.
public struct TrafficDetails: Sendable, Equatable {
    public var record: AttemptRecord
    /// First line shown.
    public var scroll = 0
    /// The request as it would be sent, not sent: no response, nothing to replay.
    public var isPreview = false
    /// The answer's body decoded from its `Content-Encoding`, once the runtime has decoded it
    /// (``Effect/decodeResponse(_:)``); nil for an answer not coded, or not yet decoded.
    public var decoded: DecodedResponseContent?

    public init(record: AttemptRecord, isPreview: Bool = false) {
        self.record = record
        self.isPreview = isPreview
    }

    /// Whether `R` replays it: not a preview, and not a test send, which is no delivery.
    public var isReplayable: Bool { !isPreview && record.trigger != .test }
}

/// A one-line message in the hint row, cleared by the next key.
public struct StatusMessage: Sendable, Equatable {
    public enum Level: Sendable, Equatable { case info, warning, error }
    public var text: String
    public var level: Level
    public init(_ text: String, level: Level = .info) {
        self.text = text
        self.level = level
    }
}

extension AppState {
    /// Whether a line is being typed in the hint row or the palette, where ``lineCursor`` applies.
    var isTypingALine: Bool {
        fieldInput != nil || palette != nil || traffic.filterInput != nil || stepUserInput != nil || runInput != nil
            || users.findInput != nil || bodyEditor?.userInput != nil
    }

    /// Typing that `q` under the "terminal too small" notice would throw away: a form field's
    /// new value, or unsaved changes in the body editor.
    var hasUnsavedTyping: Bool { fieldInput != nil || bodyEditor?.isDirty == true }
}
