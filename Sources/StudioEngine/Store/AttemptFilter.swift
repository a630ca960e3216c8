import Foundation

/// Which stored attempts `hookline logs` exports.
public struct AttemptFilter: Sendable, Hashable {
    /// Which outcomes match: a status (`503`), a status class (`5xx`), `ok` (succeeded: 2xx) or
    /// `failed` (every attempt that did not succeed: an error status such as 500, 410 or 302, and
    /// no response at all: DNS, connect, timeout, TLS, blocked, invalid).
    public enum Outcome: Sendable, Hashable {
        case status(Int)
        case statusClass(Int)
        case ok
        case failed

        /// Parses `503`, `5xx`, `ok` or `failed`; nil for anything else.
        public init?(_ text: String) {
            let lower = text.lowercased()
            switch lower {
            case "ok", "2xx": self = .ok
            case "failed", "error": self = .failed
            default:
                if lower.count == 3, lower.hasSuffix("xx"), let digit = Int(lower.prefix(1)), (1...5).contains(digit) {
                    self = .statusClass(digit)
                } else if let status = Int(lower), (100...599).contains(status) {
                    self = .status(status)
                } else {
                    return nil
                }
            }
        }
    }

    public var webhookID: String?
    public var workflowID: String?
    public var deliveryID: String?
    public var userEmail: String?
    public var outcome: Outcome?
    /// Started at or after.
    public var since: Date?
    /// Only attempts stored after this one (store ids grow): then the *oldest* `limit`
    /// matches are returned, for following new traffic.
    public var afterID: Int64?
    /// The most recent attempts kept, at most.
    public var limit: Int

    public init(
        webhookID: String? = nil, workflowID: String? = nil, deliveryID: String? = nil, userEmail: String? = nil,
        outcome: Outcome? = nil, since: Date? = nil, afterID: Int64? = nil, limit: Int = 10_000
    ) {
        self.afterID = afterID
        self.webhookID = webhookID
        self.workflowID = workflowID
        self.deliveryID = deliveryID
        self.userEmail = userEmail
        self.outcome = outcome
        self.since = since
        self.limit = limit
    }
}
