/// A project-wide system webhook from `system-webhooks/<id>.yaml`: a POST on message events.
public struct SystemWebhook: Sendable, Hashable, Identifiable {
    public var id: String
    public var endpoint: String
    public var enabled: Bool
    public var auth: WebhookAuth
    public var headers: [HeaderTemplate]
    /// Iterable event names: emailSend, emailOpen, smsSend, pushSend, …
    public var events: [String]
    public var blastSends: Bool
    public var triggeredSends: Bool

    public init(
        id: String, endpoint: String, enabled: Bool = true, auth: WebhookAuth = .none, headers: [HeaderTemplate] = [],
        events: [String], blastSends: Bool = true, triggeredSends: Bool = true
    ) {
        self.id = id
        self.endpoint = endpoint
        self.enabled = enabled
        self.auth = auth
        self.headers = headers
        self.events = events
        self.blastSends = blastSends
        self.triggeredSends = triggeredSends
    }

    /// The event names Iterable can send to a system webhook.
    public static let knownEvents: Set<String> = [
        "emailSend", "emailOpen", "emailClick", "emailBounce", "emailComplaint", "emailUnSubscribe",
        "emailSubscribe", "smsSend", "smsBounce", "smsClick", "smsReceived", "pushSend", "pushOpen",
        "pushBounce", "pushUninstall", "inAppSend", "inAppOpen", "inAppClick", "webPushSend", "hostedUnsubscribeClick",
        "emailSendSkip", "smsSendSkip", "pushSendSkip", "inAppSendSkip", "webPushSendSkip",
    ]

    /// The merge parameters Iterable fills in a system webhook's URL, in its order (domain.md §1.2);
    /// any other renders blank there, as one Iterable has no value for does.
    public static let endpointMergeParameters = [
        "campaignId", "campaignName", "templateId", "templateName", "channelId", "workflowId", "workflowName",
        "experimentId", "messageTypeId",
    ]
}

extension SystemWebhook {
    /// The POST of the event payload this system webhook makes.
    public var webhook: Webhook {
        Webhook(
            id: id, method: .post, url: endpoint, auth: auth, headers: headers,
            body: .raw(template: "{{{payload}}}", contentType: "application/json"))
    }
}
