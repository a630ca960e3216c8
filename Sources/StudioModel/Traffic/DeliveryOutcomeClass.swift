import Foundation

/// How one delivery attempt ended, as the retry policy and the traffic log see it (delivery.md §8.4).
///
/// An open set: a struct over a private code, so new classes do not break anyone's `switch`.
/// Each class has a stable snake_case ``label`` for filters, metrics and stored rows.
///
/// | Outcome | Class | Retried |
/// |---|---|---|
/// | 2xx | ``ok`` | — |
/// | 3xx (not followed) | ``redirectNotFollowed`` | no |
/// | 408, 409, 425 | ``http4xxRetryable`` | yes |
/// | 429 | ``rateLimited`` (label `http_4xx_retryable`) | yes, ≥ 60 s, holds the host |
/// | 410 | ``gone`` | no, pauses the endpoint |
/// | other 4xx | ``http4xx`` | no |
/// | 5xx except 501 | ``http5xx`` | yes |
/// | 501 | ``http5xxPermanent`` | no |
/// | DNS, refused, reset, unreachable | ``dnsError``, ``connectionRefused``, ``connectionReset``, ``networkUnreachable`` | yes |
/// | an answer that is not HTTP (a banner, oversized headers, a status outside 100–599) | ``invalidResponse`` | yes |
/// | connect or total timeout | ``timeout`` | yes, ≥ 60 s |
/// | TLS failure | ``tlsError`` | yes |
/// | SSRF policy | ``blockedByPolicy`` | no |
/// | bad template, URL or config | ``invalidRequest`` | no |
/// | `webhook-delivery: abort-message` | ``abortedByReceiver`` | no |
/// | cancelled by the operator while in flight | ``cancelled`` | no |
///
/// ```swift
/// let outcome = DeliveryOutcomeClass.classify(status: 503, headers: [], transportErrorClass: nil)
/// outcome.label        // "http_5xx"
/// outcome.isRetryable  // true
/// ```
public struct DeliveryOutcomeClass: Sendable, Hashable, CustomStringConvertible {
    private enum Code: String, Sendable, Hashable, CaseIterable {
        case ok
        case redirectNotFollowed = "redirect_not_followed"
        case http4xxRetryable = "http_4xx_retryable"
        case rateLimited = "rate_limited"
        case gone
        case http4xx = "http_4xx"
        case http5xx = "http_5xx"
        case http5xxPermanent = "http_5xx_permanent"
        case dnsError = "dns_error"
        case connectionRefused = "connection_refused"
        case connectionReset = "connection_reset"
        case networkUnreachable = "network_unreachable"
        case invalidResponse = "invalid_response"
        case timeout
        case tlsError = "tls_error"
        case blockedByPolicy = "blocked_by_policy"
        case invalidRequest = "invalid_request"
        case abortedByReceiver = "aborted_by_receiver"
        case cancelled
    }

    private let code: Code

    private init(_ code: Code) {
        self.code = code
    }

    /// A 2xx response: the delivery succeeded.
    public static let ok = Self(.ok)
    /// A 3xx response; redirects are never followed. Not retried.
    public static let redirectNotFollowed = Self(.redirectNotFollowed)
    /// 408, 409 or 425: the receiver asks to try again later. Retried.
    public static let http4xxRetryable = Self(.http4xxRetryable)
    /// 429 Too Many Requests. Retried after at least 60 s, and every delivery to the host waits
    /// (``RetryPolicy/hostHold(afterAttempt:outcome:retryAfter:)``). Its ``label`` is
    /// `http_4xx_retryable`, as §8.4 logs it.
    public static let rateLimited = Self(.rateLimited)
    /// 410 Gone: not retried, and the endpoint is paused.
    public static let gone = Self(.gone)
    /// Any other 4xx (400, 401, 403, 404, 405, 413, 422 …): fix the configuration, then replay. Not retried.
    public static let http4xx = Self(.http4xx)
    /// 500, 502, 503, 504 and every other 5xx except 501. Retried.
    public static let http5xx = Self(.http5xx)
    /// 501 Not Implemented. Not retried.
    public static let http5xxPermanent = Self(.http5xxPermanent)
    /// The host name did not resolve. Retried.
    public static let dnsError = Self(.dnsError)
    /// The connection was refused. Retried.
    public static let connectionRefused = Self(.connectionRefused)
    /// The connection was reset or closed before a response. Retried.
    public static let connectionReset = Self(.connectionReset)
    /// Any other network failure (unreachable, unclassified transport error). Retried.
    public static let networkUnreachable = Self(.networkUnreachable)
    /// The endpoint answered with something that is not HTTP/1.1 (another protocol's banner,
    /// headers over the parser's limit, a broken status line, a status code outside 100–599).
    /// Retried, as a server fault.
    /// delivery.md §8.4 has no row for it; `network_unreachable` would send people looking at
    /// the network instead of at the server.
    public static let invalidResponse = Self(.invalidResponse)
    /// The connect budget or the total deadline ran out. Retried after at least 60 s.
    public static let timeout = Self(.timeout)
    /// The TLS handshake failed (untrusted, expired, wrong host). Retried: certificates get fixed.
    public static let tlsError = Self(.tlsError)
    /// The SSRF policy refused the address; no connection was attempted. Not retried.
    public static let blockedByPolicy = Self(.blockedByPolicy)
    /// The rendered request was invalid (template, header, URL, size, configuration); nothing was sent. Not retried.
    public static let invalidRequest = Self(.invalidRequest)
    /// The receiver answered `webhook-delivery: abort-message`. Not retried.
    public static let abortedByReceiver = Self(.abortedByReceiver)
    /// The attempt was stopped on purpose before an answer arrived: its delivery was cancelled
    /// (`hookline cancel`, the executor stopping). Not retried; the delivery is `cancelled`.
    /// delivery.md §8.4 has no row for it; a network class would blame the endpoint.
    public static let cancelled = Self(.cancelled)

    /// Every class, in the order of the table above.
    public static let allClasses: [DeliveryOutcomeClass] = Code.allCases.map(Self.init)

    /// A short, stable snake_case label, as in delivery.md §8.4 (``rateLimited`` shares
    /// `http_4xx_retryable` with 408/409/425).
    public var label: String {
        code == .rateLimited ? Code.http4xxRetryable.rawValue : code.rawValue
    }

    public var description: String { label }

    /// Whether the attempt counts as a delivered message.
    public var isSuccess: Bool { code == .ok }

    /// Whether the retry schedule goes on after this outcome.
    public var isRetryable: Bool {
        switch code {
        case .http4xxRetryable, .rateLimited, .http5xx, .dnsError, .connectionRefused, .connectionReset,
            .networkUnreachable, .invalidResponse, .timeout, .tlsError:
            true
        case .ok, .redirectNotFollowed, .gone, .http4xx, .http5xxPermanent, .blockedByPolicy, .invalidRequest,
            .abortedByReceiver, .cancelled:
            false
        }
    }

    /// Whether the next delay waits at least `RetryPolicy.overloadFloor` (timeouts and 429, as Svix does).
    public var isOverload: Bool { code == .timeout || code == .rateLimited }

    /// Whether the request was refused before anything was sent: the network policy, or a
    /// request that could not be built. Says nothing about the endpoint.
    public var wasRefusedBeforeSending: Bool { code == .blockedByPolicy || code == .invalidRequest }

    /// Whether a request may have reached the receiver (anything but a refusal before sending).
    public var mayHaveReachedReceiver: Bool {
        code != .blockedByPolicy && code != .invalidRequest && code != .dnsError && code != .connectionRefused
    }

    /// Classifies one attempt.
    ///
    /// A received status wins over a transport error class (a failure while reading a 2xx body
    /// is still a success, §8.2). Any non-2xx response carrying `webhook-delivery: abort-message`
    /// is ``abortedByReceiver``, except 410, which stays ``gone`` so the endpoint is paused.
    ///
    /// - Parameters:
    ///   - status: The HTTP status, or nil when no response arrived.
    ///   - headers: The response headers (names compared case-insensitively).
    ///   - transportErrorClass: The error class recorded by `DeliveryClient` or the executor:
    ///     `connect`, `connect-timeout`, `timeout`, `reset`, `dns`, `tls`, `bad-url`, `network`,
    ///     `template`, `config`; also `blocked` for the SSRF policy, and any §8.4 label.
    ///     Unknown classes count as ``networkUnreachable``.
    public static func classify(status: Int?, headers: [HeaderField], transportErrorClass: String?) -> Self {
        if let status {
            return classify(status: status, headers: headers)
        }
        guard let transportErrorClass else { return .networkUnreachable }
        return classify(transportErrorClass: transportErrorClass)
    }

    /// Classifies a recorded attempt from its status, response headers and error class.
    public static func classify(_ record: AttemptRecord) -> Self {
        classify(status: record.status, headers: record.responseHeaders, transportErrorClass: record.outcome.errorClass)
    }

    /// Reads back a stored ``label``; `http_4xx_retryable` gives ``http4xxRetryable``.
    public init?(label: String) {
        guard let code = Code(rawValue: label), code != .rateLimited else { return nil }
        self.init(code)
    }

    private static func classify(status: Int, headers: [HeaderField]) -> Self {
        // RFC 9110 §15: "Values outside the range 100..599 are invalid." `DeliveryClient` records
        // no status for such an answer; this keeps a row stored before it did (`000`) out of `http_5xx`.
        guard (100...599).contains(status) else { return .invalidResponse }
        switch status {
        case 200..<300: return .ok
        case 410: return .gone
        default: break
        }
        if receiverAbortsMessage(headers) { return .abortedByReceiver }
        switch status {
        case 300..<400: return .redirectNotFollowed
        case 429: return .rateLimited
        case 408, 409, 425: return .http4xxRetryable
        case 400..<500: return .http4xx
        case 501: return .http5xxPermanent
        // A 1xx as a final answer breaks the protocol: treat it as a server fault.
        default: return .http5xx
        }
    }

    private static func classify(transportErrorClass: String) -> Self {
        switch transportErrorClass.lowercased() {
        case "connect", "refused", "connection_refused": .connectionRefused
        case "connect-timeout", "timeout": .timeout
        case "reset", "connection_reset": .connectionReset
        case "dns", "dns_error": .dnsError
        case "tls", "tls_error": .tlsError
        case "bad-url", "template", "config", "invalid_request": .invalidRequest
        case "blocked", "ssrf", "blocked_by_policy": .blockedByPolicy
        case "aborted_by_receiver": .abortedByReceiver
        case "invalid_response": .invalidResponse
        case "cancelled": .cancelled
        default: .networkUnreachable
        }
    }

    /// Svix's receiver convention: `webhook-delivery: abort-message` stops retries of this message.
    private static func receiverAbortsMessage(_ headers: [HeaderField]) -> Bool {
        headers.contains { header in
            header.name.lowercased() == "webhook-delivery"
                && header.value.split(separator: ",").contains {
                    $0.trimmingCharacters(in: .whitespaces).lowercased() == "abort-message"
                }
        }
    }
}
