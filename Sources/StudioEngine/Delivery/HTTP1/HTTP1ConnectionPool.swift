import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import Synchronization

/// Keep-alive HTTP/1.1 connections, plain or over TLS (SwiftNIO SSL), on SwiftNIO's HTTP codec.
///
/// ``DeliveryClient`` sends every request here. On this 2-core machine it carries about twice
/// the requests per second that AsyncHTTPClient does (Benchmarks/delivery/compare-wrk.sh,
/// transport rows), because it writes each request in one flush and completes it with one hop
/// back to the caller; and HTTP and HTTPS get the same framing checks and limits
/// (``BareLineFeedHandler``, ``HTTP1ExchangeHandler``).
///
/// Connections are keyed by the checked address and port, so a connection only ever goes to
/// the address the network policy pinned (delivery.md §8.8); an HTTPS one also by the host name
/// it was verified for and the CAs it trusted (``TLSContexts``). Each carries one request at a
/// time; idle ones are reused newest first and closed after ``Configuration/idleTimeout``.
/// Concurrency is bounded by the caller (the ``Deliverer``'s limiter): a request that finds
/// no idle connection opens one, and at most ``Configuration/idleConnectionsPerHost`` are kept
/// per address and ``Configuration/maximumIdleConnections`` in all (each is a file descriptor,
/// and a workspace may call hundreds of hosts).
///
/// ```swift
/// let pool = HTTP1ConnectionPool()
/// let outcome = try await pool.execute(request, to: target, limit: 64 * 1024, deadline: .now() + .seconds(15))
/// try await pool.shutdown()
/// ```
final class HTTP1ConnectionPool: Sendable {
    struct Configuration: Sendable {
        /// Connect timeout; the attempt's deadline shortens it. Default: 5 s.
        var connectTimeout: TimeAmount = .seconds(5)
        /// Idle connections kept per address. Default: 64.
        var idleConnectionsPerHost = 64
        /// Idle connections kept in all, whatever the address. Default: 256.
        var maximumIdleConnections = 256
        /// How long an idle connection is kept. Default: 60 s.
        var idleTimeout: TimeAmount = .seconds(60)
    }

    /// The error thrown after ``shutdown()``.
    struct ShutDownError: Error, CustomStringConvertible {
        var description: String { "the HTTP connection pool was shut down" }
    }

    private struct Key: Hashable {
        var address: IPAddress
        var port: Int
        /// Set for HTTPS: a connection is verified for one host name, with one set of CAs.
        var tls: TLSPeer?
    }

    /// Whom an HTTPS connection was verified as: the URL's host, against the system's CAs or
    /// the endpoint's own.
    private struct TLSPeer: Hashable {
        var host: String
        var trustRoots: TrustRoots?
    }

    private struct Connection: Sendable {
        let channel: any Channel
        let handler: NIOLoopBound<HTTP1ExchangeHandler>
        var id: ObjectIdentifier { ObjectIdentifier(channel) }
    }

    private struct State {
        var idle: [Key: [Connection]] = [:]
        var idleCount = 0
        /// Every open channel, idle or busy, so that shutdown closes them all.
        var open: [ObjectIdentifier: any Channel] = [:]
        var isShutDown = false
    }

    let configuration: Configuration
    private let group: any EventLoopGroup
    private let state = Mutex(State())
    private let tlsContexts = TLSContexts()

    init(configuration: Configuration = Configuration(), group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton) {
        self.configuration = configuration
        self.group = group
    }

    /// Sends `request` to `target`'s checked address and reads the answer, up to `limit` body
    /// bytes, until `deadline`; over TLS for an `https` target, verified for its host name.
    ///
    /// A failure after the connection was made is in the outcome, with whatever arrived; a
    /// request on a reused connection that the server had closed before it could read the
    /// request goes once more on a new one (``closedWhileIdle(_:)``).
    /// - Parameter trustRoots: For HTTPS, the CAs the server's certificate must chain to instead
    ///   of the system's.
    /// - Throws: When no connection could be made (refused, connect timeout, a failed TLS
    ///   handshake or host name check: ``TLSIdentityGate``), or ``ShutDownError``.
    func execute(
        _ request: HTTP1Request, to target: PinnedTarget, trustRoots: TrustRoots? = nil, limit: Int,
        deadline: NIODeadline
    ) async throws -> HTTP1ExchangeHandler.Outcome {
        let tls = target.isPlainHTTP ? nil : TLSPeer(host: target.host, trustRoots: trustRoots)
        let key = Key(address: target.address, port: target.port, tls: tls)
        var resent = false
        if let idle = try takeIdle(key) {
            let outcome = await run(request, on: idle, limit: limit, deadline: deadline)
            if !Self.closedWhileIdle(outcome) {
                release(idle, key: key, reusable: outcome.reusable)
                return outcome
            }
            release(idle, key: key, reusable: false)
            resent = true
        }
        let connection = try await connect(key, deadline: deadline)
        var outcome = await run(request, on: connection, limit: limit, deadline: deadline)
        release(connection, key: key, reusable: outcome.reusable)
        if resent { outcome.response.notes.append(Self.resentNote) }
        return outcome
    }

    /// What the record of a request sent twice within its attempt says (``closedWhileIdle(_:)``).
    static let resentNote =
        "sent twice: the kept-alive connection it went on first was reset, or closed within a second, without "
        + "answering, as a server closing an idle connection does; the copy on a new connection has the same webhook-id"

    /// Closes every connection and refuses new requests.
    func shutdown() async throws {
        let channels = state.withLock { state -> [any Channel] in
            state.isShutDown = true
            defer {
                state.open = [:]
                state.idle = [:]
                state.idleCount = 0
            }
            return Array(state.open.values)
        }
        // All at once: a TLS connection waits for the server's `close_notify` before it is gone.
        let closing = channels.map { $0.close() }
        for closed in closing {
            try? await closed.get()
        }
    }

    /// How many connections are open, idle or busy.
    var openConnections: Int { state.withLock { $0.open.count } }

    // MARK: - Connections

    /// A reused connection the server closed while it sat idle: nothing of an answer came back,
    /// and either the connection was reset (the server's socket was gone, or it closed with the
    /// request unread in its buffer: it did not read it) or it was closed before the request was
    /// written or within ``HTTP1ExchangeHandler/idleCloseRaceWindow`` of it, most likely before
    /// the server read it. A later close is the caller's to record and retry (delivery.md §9 #18):
    /// the server may have acted on the request. The copy's record says it went twice.
    private static func closedWhileIdle(_ outcome: HTTP1ExchangeHandler.Outcome) -> Bool {
        guard !outcome.receivedAnything, let failure = outcome.failure else { return false }
        if let error = failure as? IOError, [ECONNRESET, EPIPE].contains(error.errnoCode) { return true }
        return failure is ConnectionClosedError && !outcome.mayHaveBeenProcessed
    }

    private func takeIdle(_ key: Key) throws -> Connection? {
        try state.withLock { state throws -> Connection? in
            guard !state.isShutDown else { throw ShutDownError() }
            guard let connection = state.idle[key]?.popLast() else { return nil }
            state.idleCount -= 1
            return connection
        }
    }

    private func release(_ connection: Connection, key: Key, reusable: Bool) {
        let keep = state.withLock { state -> Bool in
            guard reusable, !state.isShutDown, state.open[connection.id] != nil,
                state.idle[key, default: []].count < configuration.idleConnectionsPerHost,
                state.idleCount < configuration.maximumIdleConnections
            else { return false }
            state.idle[key, default: []].append(connection)
            state.idleCount += 1
            return true
        }
        if !keep { connection.channel.close(promise: nil) }
    }

    private func connect(_ key: Key, deadline: NIODeadline) async throws -> Connection {
        let eventLoop = group.next()
        let remaining = deadline - .now()
        guard remaining > .zero else { throw DeadlineExceeded() }
        // The connect budget covers the TLS handshake as well as the TCP connect.
        let connectBudget = min(configuration.connectTimeout, remaining)
        let connectDeadline = NIODeadline.now() + connectBudget
        let idleTimeout = configuration.idleTimeout
        let tls = try key.tls.map { peer in
            // SNI carries names only; with an IP literal the certificate must name the address.
            let identity = TLSServiceIdentity(host: peer.host)
            return (
                context: try tlsContexts.context(trusting: peer.trustRoots), serverName: identity.serverName,
                identity: identity
            )
        }
        // Kept from the initializer rather than looked up after the connect: a server that speaks
        // first may have had the connection closed, and its handlers removed, by then.
        let created = NIOLockedValueBox<NIOLoopBound<HTTP1ExchangeHandler>?>(nil)
        let established = NIOLockedValueBox<EventLoopFuture<Void>?>(nil)
        let channel = try await ClientBootstrap(group: eventLoop)
            .connectTimeout(connectBudget)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let handler = HTTP1ExchangeHandler(idleTimeout: idleTimeout)
                    if let tls {
                        try channel.pipeline.syncOperations.addHandler(
                            NIOSSLClientHandler(context: tls.context, serverHostname: tls.serverName))
                        let gate = TLSIdentityGate(identity: tls.identity, until: connectDeadline, budget: connectBudget)
                        try channel.pipeline.syncOperations.addHandler(gate)
                        established.withLockedValue { $0 = gate.established }
                    }
                    try channel.pipeline.syncOperations.addHandler(BareLineFeedHandler())
                    try channel.pipeline.syncOperations.addHandler(ResponseFramingHandler())
                    // HTTP1Request already refused a header name that is not a token and a value with
                    // a control character: SwiftNIO's validator would check each header again.
                    try channel.pipeline.syncOperations.addHTTPClientHandlers(enableOutboundHeaderValidation: false)
                    try channel.pipeline.syncOperations.addHandler(handler)
                    created.withLockedValue { $0 = NIOLoopBound(handler, eventLoop: channel.eventLoop) }
                }
            }
            .connect(to: SocketAddress(key.address, port: key.port))
            .get()
        guard let handler = created.withLockedValue({ $0 }) else {
            channel.close(promise: nil)
            throw ConnectionClosedError()
        }
        if let handshake = established.withLockedValue({ $0 }) {
            do {
                try await handshake.get()
            } catch {
                channel.close(promise: nil)
                throw error
            }
        }
        let connection = Connection(channel: channel, handler: handler)
        let id = connection.id
        let admitted = state.withLock { state -> Bool in
            guard !state.isShutDown else { return false }
            state.open[id] = channel
            return true
        }
        guard admitted else {
            try? await channel.close()
            throw ShutDownError()
        }
        channel.closeFuture.whenComplete { [weak self] _ in
            self?.state.withLock { state in
                state.open[id] = nil
                if let position = state.idle[key]?.firstIndex(where: { $0.id == id }) {
                    state.idle[key]?.remove(at: position)
                    state.idleCount -= 1
                }
                if state.idle[key]?.isEmpty == true { state.idle[key] = nil }
            }
        }
        return connection
    }

    private func run(
        _ request: HTTP1Request, on connection: Connection, limit: Int, deadline: NIODeadline
    ) async -> HTTP1ExchangeHandler.Outcome {
        let eventLoop = connection.channel.eventLoop
        let promise = eventLoop.makePromise(of: HTTP1ExchangeHandler.Outcome.self)
        let handler = connection.handler
        eventLoop.execute { handler.value.start(request, limit: limit, deadline: deadline, promise: promise) }
        return await withTaskCancellationHandler {
            // The handler never fails the promise.
            (try? await promise.futureResult.get())
                ?? HTTP1ExchangeHandler.Outcome(
                    response: ExchangeResponse(), failure: ConnectionClosedError(), reusable: false, receivedAnything: false,
                    mayHaveBeenProcessed: true)
        } onCancel: {
            eventLoop.execute { handler.value.cancel(promise) }
        }
    }
}

extension SocketAddress {
    /// The socket address of a checked IP address.
    init(_ address: IPAddress, port: Int) throws {
        self = try SocketAddress(ipAddress: address.description, port: port)
    }
}
