import StudioModel
import StudioTUI
import Testing

struct WorkflowTreeTests {
    private func lines(_ workflow: Workflow) -> [String] {
        WorkflowTree.rows(for: workflow, in: Workspace(workflows: [workflow]), glyphs: .unicode)
            .map { $0.segments.map(\.text).joined() }
    }

    @Test func anUnconnectedSplitOutputIsShownAsExit() {
        let workflow = Workflow(
            id: "w", name: "W",
            nodes: [
                WorkflowNode(
                    id: "is-pro", kind: .yesNo(Condition(.all, [.init(field: "plan", op: .equals, value: "pro")])),
                    next: .branches(["yes": "mail"])),
                WorkflowNode(id: "mail", kind: .sendEmail(subject: "Hi", body: "…")),
            ])
        let text = lines(workflow)
        #expect(text.contains { $0.contains("yes ▶ mail") })
        #expect(text.contains { $0.contains("no  ▶ exit") })
    }

    @Test func aSplitWithNoOutputsExitsOnBoth() {
        let workflow = Workflow(
            id: "w", name: "W",
            nodes: [WorkflowNode(id: "is-pro", kind: .yesNo(Condition(.all, [.init(field: "plan", op: .exists)])))])
        let text = lines(workflow)
        #expect(text.filter { $0.contains("▶ exit") }.count == 2)
    }

    @Test func abAndAttributeSplitsListTheirBranchesAsWrittenWithEveryoneElseLast() {
        let workflow = Workflow(
            id: "w", name: "W",
            nodes: [
                WorkflowNode(
                    id: "ab", kind: .abSplit([SplitShare(branch: "B", percent: 30), SplitShare(branch: "A", percent: 70)]),
                    next: .branches(["A": "by-plan"])),
                WorkflowNode(
                    id: "by-plan",
                    kind: .attributeSplit(
                        field: "plan", branches: [AttributeBranch(name: "team", values: ["team"]), AttributeBranch(name: "pro", values: ["pro"])]),
                    next: .branches(["pro": "set"])),
                WorkflowNode(id: "set", kind: .updateProfile([ProfileFieldUpdate(field: "tier", value: "gold")])),
            ])
        #expect(
            lines(workflow) == [
                "start: manual",
                "└▶ ab  A/B split  B 30% · A 70%",
                "   ├ B ▶ exit",
                "   └ A ▶ by-plan  Attribute split  by plan",
                "      ├ team ▶ exit",
                "      ├ pro  ▶ set  Set fields  tier = gold",
                "      └ else ▶ exit",
            ])
    }

    /// A webhook step that branches on error showed only `next ▶ wait`: its error output was
    /// hidden and its ok output named as stored, not as its file and form write it.
    @Test func aWebhookStepThatBranchesOnErrorShowsItsOkAndErrorOutputs() {
        let workflow = Workflow(
            id: "w", name: "W",
            nodes: [
                WorkflowNode(id: "send", kind: .callWebhook(webhook: "hook", onError: .branch), next: .branches(["next": "wait"])),
                WorkflowNode(id: "wait", kind: .delay(WorkflowDuration(seconds: 60, text: "1m"))),
            ])
        let text = lines(workflow)
        #expect(text.contains { $0.contains("├ ok    ▶ wait") }, "\(text)")
        #expect(text.contains { $0.contains("└ error ▶ exit") }, "\(text)")
        #expect(!text.contains { $0.contains("next") }, "\(text)")
    }

    /// `next: {ok: wait, error: sorry}` drew the error output twice (`├ error ▶ sorry`, then
    /// `└ error ▶ sorry`): each output is one row, as the form lists it.
    @Test func aWebhookStepsErrorOutputIsDrawnOnce() throws {
        let workspace = WorkspaceLoader.load(files: [
            "hookline.yaml": "name: t\n", "webhooks/hook.yaml": "id: hook\nmethod: POST\nurl: https://example.com/h\n",
            "workflows/w.yaml": """
                id: w
                start: {kind: event, event: signup}
                nodes:
                  - id: send
                    type: callWebhook
                    webhook: hook
                    onError: branch
                    next: {ok: wait, error: sorry}
                  - id: wait
                    type: delay
                    duration: 1m
                  - id: sorry
                    type: exit

                """,
        ])
        let workflow = try #require(workspace.workflow(id: "w"), "\(workspace.errors)")
        let text = WorkflowTree.rows(for: workflow, in: workspace, glyphs: .unicode).map { $0.segments.map(\.text).joined() }
        #expect(text == [
            "start: event signup",
            "└▶ send  Call webhook  hook  POST",
            "   ├ ok    ▶ wait  Delay  1m",
            "   └ error ▶ sorry  Exit",
        ], "\(text)")
    }
}
