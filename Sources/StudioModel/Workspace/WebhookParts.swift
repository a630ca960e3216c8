/// The parts of a webhook or system webhook file that the save-time checks judge each on its
/// own: the URL against the network policy, the retry list against the schedule's limits, the
/// signing secret as a key.
///
/// A file that does not load still has its well-read parts checked (``Workspace/webhookParts``),
/// so that `validate` reports a URL the policy refuses next to a bad `timeout` in the same file,
/// not only once the timeout is fixed.
public struct WebhookParts: Sendable, Hashable {
    /// The folder the file is in, which names its URL key.
    public enum Kind: Sendable, Hashable {
        /// `webhooks/<id>.yaml`: the URL is `url:`.
        case webhook
        /// `system-webhooks/<id>.yaml`: the URL is `endpoint:`.
        case systemWebhook
    }

    public var kind: Kind
    public var id: String
    /// The file, relative to the workspace root.
    public var path: String
    /// The `url:` or `endpoint:` template; nil when absent or refused by the loader.
    public var url: String?
    /// Nil when absent or refused by the loader.
    public var auth: WebhookAuth?
    /// Nil when absent or refused by the loader.
    public var signing: WebhookSigning?
    /// The `retries:` delays; nil when absent (the standard schedule) or refused by the loader.
    public var retries: [WorkflowDuration]?

    public init(
        kind: Kind, id: String, path: String, url: String?, auth: WebhookAuth? = nil, signing: WebhookSigning? = nil,
        retries: [WorkflowDuration]? = nil
    ) {
        self.kind = kind
        self.id = id
        self.path = path
        self.url = url
        self.auth = auth
        self.signing = signing
        self.retries = retries
    }

    /// The key that holds ``url`` in the file: `url` or `endpoint`.
    public var urlKey: String { kind == .webhook ? "url" : "endpoint" }
}
