import Foundation

/// One HTTP attempt as stored and shown: the exact request, the response and how it ended.
///
/// Secrets are masked before a record is built; nothing here may hold a secret value.
public struct AttemptRecord: Sendable, Hashable, Identifiable {
    /// Store sequence number; 0 until stored.
    public var id: Int64
    public var startedAt: Date
    /// Stable across retries and replays (`webhook-id`).
    public var deliveryID: String
    /// 1 for the first attempt; ``heldAttempt`` for a record of a delivery held unsent.
    public var attempt: Int
    public var workflowID: String?
    public var nodeID: String?
    public var webhookID: String?
    public var userEmail: String?
    public var method: String
    public var url: String
    public var requestHeaders: [HeaderField]
    public var requestBody: String
    public var status: Int?
    /// The answer's protocol as its status line gave it, `HTTP/1.0` or `HTTP/1.1`; nil when
    /// nothing answered (and for attempts stored before it was kept).
    public var responseVersion: String?
    /// The status line's reason phrase as received (`Alright` in `200 Alright`, or empty), when it
    /// is not the standard one of its status; nil when it is, or nothing answered.
    public var responseReason: String?
    public var responseHeaders: [HeaderField]
    public var responseBody: String
    /// Whether `responseBody` was cut at the size limit.
    public var responseTruncated: Bool
    /// Whether `responseBody` is the base64 of a body that is not UTF-8 text (delivery.md §8.10).
    public var responseBodyIsBase64: Bool
    /// Milliseconds from sending to the end of the response or the failure.
    public var latencyMilliseconds: Double
    public var outcome: AttemptOutcome
    /// What made this attempt: the schedule, a replay or a test send.
    public var trigger: AttemptTrigger

    /// The `attempt` of a record saying that a delivery was held by a paused endpoint, not sent: not
    /// a number of its own, so the attempt made once the endpoint is resumed keeps its number.
    public static let heldAttempt = 0

    /// Whether the record says that the delivery was held, not sent.
    public var isHold: Bool { attempt == Self.heldAttempt }

    public init(
        id: Int64 = 0, startedAt: Date, deliveryID: String, attempt: Int = 1, workflowID: String? = nil,
        nodeID: String? = nil, webhookID: String? = nil, userEmail: String? = nil, method: String, url: String,
        requestHeaders: [HeaderField] = [], requestBody: String = "", status: Int? = nil,
        responseVersion: String? = nil, responseReason: String? = nil, responseHeaders: [HeaderField] = [], responseBody: String = "", responseTruncated: Bool = false,
        responseBodyIsBase64: Bool = false,
        latencyMilliseconds: Double = 0, outcome: AttemptOutcome, trigger: AttemptTrigger = .scheduled
    ) {
        self.id = id
        self.startedAt = startedAt
        self.deliveryID = deliveryID
        self.attempt = attempt
        self.workflowID = workflowID
        self.nodeID = nodeID
        self.webhookID = webhookID
        self.userEmail = userEmail
        self.method = method
        self.url = url
        self.requestHeaders = requestHeaders
        self.requestBody = requestBody
        self.status = status
        self.responseVersion = responseVersion
        self.responseReason = responseReason
        self.responseHeaders = responseHeaders
        self.responseBody = responseBody
        self.responseTruncated = responseTruncated
        self.responseBodyIsBase64 = responseBodyIsBase64
        self.latencyMilliseconds = latencyMilliseconds
        self.outcome = outcome
        self.trigger = trigger
    }
}

/// What made an attempt (delivery.md §8.10).
public enum AttemptTrigger: String, Sendable, Hashable {
    /// A workflow step or system event, and its scheduled retries.
    case scheduled
    /// One delivery replayed by hand.
    case manual
    /// Part of a bulk replay.
    case replay
    /// A test send (`hookline send`, the editor's Send test).
    case test
    /// A retry made at once, outside the schedule: after a connection that failed within a second,
    /// or with a refreshed OAuth2 token. It uses no slot of the schedule.
    case immediate
}

public struct HeaderField: Sendable, Hashable {
    public var name: String
    public var value: String
    public init(_ name: String, _ value: String) {
        self.name = name
        self.value = value
    }
}

/// How an attempt ended. `errorClass` is a short, stable label for filters and the status bar.
public enum AttemptOutcome: Sendable, Hashable {
    case success
    /// The endpoint answered with a status that is not 2xx.
    case httpError
    /// No usable response: DNS, connect, TLS, timeout, reset, a refused address, a bad template.
    case failed(errorClass: String, message: String)

    public var errorClass: String? {
        switch self {
        case .success: nil
        case .httpError: "http"
        case .failed(let errorClass, _): errorClass
        }
    }

    public var isSuccess: Bool { self == .success }
}
