import StudioModel

extension Executor {
    /// Why a test send could not be made.
    public enum TestSendError: Error, Sendable, CustomStringConvertible {
        case unknownWebhook(String)
        /// There is no user to render for: the given one is unknown, or the store is empty.
        case noUser(String?)
        case invalidRequest(webhookID: String, RequestBuildError)
        /// The endpoint is paused, so nothing was sent (`hookline resume --endpoint` lifts it).
        case held(String)

        public var description: String {
            switch self {
            case .unknownWebhook(let id): "no webhook '\(id)'"
            case .noUser(let email?): "no user '\(email)' in the store"
            case .noUser(nil): "no users in the store to render for"
            case .invalidRequest(let id, let error): "webhook \(id): \(error)"
            case .held(let reason): "not sent: \(reason)"
            }
        }
    }

    /// One real attempt of `webhookID` for `email` (the first stored user when nil), no retries:
    /// delivery.md §8.3's "send test". It is recorded with trigger `test`, so it shows in the
    /// traffic, but it is no delivery: nothing goes to the outbox.
    /// - Parameters:
    ///   - workflowID: The workflow whose step is tested, so `{{workflowName}}`, `{{nodeId}}` and
    ///     `{{eventName}}` render as in a journey; nil for the webhook alone.
    ///   - nodeID: That step.
    public func testSend(
        webhookID: String, email: String? = nil, workflowID: String? = nil, nodeID: String? = nil
    ) async throws(TestSendError) -> AttemptRecord {
        let test = try testRequest(webhookID: webhookID, email: email, workflowID: workflowID, nodeID: nodeID)
        let origin = DeliveryClient.Origin(workflowID: workflowID, nodeID: nodeID, webhookID: webhookID, userEmail: test.email)
        let result = await deliverer.deliver(test.request, origin: origin, options: test.options)
        if case .held(let reason) = result.status { throw .held(reason) }
        guard let attempt = result.attempts.last else { throw .held("no attempt was made") }
        return attempt
    }

    /// The request ``testSend(webhookID:email:workflowID:nodeID:)`` would make, not sent; its
    /// secrets are in clear (use `masked` to show it).
    /// - Returns: The request, how it would be delivered, and the user's address.
    public func testRequest(
        webhookID: String, email: String? = nil, workflowID: String? = nil, nodeID: String? = nil
    ) throws(TestSendError) -> (request: PreparedRequest, options: Deliverer.Options, email: String) {
        let workspace = workspace
        guard let webhook = workspace.webhook(id: webhookID) else { throw .unknownWebhook(webhookID) }
        guard let (address, profile) = (try? store.user(emailOrFirst: email)) ?? nil else { throw .noUser(email) }
        var liveData = JSONObject()
        if let workflow = workflowID.flatMap(workspace.workflow(id:)), let nodeID {
            liveData = JourneyFields.values(
                workflowID: workflow.id, workflowName: workflow.name, nodeID: nodeID, eventName: workflow.start.eventName)
        }
        do {
            let rendered = try builder.testRequest(
                webhook, in: workspace, context: TemplateContext(profile: profile, liveData: liveData, secrets: secrets),
                secrets: secrets, email: address)
            return (rendered.request, rendered.options, address)
        } catch {
            throw .invalidRequest(webhookID: webhookID, error)
        }
    }
}
