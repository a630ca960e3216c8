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
}
