/// A reusable workflow webhook from `webhooks/<id>.yaml`: the target of Call Webhook and
/// Update User Profile nodes.
///
/// URL, header values, auth fields and the body are merge-parameter templates.
public struct Webhook: Sendable, Hashable, Identifiable {
    public var id: String
    public var name: String
    public var method: HTTPMethod
    public var url: String
    public var auth: WebhookAuth
    /// Header names and value templates, in file order.
    public var headers: [HeaderTemplate]
    public var body: WebhookBody
    public var signing: WebhookSigning?
    /// Per-attempt deadline; nil uses the workspace default (15 s).
    public var timeout: WorkflowDuration?
    /// Delays between attempts; nil uses the standard schedule, empty means no retries.
    public var retries: [WorkflowDuration]?

    /// Attempts the standard schedule allows: the first and seven retries (DESIGN §5).
    public static let standardScheduledAttempts = 8

    /// Attempts this webhook's schedule allows: 1 with no retries.
    public var scheduledAttempts: Int { retries.map { $0.count + 1 } ?? Self.standardScheduledAttempts }
    /// The endpoint's own CA; nil trusts the system's CAs.
    public var tls: WebhookTLS?

    public init(
        id: String, name: String? = nil, method: HTTPMethod = .post, url: String, auth: WebhookAuth = .none,
        headers: [HeaderTemplate] = [], body: WebhookBody = .none, signing: WebhookSigning? = nil,
        timeout: WorkflowDuration? = nil, retries: [WorkflowDuration]? = nil, tls: WebhookTLS? = nil
    ) {
        self.id = id
        self.name = name ?? id
        self.method = method
        self.url = url
        self.auth = auth
        self.headers = headers
        self.body = body
        self.signing = signing
        self.timeout = timeout
        self.retries = retries
        self.tls = tls
    }
}

public struct HeaderTemplate: Sendable, Hashable {
    public var name: String
    public var value: String
    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }
}

public enum HTTPMethod: String, Sendable, Hashable, CaseIterable {
    case get = "GET"
    case post = "POST"
    case put = "PUT"
    case patch = "PATCH"
    case delete = "DELETE"

    /// Whether requests with this method carry a body.
    public var allowsBody: Bool { self != .get }
}

public enum WebhookAuth: Sendable, Hashable {
    case none
    case basic(username: String, password: String)
    case bearer(token: String)
    case oauth2ClientCredentials(tokenURL: String, clientID: String, clientSecret: String, scope: String?)

    public var typeName: String {
        switch self {
        case .none: "none"
        case .basic: "basic"
        case .bearer: "bearer"
        case .oauth2ClientCredentials: "oauth2cc"
        }
    }
}

/// The request body and how its template is rendered.
public enum WebhookBody: Sendable, Hashable {
    case none
    /// A JSON template; rendered in JSON mode and parsed before sending.
    case json(template: String)
    /// Form fields (`application/x-www-form-urlencoded`), each value a template.
    case form(fields: [HeaderTemplate])
    /// Raw text with its own content type.
    case raw(template: String, contentType: String)

    public var typeName: String {
        switch self {
        case .none: "none"
        case .json: "json"
        case .form: "form"
        case .raw: "raw"
        }
    }
}

public struct WebhookSigning: Sendable, Hashable {
    public enum Scheme: String, Sendable, Hashable {
        case standardWebhooks = "standard-webhooks"
    }

    public var scheme: Scheme
    /// A template, usually `{{secret.NAME}}`.
    public var secret: String

    public init(scheme: Scheme = .standardWebhooks, secret: String) {
        self.scheme = scheme
        self.secret = secret
    }
}

/// A webhook's TLS settings, `tls: {ca: certs/partner-ca.pem}`: the server's certificate must
/// chain to the CAs in that file instead of the system's. Dates and host name are still checked.
public struct WebhookTLS: Sendable, Hashable {
    /// The CA file as written: relative to the workspace root, or absolute.
    public var caFile: String
    /// That file's text, one or more PEM certificates, read when the workspace is loaded.
    public var caPEM: String

    public init(caFile: String, caPEM: String) {
        self.caFile = caFile
        self.caPEM = caPEM
    }
}
