import StudioModel

extension RequestBuilder {
    /// `webhook` rendered for one user outside a journey, as `hookline preview`, `hookline send`
    /// and the studio's test send make it: a fresh delivery id, and `?email=` when a workflow
    /// uses the webhook to update profiles. The options make one attempt, no retries, recorded
    /// with trigger `test` (delivery.md §8.3).
    public func testRequest(
        _ webhook: Webhook, in workspace: Workspace, context: TemplateContext, secrets: [String: String], email: String
    ) throws(RequestBuildError) -> (request: PreparedRequest, options: Deliverer.Options) {
        let isProfileLookup = workspace.workflows.contains { workflow in
            workflow.nodes.contains {
                if case .updateProfileWebhook(let id, _, _) = $0.kind { return id == webhook.id }
                return false
            }
        }
        let request = try build(
            webhook, context: context, secrets: secrets, deliveryID: DeliveryID.make(),
            appendEmailQuery: isProfileLookup ? email : nil)
        var options = try deliveryOptions(for: webhook, context: context, secrets: secrets)
        options.trigger = .test
        options.retry = RetryPolicy(schedule: .noRetries)
        return (request, options)
    }
}
