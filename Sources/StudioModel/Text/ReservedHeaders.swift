/// Which header names a webhook's `headers` may not set: the one rule `validate` (a name in a
/// webhook file) and the request builder (a request about to be made) share. delivery.md §5.2: "Reserved headers cannot be set
/// or templated (`Host`, `Content-Length`, `Transfer-Encoding`, `Connection`, `webhook-*`, the
/// signature headers)". The other headers Hookline adds (`User-Agent`, `Authorization`,
/// `Content-Type`, `Idempotency-Key`) a configured one of the same name replaces.
public enum ReservedHeaders {
    /// Why `name` cannot be configured, or nil when it can. Framing and connection headers are
    /// the HTTP client's (RFC 9110 §7.6.1, RFC 9112 §6–7): a second `Host` or `Content-Length`
    /// routes or frames the request differently for each reader of it. The `webhook-*` headers
    /// carry the delivery's id and signature (Standard Webhooks), which the client computes.
    public static func reason(forConfiguring name: String) -> String? {
        if isClientOwned(name) {
            return "'\(name)' is set by the HTTP client from the URL and the body; it cannot be configured"
        }
        if name.lowercased().hasPrefix("webhook-") {
            return "'\(name)' is a Standard Webhooks header Hookline sets on every attempt (id, timestamp, signature)"
        }
        return nil
    }

    /// Whether the HTTP client alone writes `name` (any case), from the URL and the body:
    /// no request it sends carries one of its own.
    public static func isClientOwned(_ name: String) -> Bool {
        // Compared byte by byte in any case (OR-ing 0x20 lower-cases a letter and keeps `-` and
        // digits), without a lowercased copy of every header name of every request.
        let utf8 = name.utf8
        func isNamed(_ lowered: String) -> Bool {
            lowered.utf8.count == utf8.count && utf8.elementsEqual(lowered.utf8) { $0 | 0x20 == $1 }
        }
        return clientOwned.contains(where: isNamed)
            || (utf8.count > 6 && utf8.prefix(6).elementsEqual("proxy-".utf8) { $0 | 0x20 == $1 })
    }

    /// Framing, routing and hop-by-hop headers (RFC 9110 §7.6.1's Connection options, `TE`,
    /// `Trailer`, `Upgrade`, `Keep-Alive`; RFC 9112 §6's framing; `Expect`, which only the client
    /// that waits for the 100 may send).
    private static let clientOwned = [
        "host", "content-length", "transfer-encoding", "connection", "upgrade", "te", "trailer", "keep-alive",
        "expect", "http2-settings",
    ]

    /// Longest header field sent, name and value: 8 KiB, nginx's `large_client_header_buffers 4 8k`
    /// (a longer field is answered 400) and Apache's 8,190-byte `LimitRequestFieldSize`.
    public static let maximumFieldBytes = 8 * 1024
}
