import StudioModel
import Testing

/// The studio's node commands rewrite only the lines of the steps they touch, and what they
/// write loads as the workflow the user asked for.
struct WorkflowNodeChangeTests {
    static let webhook = "id: lob-letter\nmethod: POST\nurl: https://api.lob.com/v1/letters\n"
    static let flow = """
        # Welcome.
        id: welcome
        start: {kind: event, event: signup}
        nodes:
          # Mail first.
          - id: send-letter
            type: callWebhook
            webhook: lob-letter
            next: wait
          # Give it time.
          - id: wait
            type: delay
            duration: 2d
            next: is-pro
          - id: is-pro
            type: yesNo
            condition: {all: [{field: plan, op: equals, value: pro}]}
            next: {yes: follow-up, no: exit}
          - id: follow-up
            type: sendEmail
            subject: "Hi"
            body: "Welcome"
        # The end.

        """

    static func load(_ text: String) -> Workspace {
        WorkspaceLoader.load(files: ["hookline.yaml": "name: t\n", "webhooks/lob-letter.yaml": webhook, "workflows/welcome.yaml": text])
    }

    static func apply(_ change: WorkflowNodeChange, to text: String = flow) throws -> (text: String, workflow: Workflow) {
        let workspace = load(text)
        try #require(workspace.workflow(id: "welcome") != nil)
        let changed = try change.applied(to: text, webhooks: workspace.webhooks)
        let loaded = load(changed)
        #expect(loaded.errors.isEmpty, "\(loaded.errors) in:\n\(changed)")
        return (changed, try #require(loaded.workflow(id: "welcome")))
    }

    /// Each step's id and where it goes (`output:target` for named outputs; the model leaves out
    /// outputs to `exit`), in file order.
    static func chain(_ workflow: Workflow) -> [String] {
        workflow.nodes.map { node in
            let next = switch node.next {
            case .none: ""
            case .single(let target): target
            case .branches(let branches): branches.sorted { $0.key > $1.key }.map { "\($0.key):\($0.value)" }.joined(separator: ",")
            }
            return "\(node.id)→\(next)"
        }
    }

    @Test func deletingAStepLinksWhatLedToItToWhereItLed() throws {
        let (text, workflow) = try Self.apply(.delete(node: "wait"))
        #expect(Self.chain(workflow) == ["send-letter→is-pro", "is-pro→yes:follow-up", "follow-up→"])
        #expect(!text.contains("Give it time") && !text.contains("duration: 2d"))
        #expect(text.hasPrefix("# Welcome.\n") && text.hasSuffix("# The end.\n"))
    }

    @Test func deletingTheFirstStepMakesTheNextOneFirst() throws {
        let (_, workflow) = try Self.apply(.delete(node: "send-letter"))
        #expect(workflow.entryNode?.id == "wait")
        #expect(Self.chain(workflow) == ["wait→is-pro", "is-pro→yes:follow-up", "follow-up→"])
    }

    @Test func deletingAStepABranchLedToSendsThatBranchToExit() throws {
        let (text, workflow) = try Self.apply(.delete(node: "follow-up"))
        #expect(Self.chain(workflow) == ["send-letter→wait", "wait→is-pro", "is-pro→"])
        #expect(text.contains("next: {yes: exit, no: exit}"))
    }

    @Test func aSplitIsNotDeletedOrMovedHere() {
        #expect(throws: WorkflowNodesText.Problem.self) {
            try WorkflowNodeChange.delete(node: "is-pro").applied(to: Self.flow, webhooks: [])
        }
        #expect(throws: WorkflowNodesText.Problem.self) {
            try WorkflowNodeChange.move(node: "wait", down: true).applied(to: Self.flow, webhooks: [])
        }
    }

    /// A split whose outputs all lead to one step (one just added) is deleted like any step:
    /// add then delete gives the file back. A webhook step's error output does not count.
    @Test(arguments: [WorkflowNodeChange.NewNodeKind.yesNo, .abSplit, .attributeSplit])
    func aSplitWhoseOutputsAgreeIsDeleted(kind: WorkflowNodeChange.NewNodeKind) throws {
        let before = try #require(Self.load(Self.flow).workflow(id: "welcome"))
        let (added, _) = try Self.apply(.add(kind, after: "send-letter"))
        let (text, _) = try Self.apply(.delete(node: kind.newID(in: before)), to: added)
        #expect(text == Self.flow)
    }

    @Test func aWebhookStepWithAnErrorOutputIsDeletedTowardsItsSuccesses() throws {
        var (text, _) = try Self.apply(.setOnError(node: "send-letter", to: .branch))
        (text, _) = try Self.apply(.connectOutput(node: "send-letter", output: "error", to: "follow-up"), to: text)
        let (_, workflow) = try Self.apply(.delete(node: "send-letter"), to: text)
        #expect(workflow.entryNode?.id == "wait")
        // A last step with only an error output: what led to it now ends, not at the error step.
        var (last, _) = try Self.apply(.setOnError(node: "send-letter", to: .branch), to: Self.flow.replacingOccurrences(of: "    next: wait\n", with: ""))
        (last, _) = try Self.apply(.add(.delay, after: nil), to: last)
        (last, _) = try Self.apply(.connectOutput(node: "send-letter", output: "error", to: "follow-up"), to: last)
        #expect(try #require(Self.load(last).workflow(id: "welcome")).node(id: "delay")?.next == .single("send-letter"))
        let (_, ended) = try Self.apply(.delete(node: "send-letter"), to: last)
        #expect(ended.node(id: "delay")?.next == NodeNext.none)
    }

    /// An output the file does not name leads to exit: a split whose written outputs agree but
    /// whose unwritten one exits is not deleted, or journeys that exited would go on.
    @Test func aSplitWithAnUnwrittenOutputIsNotDeletedTowardsTheWrittenOne() {
        let yesOnly = Self.flow.replacingOccurrences(of: "next: {yes: follow-up, no: exit}", with: "next: {yes: follow-up}")
        #expect(throws: WorkflowNodesText.Problem.self) {
            try WorkflowNodeChange.delete(node: "is-pro").applied(to: yesOnly, webhooks: [])
        }
    }

    @Test func connectingSetsAddsOrRemovesNext() throws {
        var (_, workflow) = try Self.apply(.connect(node: "send-letter", to: "is-pro"))
        #expect(workflow.node(id: "send-letter")?.next.targets == ["is-pro"])
        (_, workflow) = try Self.apply(.connect(node: "follow-up", to: "wait"))
        #expect(workflow.node(id: "follow-up")?.next.targets == ["wait"])
        let ended = try Self.apply(.connect(node: "wait", to: nil))
        #expect(ended.workflow.node(id: "wait")?.next.targets == [])
        #expect(!ended.text.contains("next: is-pro"))
    }

    @Test func connectingAnOutputChangesOnlyItsTarget() throws {
        var (text, workflow) = try Self.apply(.connectOutput(node: "is-pro", output: "no", to: "send-letter"))
        #expect(Self.chain(workflow) == ["send-letter→wait", "wait→is-pro", "is-pro→yes:follow-up,no:send-letter", "follow-up→"])
        #expect(text.contains("next: {yes: follow-up, no: send-letter}"))
        (text, workflow) = try Self.apply(.connectOutput(node: "is-pro", output: "yes", to: nil))
        #expect(text.contains("next: {yes: exit, no: exit}"))
        // Written as a block, with a comment: only the target changes.
        let block = Self.flow.replacingOccurrences(
            of: "next: {yes: follow-up, no: exit}", with: "next:\n      yes: follow-up  # the pros\n      no: exit")
        (text, workflow) = try Self.apply(.connectOutput(node: "is-pro", output: "no", to: "follow-up"), to: block)
        #expect(text.contains("      yes: follow-up  # the pros\n      no: follow-up\n"))
        #expect(Self.chain(workflow) == ["send-letter→wait", "wait→is-pro", "is-pro→yes:follow-up,no:follow-up", "follow-up→"])
        #expect(throws: WorkflowNodesText.Problem.self) {
            try WorkflowNodeChange.connectOutput(node: "wait", output: "yes", to: "follow-up").applied(to: Self.flow, webhooks: [])
        }
        // An output the file does not name yet (it exits) is added.
        let yesOnly = Self.flow.replacingOccurrences(of: "next: {yes: follow-up, no: exit}", with: "next: {yes: follow-up}")
        (text, workflow) = try Self.apply(.connectOutput(node: "is-pro", output: "no", to: "wait"), to: yesOnly)
        #expect(text.contains("    next: {yes: follow-up, no: wait}\n"), "\(text)")
        let blockYesOnly = Self.flow.replacingOccurrences(
            of: "next: {yes: follow-up, no: exit}", with: "next:\n      yes: follow-up  # the pros")
        (text, workflow) = try Self.apply(.connectOutput(node: "is-pro", output: "no", to: "wait"), to: blockYesOnly)
        #expect(text.contains("    next:\n      yes: follow-up  # the pros\n      no: wait\n"), "\(text)")
        #expect(Self.chain(workflow)[2] == "is-pro→yes:follow-up,no:wait")
        // A flow mapping over several lines is written anew, not given a block line.
        let multiline = Self.flow.replacingOccurrences(of: "next: {yes: follow-up, no: exit}", with: "next: {\n      yes: follow-up\n    }")
        (text, workflow) = try Self.apply(.connectOutput(node: "is-pro", output: "no", to: "wait"), to: multiline)
        #expect(Self.chain(workflow)[2] == "is-pro→yes:follow-up,no:wait", "\(text)")
        // A split with no next: at all gets one.
        let none = Self.flow.replacingOccurrences(of: "    next: {yes: follow-up, no: exit}\n", with: "")
        (text, workflow) = try Self.apply(.connectOutput(node: "is-pro", output: "yes", to: "follow-up"), to: none)
        #expect(text.contains("    next: {yes: follow-up}\n"), "\(text)")
        #expect(throws: WorkflowNodesText.Problem.self) {
            try WorkflowNodeChange.connectOutput(node: "is-pro", output: "yes", to: "is-pro").applied(to: Self.flow, webhooks: [])
        }
    }

    @Test func onErrorBranchGivesAWebhookStepAnErrorOutputAndTheOthersTakeItAway() throws {
        var (text, workflow) = try Self.apply(.setOnError(node: "send-letter", to: .branch))
        #expect(text.contains("    webhook: lob-letter\n    next: {ok: wait, error: exit}\n    onError: branch\n"), "\(text)")
        #expect(workflow.node(id: "send-letter")?.kind == .callWebhook(webhook: "lob-letter", onError: .branch))
        #expect(Self.load(text).diagnostics.isEmpty, "\(Self.load(text).diagnostics)")
        (text, workflow) = try Self.apply(.connectOutput(node: "send-letter", output: "error", to: "follow-up"), to: text)
        #expect(Self.chain(workflow).first == "send-letter→next:wait,error:follow-up")
        (text, workflow) = try Self.apply(.setOnError(node: "send-letter", to: .continue), to: text)
        #expect(text.contains("    webhook: lob-letter\n    next: wait\n    onError: continue\n"), "\(text)")
        #expect(Self.chain(workflow) == ["send-letter→wait", "wait→is-pro", "is-pro→yes:follow-up", "follow-up→"])
        #expect(Self.load(text).diagnostics.isEmpty, "\(Self.load(text).diagnostics)")
        // A step that led nowhere gets only its error output; back, and it leads nowhere again.
        #expect(throws: WorkflowNodesText.Problem.self) {
            try WorkflowNodeChange.setOnError(node: "follow-up", to: .branch).applied(to: Self.flow, webhooks: [])
        }
        // `branch` written by hand over a plain next: choosing it again writes the error output.
        let half = Self.flow.replacingOccurrences(of: "    webhook: lob-letter\n", with: "    webhook: lob-letter\n    onError: branch\n")
        (text, _) = try Self.apply(.setOnError(node: "send-letter", to: .branch), to: half)
        #expect(text.contains("    onError: branch\n    next: {ok: wait, error: exit}\n"), "\(text)")
        let ending = Self.flow.replacingOccurrences(of: "    next: wait\n", with: "")
        (text, workflow) = try Self.apply(.setOnError(node: "send-letter", to: .branch), to: ending)
        #expect(text.contains("    webhook: lob-letter\n    onError: branch\n    next: {error: exit}\n"), "\(text)")
        (text, workflow) = try Self.apply(.setOnError(node: "send-letter", to: .exit), to: text)
        #expect(text == ending.replacingOccurrences(of: "    webhook: lob-letter\n", with: "    webhook: lob-letter\n    onError: exit\n"))
    }

    /// The form writes the whole `next:` anew when a step stops branching on errors: the comment
    /// on the `next:` line stays, after a flow mapping or above a block one, and so does every
    /// comment on the lines the change leaves alone.
    @Test(arguments: [
        "    next: {ok: wait, error: exit}   # the end\n",
        "    next:   # the end\n      ok: wait\n      error: exit\n",
    ])
    func aCommentOnTheNextLineStaysWhenItsValueIsRewritten(branching: String) throws {
        let before = Self.flow.replacingOccurrences(
            of: "    webhook: lob-letter\n    next: wait\n", with: "    webhook: lob-letter\n    onError: branch\n" + branching)
        let (text, workflow) = try Self.apply(.setOnError(node: "send-letter", to: .continue), to: before)
        #expect(text == Self.flow.replacingOccurrences(
            of: "    next: wait\n", with: "    onError: continue\n    next: wait   # the end\n"))
        #expect(workflow.node(id: "send-letter")?.next == .single("wait"))
    }

    @Test func theOnlyStepIsNotDeleted() throws {
        let one = "id: welcome\nstart: {kind: event, event: signup}\nnodes:\n  - id: wait\n    type: delay\n    duration: 2d\n"
        let problem = #expect(throws: WorkflowNodesText.Problem.self) {
            try WorkflowNodeChange.delete(node: "wait").applied(to: one, webhooks: [])
        }
        #expect(problem?.description == "wait is the workflow's only step: add another first (a workflow needs one)")
    }

    /// Every step type can be added: what is written loads without a problem (`apply` checks) and
    /// every way out of the new step leads where the step before it led.
    @Test(arguments: WorkflowNodeChange.NewNodeKind.allCases)
    func everyStepTypeCanBeAddedAndLeadsOn(kind: WorkflowNodeChange.NewNodeKind) throws {
        let before = try #require(Self.load(Self.flow).workflow(id: "welcome"))
        let (_, workflow) = try Self.apply(.add(kind, after: "send-letter"))
        let added = try #require(workflow.nodes.first { $0.id == kind.newID(in: before) })
        #expect(!added.id.split(separator: "-").contains { $0.count == 1 }, "a readable id, not send-s-m-s: \(added.id)")
        #expect(workflow.node(id: "send-letter")?.next.targets == [added.id])
        #expect(Set(added.next.targets) == (kind == .exit ? [] : ["wait"]), "\(added)")
        #expect(added.kind.typeName == (kind == .delayUntil ? "delay" : kind.rawValue))
    }

    @Test func addingAStepPutsItInTheChain() throws {
        var (text, workflow) = try Self.apply(.add(.delay, after: "send-letter"))
        #expect(Self.chain(workflow).prefix(3) == ["send-letter→delay", "delay→wait", "wait→is-pro"])
        #expect(text.contains("  - id: delay\n    type: delay\n    duration: 1h\n    next: wait\n  # Give it time."))
        (_, workflow) = try Self.apply(.add(.callWebhook, after: nil), to: text)
        #expect(workflow.entryNode?.id == "call-webhook")
        #expect(workflow.node(id: "call-webhook")?.next.targets == ["send-letter"])
        (text, workflow) = try Self.apply(.add(.delay, after: "follow-up"), to: text)
        #expect(workflow.node(id: "delay-2")?.next.targets == [])
        #expect(workflow.node(id: "follow-up")?.next.targets == ["delay-2"])
    }

    @Test func aStepThatLeadsToItselfIsDeletedAndNotMovedForEver() throws {
        let looping = Self.flow.replacingOccurrences(of: "    duration: 2d\n    next: is-pro", with: "    duration: 2d\n    next: wait")
        let (_, workflow) = try Self.apply(.delete(node: "wait"), to: looping)
        #expect(workflow.node(id: "send-letter")?.next.targets == [])
        #expect(throws: WorkflowNodesText.Problem.self) {
            try WorkflowNodeChange.move(node: "wait", down: true).applied(to: looping, webhooks: [])
        }
    }

    @Test func aHashLineInsideAStepsTextStaysWithThatStep() throws {
        let flow = Self.flow.replacingOccurrences(
            of: "    body: \"Welcome\"\n", with: "    body: |\n      Welcome\n      # Your plan\n")
            + "  - id: bye\n    type: exit\n"
        let withFollowUp = flow.replacingOccurrences(of: "# The end.\n", with: "")
        let linked = try WorkflowNodeChange.connect(node: "follow-up", to: "bye").applied(to: withFollowUp, webhooks: [])
        let (text, workflow) = try Self.apply(.delete(node: "bye"), to: linked)
        #expect(text.contains("      Welcome\n      # Your plan\n"))
        #expect(workflow.node(id: "follow-up")?.kind == .sendEmail(subject: "Hi", body: "Welcome\n# Your plan\n"))
    }

    @Test func movingSwapsAStepWithItsNeighbour() throws {
        let (text, workflow) = try Self.apply(.move(node: "send-letter", down: true))
        #expect(workflow.entryNode?.id == "wait")
        #expect(Self.chain(workflow) == ["wait→send-letter", "send-letter→is-pro", "is-pro→yes:follow-up", "follow-up→"])
        // The comments travel with their steps.
        #expect(text.contains("  # Give it time.\n  - id: wait"))
        let back = try Self.apply(.move(node: "send-letter", down: false), to: text)
        #expect(Self.chain(back.workflow) == Self.chain(Self.load(Self.flow).workflow(id: "welcome")!))
    }

    /// Journeys end at an Exit step and validate ignores a `next:` on one: nothing is added after
    /// it, it is not connected, and no step moves past it — each would leave a step that never runs.
    @Test func nothingIsAddedConnectedOrMovedPastAnExitStep() throws {
        let ending = Self.flow.replacingOccurrences(of: "    body: \"Welcome\"\n", with: "    body: \"Welcome\"\n    next: done\n")
            + "  - id: done\n    type: exit\n"
        _ = try Self.apply(.connect(node: "follow-up", to: "done"), to: ending)
        func refusal(_ change: WorkflowNodeChange) -> String? {
            (#expect(throws: WorkflowNodesText.Problem.self) { try change.applied(to: ending, webhooks: []) })?.description
        }
        #expect(refusal(.add(.delay, after: "done")) == WorkflowNodeChange.addedAfterExit("done"))
        #expect(refusal(.connect(node: "done", to: "wait")) == WorkflowNodeChange.exitConnected("done"))
        #expect(refusal(.move(node: "follow-up", down: true))
            == "follow-up cannot move after done, an Exit step: journeys end there, so follow-up would never run")
        #expect(refusal(.move(node: "done", down: false))?.hasPrefix("done is an Exit step: it stays last") == true)
        // Before it, all goes on as before.
        let (_, workflow) = try Self.apply(.add(.delay, after: "follow-up"), to: ending)
        #expect(workflow.node(id: "delay")?.next.targets == ["done"])
    }
}
