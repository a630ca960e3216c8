/// The binding table and key resolution.
public struct KeyMap: Sendable, Hashable {
    public var bindings: [Binding]

    public init(bindings: [Binding] = KeyMap.defaultBindings) { self.bindings = bindings }

    /// The command a key triggers in a pane, or nil. Pane bindings win over navigation and global
    /// ones; dangerous bindings are skipped when `readonly`.
    public func command(for key: KeyEvent, focus: Pane, readonly: Bool) -> CommandID? {
        binding(for: key, focus: focus, readonly: readonly)?.id
    }

    /// The binding a key triggers in a pane, or nil, as ``command(for:focus:readonly:)`` finds it.
    public func binding(for key: KeyEvent, focus: Pane, readonly: Bool) -> Binding? {
        let order: [BindingGroup] = [focus.bindingGroup, .navigation, .global]
        for group in order {
            if let binding = bindings.first(where: {
                $0.group == group && $0.keys.contains(key) && !(readonly && $0.dangerous)
            }) {
                return binding
            }
        }
        return nil
    }

    /// The command a key triggers in one group alone (the body editor's), or nil.
    public func command(for key: KeyEvent, in group: BindingGroup, readonly: Bool) -> CommandID? {
        bindings.first { $0.group == group && $0.keys.contains(key) && !(readonly && $0.dangerous) }?.id
    }

    public func binding(_ id: CommandID) -> Binding? { bindings.first { $0.id == id } }

    /// Bindings for the hint bar, pane ones first, in table order; the problems list only when
    /// the workspace `hasProblems`.
    public func barBindings(focus: Pane, readonly: Bool, hasProblems: Bool = false) -> [Binding] {
        let visible = bindings.filter {
            $0.showInBar && !(readonly && $0.dangerous) && (hasProblems || !$0.onlyWithProblems)
        }
        let pane = visible.filter { $0.group == focus.bindingGroup }
        // The problems come right after help: the bar gives way from its end, and they matter.
        let problems = visible.filter(\.onlyWithProblems)
        let global = visible.filter { $0.group == .global && $0.id != .quit && !$0.onlyWithProblems }
        let nav = visible.filter { $0.group == .navigation }
        let quit = visible.filter { $0.id == .quit }
        return Array(global.prefix(1)) + problems + pane + nav + Array(global.dropFirst()) + quit
    }

    /// Bindings for one help section.
    public func bindings(in group: BindingGroup, readonly: Bool) -> [Binding] {
        bindings.filter { $0.group == group && !(readonly && $0.dangerous) }
    }

    public static let defaultBindings: [Binding] = [
        Binding(id: .help, keys: [.char("?")], title: "Show or hide this help", short: "help", group: .global, showInBar: true),
        Binding(id: .palette, keys: [.char(":"), .ctrl("p")], title: "Find a command by name and run it", group: .global),
        Binding(id: .nextPane, keys: [.tab], title: "Focus the next pane", short: "pane", group: .global, showInBar: true),
        Binding(id: .previousPane, keys: [.backTab], title: "Focus the previous pane", group: .global),
        Binding(id: .showWorkflows, keys: [.char("1")], title: "Show the workflows: list and tree", group: .global),
        Binding(id: .showWebhooks, keys: [.char("2")], title: "Show the webhooks and their settings", group: .global),
        Binding(
            id: .showSystemWebhooks, keys: [.char("3")], title: "Show the system webhooks (message events)", group: .global),
        Binding(id: .showUsers, keys: [.char("4")], title: "Show the stored users and their profiles", group: .global),
        Binding(id: .showTraffic, keys: [.char("5")], title: "Show the traffic on the whole screen", group: .global),
        Binding(id: .redraw, keys: [.ctrl("l")], title: "Redraw the screen", group: .global),
        Binding(
            id: .suspend, keys: [.ctrl("z")], title: "Suspend to the shell (fg comes back; unsaved text is kept)",
            group: .global),
        Binding(
            id: .problems, keys: [.char("!")],
            title: "List the workspace's problems as path:line:col; ⏎ on one opens its file in $EDITOR at that line",
            short: "problems", group: .global, showInBar: true, onlyWithProblems: true),
        Binding(
            id: .undo, keys: [.char("u")], title: "Undo the last change the studio saved to a file (again: redo it)",
            group: .global, dangerous: true),
        Binding(id: .closeOverlay, keys: [.escape], title: "Close the overlay", group: .global),
        Binding(id: .filter, keys: [.char("/")], title: "Filter the traffic", group: .global),
        Binding(id: .quit, keys: [.char("q"), .ctrl("c")], title: "Quit", short: "quit", group: .global, showInBar: true),
        Binding(id: .moveDown, keys: [.char("j"), .down], title: "Move down", short: "move", group: .navigation, showInBar: true),
        Binding(id: .moveUp, keys: [.char("k"), .up], title: "Move up", group: .navigation),
        Binding(id: .pageDown, keys: [.ctrl("d"), .pageDown], title: "Page down", group: .navigation),
        Binding(id: .pageUp, keys: [.ctrl("u"), .pageUp], title: "Page up", group: .navigation),
        Binding(id: .top, keys: [.char("g"), .home], title: "Go to the top", group: .navigation),
        Binding(id: .bottom, keys: [.char("G"), .end], title: "Go to the bottom (traffic: follow live)", group: .navigation),
        Binding(id: .open, keys: [.enter], title: "Show the selected workflow", short: "open", group: .workflows, showInBar: true),
        Binding(
            id: .edit, keys: [.char("e")], title: "Edit the workflow's file in $EDITOR",
            short: "edit", group: .workflows, showInBar: true, dangerous: true),
        Binding(
            id: .edit, keys: [.char("e")], title: "Edit the step's webhook (or workflow) in $EDITOR",
            short: "edit", group: .workflow, showInBar: true, dangerous: true),
        Binding(id: .create, keys: [.char("n")], title: "New workflow, in $EDITOR", short: "new", group: .workflows, showInBar: true, dangerous: true),
        Binding(
            id: .run, keys: [.char("r")], title: "Run the selected workflow now: for every user, a list (list:NAME) or one address",
            short: "run", group: .workflows, showInBar: true, dangerous: true, requires: .executorHere),
        Binding(id: .create, keys: [.char("n")], title: "New webhook, in $EDITOR", short: "new", group: .workflow, showInBar: true, dangerous: true),
        Binding(
            id: .preview, keys: [.char("p")], title: "Preview the step's request for a user you name, not sent",
            short: "preview", group: .workflow, showInBar: true, requires: .webhookToRender),
        Binding(
            id: .testSend, keys: [.char("t")], title: "Test send the step's webhook for a user you name: one attempt, shown whole",
            short: "test", group: .workflow, showInBar: true, dangerous: true, requires: .webhookToRender),
        Binding(
            id: .open, keys: [.enter], title: "The webhook's fields: ⏎ on one edits it, saved at once (read-only: its settings)",
            short: "fields", group: .webhooks, showInBar: true),
        Binding(
            id: .edit, keys: [.char("e")], title: "Edit the webhook's file in $EDITOR",
            short: "edit", group: .webhooks, showInBar: true, dangerous: true),
        Binding(id: .create, keys: [.char("n")], title: "New webhook, in $EDITOR", short: "new", group: .webhooks, showInBar: true, dangerous: true),
        Binding(
            id: .preview, keys: [.char("p")], title: "Preview the webhook's request for a user you name, not sent",
            short: "preview", group: .webhooks, showInBar: true, requires: .webhookToRender),
        Binding(
            id: .testSend, keys: [.char("t")], title: "Test send the webhook for a user you name: one attempt, shown whole",
            short: "test", group: .webhooks, showInBar: true, dangerous: true, requires: .webhookToRender),
        Binding(
            id: .editBody, keys: [.char("b")],
            title: "Edit the body template here, beside a live preview for a user and its JSON check",
            short: "body", group: .webhooks, showInBar: true, dangerous: true),
        Binding(id: .saveBody, keys: [.ctrl("s")], title: "Save the template into the webhook's file, checked first",
                short: "save", group: .bodyEditor, showInBar: true, dangerous: true),
        Binding(id: .saveAndTestSend, keys: [.ctrl("t")], title: "Save, then test send the webhook to the preview's user",
                short: "save+test", group: .bodyEditor, showInBar: true, dangerous: true),
        Binding(id: .previewUser, keys: [.ctrl("o")], title: "Render the preview for another user (an address)",
                short: "user", group: .bodyEditor, showInBar: true),
        Binding(id: .previewDown, keys: [.ctrl("f")], title: "Scroll the preview down", short: "preview", group: .bodyEditor, showInBar: true),
        Binding(id: .previewUp, keys: [.ctrl("b")], title: "Scroll the preview up", group: .bodyEditor),
        Binding(id: .closeOverlay, keys: [.escape], title: "Close the editor (asks first when there are unsaved changes)",
                short: "close", group: .bodyEditor, showInBar: true),
        Binding(
            id: .create, keys: [.char("n")], title: "New system webhook, in $EDITOR", short: "new", group: .systemWebhooks,
            showInBar: true, dangerous: true),
        Binding(
            id: .open, keys: [.enter], title: "Show the system webhook's settings", short: "open", group: .systemWebhooks,
            showInBar: true),
        Binding(
            id: .edit, keys: [.char("e")], title: "Edit the system webhook's file in $EDITOR",
            short: "edit", group: .systemWebhooks, showInBar: true, dangerous: true),
        Binding(id: .open, keys: [.enter], title: "Show the user's profile", short: "open", group: .users, showInBar: true),
        Binding(
            id: .findUser, keys: [.char("/")], title: "Find a user: the list from the first address starting with what you type",
            short: "find", group: .users, showInBar: true),
        Binding(
            id: .open, keys: [.enter], title: "The selected step's fields: ⏎ on one edits it, saved at once (read-only: shown)",
            short: "fields", group: .workflow, showInBar: true),
        Binding(
            id: .addStep, keys: [.char("a")], title: "Add a step after the selected one (on the start row: first)",
            short: "add", group: .workflow, showInBar: true, dangerous: true, requires: .stepThatGoesOn),
        Binding(
            id: .deleteStep, keys: [.char("d")], title: "Delete the selected step; what led to it leads where it led",
            short: "delete", group: .workflow, dangerous: true),
        Binding(
            id: .connectStep, keys: [.char("c")], title: "Connect the selected step: choose the step it leads to",
            short: "connect", group: .workflow, dangerous: true, requires: .stepThatGoesOn),
        Binding(id: .moveStepDown, keys: [.char("J")], title: "Move the selected step one place later", group: .workflow, dangerous: true),
        Binding(id: .moveStepUp, keys: [.char("K")], title: "Move the selected step one place earlier", group: .workflow, dangerous: true),
        Binding(
            id: .filterToSelection, keys: [.char("f")], title: "Filter the traffic to the selected workflow's requests",
            group: .workflows),
        Binding(
            id: .filterToSelection, keys: [.char("f")], title: "Filter the traffic to the selected workflow's requests",
            group: .workflow),
        Binding(
            id: .filterToSelection, keys: [.char("f")], title: "Filter the traffic to the selected webhook's requests",
            group: .webhooks),
        Binding(
            id: .filterToSelection, keys: [.char("f")], title: "Filter the traffic to the selected system webhook's requests",
            group: .systemWebhooks),
        Binding(
            id: .filterToSelection, keys: [.char("f")], title: "Filter the traffic to the selected user's requests",
            group: .users),
        Binding(id: .open, keys: [.enter], title: "Show the whole exchange of the selected attempt", short: "details", group: .traffic, showInBar: true),
        Binding(
            id: .replay, keys: [.char("R")], title: "Replay the selected delivery once: same webhook-id, current webhook",
            short: "replay", group: .traffic, showInBar: true, dangerous: true, requires: .executorHere),
        Binding(
            id: .filter, keys: [.char("/")], title: "Filter: status:5xx|503|err|ok|none method:POST host: user: webhook: workflow: id: re: text, ! inverts",
            short: "filter", group: .traffic, showInBar: true),
        Binding(
            id: .copyCurl, keys: [.char("y")],
            title: "Copy the selected attempt as a curl command, secrets masked (written to .hookline/exports)",
            group: .traffic),
        Binding(
            id: .export, keys: [.char("e")], title: "Export the listed attempts (the filter's matches) as HAR 1.2",
            group: .traffic),
        Binding(id: .bottom, keys: [.char("G"), .end], title: "Follow live traffic", short: "follow", group: .traffic, showInBar: true),
        Binding(id: .toggleFollow, keys: [.char("s")], title: "Toggle follow (auto-scroll)", group: .traffic),
    ]
}
