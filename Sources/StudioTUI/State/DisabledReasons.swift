import StudioModel

extension AppState {
    /// Why `binding` cannot apply now, in one line for the hint row; nil when it can. A binding
    /// with a reason is hidden from the hint bar, and pressing it says the reason instead of
    /// doing nothing or asking for input first (tui.md §6.1 `disabledReason`).
    public func disabledReason(_ binding: Binding) -> String? {
        let key = binding.keys.first.map { $0.displayName(ascii: ascii) } ?? binding.id.rawValue
        if readonly, binding.dangerous {
            return "\(key): a read-only studio (--readonly) changes and sends nothing"
        }
        switch binding.requires {
        case nil:
            return nil
        case .webhookToRender:
            guard selectedWebhookStep(self) == nil else { return nil }
            if focus == .webhooks || focus == .webhook { return "\(key): no webhook selected" }
            guard let workflow = selectedWorkflow, let id = selectedTreeRow?.nodeID, let node = workflow.node(id: id) else {
                return "\(key): select a step that calls a webhook"
            }
            return "\(key): \(id) is a step of type \(node.kind.title) and sends no request: select a step that calls a webhook"
        case .executorHere:
            return executorElsewhere.map { "\(key): this workspace's journeys are run by \($0): run and replay from there" }
        case .stepThatGoesOn:
            guard let step = selectedTreeRow?.nodeID, selectedWorkflow?.node(id: step)?.kind == .exit else { return nil }
            let why = binding.id == .addStep ? WorkflowNodeChange.addedAfterExit(step) : WorkflowNodeChange.exitConnected(step)
            return "\(key): " + why
        }
    }
}
