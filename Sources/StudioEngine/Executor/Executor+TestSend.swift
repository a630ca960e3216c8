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
    public func testSend(webhookID: String, email: String? = nil) async throws(TestSendError) -> AttemptRecord {
        let workspace = workspace
        guard let webhook = workspace.webhook(id: webhookID) else { throw .unknownWebhook(webhookID) }
        guard let address = email ?? (try? store.userEmails().first), let profile = try? store.user(email: address)
        else { throw .noUser(email) }
        let rendered: (request: PreparedRequest, options: Deliverer.Options)
        do {
            rendered = try builder.testRequest(
                webhook, in: workspace, context: TemplateContext(profile: profile, secrets: secrets), secrets: secrets,
                email: address)
        } catch {
            throw .invalidRequest(webhookID: webhookID, error)
        }
        let result = await deliverer.deliver(
            rendered.request, origin: .init(webhookID: webhookID, userEmail: address), options: rendered.options)
        if case .held(let reason) = result.status { throw .held(reason) }
        guard let attempt = result.attempts.last else { throw .held("no attempt was made") }
        return attempt
    }
}
