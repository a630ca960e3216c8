import Foundation
import StudioModel

/// What an endpoint answered, as received: what a delivery acts on (a `Retry-After`, the JSON
/// an Update User Profile step merges). The attempt record keeps a masked copy to store and show;
/// a secret value that happens to be in an answer (`{"plan": "enterprise-gold"}`) is data here.
public struct ReceivedAnswer: Sendable, Hashable {
    public var headers: [HeaderField]
    /// The body, up to the 64 KiB kept of it.
    public var body: [UInt8]
    /// The body went past what is kept, or ended early.
    public var truncated: Bool

    public init(headers: [HeaderField], body: [UInt8], truncated: Bool) {
        self.headers = headers
        self.body = body
        self.truncated = truncated
    }

    /// The answer as `record` stored it, masked: all that is left of it after a restart.
    public init(stored record: AttemptRecord) {
        let body =
            record.responseBodyIsBase64
            ? Data(base64Encoded: record.responseBody).map(Array.init) ?? [] : Array(record.responseBody.utf8)
        self.init(headers: record.responseHeaders, body: body, truncated: record.responseTruncated)
    }

    /// The value of the last header named `name` (any case).
    public func header(_ name: String) -> String? {
        headers.last { $0.name.lowercased() == name }?.value
    }
}
