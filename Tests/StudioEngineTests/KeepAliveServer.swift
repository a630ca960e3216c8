import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// An HTTP/1.1 server on 127.0.0.1:0 (or [::1]:0) that tells which connection each request came on, for
/// the client's connection reuse. It answers `204`, and after answering may close the
/// connection silently (as a server does with an idle keep-alive connection), close it with
/// `Connection: close`, never answer at all, or answer a connection's first request and close it
/// unanswered some time after its second arrived (a receiver that crashed while processing it).
///
/// ```swift
/// let server = try await KeepAliveServer.start(afterAnswer: .keepOpen)
/// … send requests to server.baseURL …
/// #expect(server.requests.map(\.connection) == [0, 0, 0])
/// ```
final class KeepAliveServer: Sendable {
    enum AfterAnswer: Sendable {
        case keepOpen
        case closeSilently
        case closeWithHeader
        case neverAnswer
        case dropTheSecondRequest(after: TimeAmount)
    }

    struct Request: Sendable {
        /// Which accepted connection carried it, from 0.
        var connection: Int
        var head: HTTPRequestHead
        var body: [UInt8]
    }

    private struct State {
        var requests: [Request] = []
        var accepted = 0
        var closed = 0
    }

    let port: Int
    /// The URL authority's host: `127.0.0.1`, or `[::1]` on IPv6 loopback.
    let host: String
    private let channel: any Channel
    private let shared: SharedState

    var baseURL: String { "http://\(host):\(port)" }
    var requests: [Request] { shared.state.withLock { $0.requests } }
    var acceptedConnections: Int { shared.state.withLock { $0.accepted } }
    var closedConnections: Int { shared.state.withLock { $0.closed } }

    private init(port: Int, host: String, channel: any Channel, shared: SharedState) {
        self.port = port
        self.host = host
        self.channel = channel
        self.shared = shared
    }

    /// - Parameter address: `127.0.0.1` or `::1`.
    static func start(afterAnswer: AfterAnswer, address: String = "127.0.0.1") async throws -> KeepAliveServer {
        let shared = SharedState()
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                let number = shared.state.withLock { state in
                    defer { state.accepted += 1 }
                    return state.accepted
                }
                channel.closeFuture.whenComplete { _ in shared.state.withLock { $0.closed += 1 } }
                return channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    try channel.pipeline.syncOperations.addHandler(
                        Answerer(connection: number, afterAnswer: afterAnswer, shared: shared))
                }
            }
            .bind(host: address, port: 0).get()
        return KeepAliveServer(
            port: channel.localAddress?.port ?? 0, host: address.contains(":") ? "[\(address)]" : address,
            channel: channel, shared: shared)
    }

    func shutdown() async throws {
        try await channel.close()
    }

    /// The state the server's handlers write and the test reads.
    private final class SharedState: Sendable {
        let state = Mutex(State())
    }

    private final class Answerer: ChannelInboundHandler {
        typealias InboundIn = HTTPServerRequestPart
        typealias OutboundOut = HTTPServerResponsePart

        let connection: Int
        let afterAnswer: AfterAnswer
        let shared: SharedState
        var head: HTTPRequestHead?
        var body: [UInt8] = []
        /// Requests read on this connection.
        var received = 0

        init(connection: Int, afterAnswer: AfterAnswer, shared: SharedState) {
            self.connection = connection
            self.afterAnswer = afterAnswer
            self.shared = shared
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            switch unwrapInboundIn(data) {
            case .head(let head):
                self.head = head
                body = []
            case .body(let buffer):
                body += buffer.readableBytesView
            case .end:
                guard let head else { return }
                shared.state.withLock { $0.requests.append(Request(connection: connection, head: head, body: body)) }
                received += 1
                if case .dropTheSecondRequest(let delay) = afterAnswer, received > 1 {
                    context.eventLoop.assumeIsolated().scheduleTask(in: delay) { context.close(promise: nil) }
                    return
                }
                answer(context)
            }
        }

        private func answer(_ context: ChannelHandlerContext) {
            var close = false
            var headers = HTTPHeaders()
            switch afterAnswer {
            case .neverAnswer: return
            case .keepOpen, .dropTheSecondRequest: break
            case .closeSilently: close = true
            case .closeWithHeader:
                close = true
                headers.add(name: "Connection", value: "close")
            }
            context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: .noContent, headers: headers))), promise: nil)
            context.writeAndFlush(wrapOutboundOut(.end(nil))).assumeIsolated().whenComplete { _ in
                if close { context.close(promise: nil) }
            }
        }
    }
}
