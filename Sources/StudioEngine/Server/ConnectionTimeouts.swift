/// How long the servers (ingest and receiver) wait on a client before closing its connection:
/// nginx's defaults, so that a client that opens connections and sends nothing, or drips a
/// request byte by byte (slowloris), cannot hold them open.
public struct ConnectionTimeouts: Sendable, Hashable {
    /// A new connection's first request head must be complete within this (nginx's
    /// `client_header_timeout`).
    public var requestHead: Duration
    /// A request body may go this long without a byte arriving (`client_body_timeout`).
    public var bodyStall: Duration
    /// A connection kept open after an answer is closed when no next request head is complete
    /// within this (`keepalive_timeout`).
    public var keepAliveIdle: Duration
    /// An answer may go this long with the client taking none of it (`send_timeout`).
    public var send: Duration

    public init(
        requestHead: Duration = .seconds(60), bodyStall: Duration = .seconds(60), keepAliveIdle: Duration = .seconds(75),
        send: Duration = .seconds(60)
    ) {
        self.requestHead = requestHead
        self.bodyStall = bodyStall
        self.keepAliveIdle = keepAliveIdle
        self.send = send
    }
}
