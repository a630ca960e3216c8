import NIOCore
import NIOPosix
import NIOSSL
import Synchronization

/// A TCP server on 127.0.0.1:0 that answers every connection with fixed bytes once the request
/// starts arriving, then closes it (or keeps it open): for answers no HTTP server framework would send.
///
/// ```swift
/// let server = try await RawAnswerServer.start(answer: Array("SSH-2.0-OpenSSH_9.2\r\n".utf8))
/// defer { … try await server.shutdown() }
/// ```
final class RawAnswerServer: Sendable {
    let port: Int
    private let channel: any Channel
    private let isTLS: Bool
    private let seen: Seen

    var baseURL: String { "\(isTLS ? "https" : "http")://127.0.0.1:\(port)" }
    /// Every byte the server read, of all connections, in order: what was on the wire.
    var received: String { String(decoding: seen.bytes.withLock { $0 }, as: UTF8.self) }
    /// Connections the client (or the server) has closed so far.
    var closedConnections: Int { seen.closedConnections.withLock { $0 } }

    private init(port: Int, channel: any Channel, isTLS: Bool, seen: Seen) {
        self.port = port
        self.channel = channel
        self.isTLS = isTLS
        self.seen = seen
    }

    /// - Parameters:
    ///   - onConnect: Send `answer` as soon as a client connects, as an SSH server sends its
    ///     banner, and close when the client then writes anything.
    ///   - keepOpen: Send `answer` for every read and leave the connection open, so that the
    ///     client decides whether to send another request on it.
    ///   - certificate: Speak TLS, presenting `Fixtures/tls/<certificate>.pem` (see
    ///     ``HTTPSTestServer``); `answer` then goes inside it. Default: nil, plain TCP.
    ///   - splitAfter: With `keepOpen`, send the answer's first this many bytes at once and the
    ///     rest 50 ms later, when the client has taken the first part as a whole answer (or later
    ///     still, on a loaded machine: wait for what the client does with it, not for a time).
    static func start(
        answer: [UInt8], onConnect: Bool = false, keepOpen: Bool = false, certificate: String? = nil,
        splitAfter: Int? = nil
    ) async throws -> RawAnswerServer {
        let tls = try certificate.map { name in
            let chain = try NIOSSLCertificate.fromPEMFile(try TLSFixtures.path(name + ".pem"))
            let key = try NIOSSLPrivateKey(file: try TLSFixtures.path("leaf.key"), format: .pem)
            return try NIOSSLContext(
                configuration: .makeServerConfiguration(certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(key)))
        }
        let seen = Seen()
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let tls { try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: tls)) }
                    try channel.pipeline.syncOperations.addHandler(
                        Answerer(
                            answer: answer, onConnect: onConnect, keepOpen: keepOpen, splitAfter: splitAfter,
                            seen: seen))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        return RawAnswerServer(
            port: channel.localAddress?.port ?? 0, channel: channel, isTLS: tls != nil, seen: seen)
    }

    func shutdown() async throws {
        try await channel.close()
    }

    /// What the server saw of its clients, from every connection.
    private final class Seen: Sendable {
        let bytes = Mutex<[UInt8]>([])
        let closedConnections = Mutex(0)
    }

    private final class Answerer: ChannelInboundHandler, Sendable {
        typealias InboundIn = ByteBuffer
        let answer: [UInt8]
        let onConnect: Bool
        let keepOpen: Bool
        let splitAfter: Int?
        let seen: Seen

        init(answer: [UInt8], onConnect: Bool, keepOpen: Bool, splitAfter: Int?, seen: Seen) {
            self.answer = answer
            self.onConnect = onConnect
            self.keepOpen = keepOpen
            self.splitAfter = splitAfter
            self.seen = seen
        }

        func channelInactive(context: ChannelHandlerContext) {
            seen.closedConnections.withLock { $0 += 1 }
            context.fireChannelInactive()
        }

        func channelActive(context: ChannelHandlerContext) {
            if onConnect { context.writeAndFlush(NIOAny(context.channel.allocator.buffer(bytes: answer)), promise: nil) }
            context.fireChannelActive()
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            let bytes = unwrapInboundIn(data).readableBytesView
            seen.bytes.withLock { $0 += bytes }
            guard context.channel.isActive else { return }
            guard !onConnect else { return context.close(promise: nil) }
            if keepOpen, let splitAfter {
                context.writeAndFlush(NIOAny(context.channel.allocator.buffer(bytes: answer.prefix(splitAfter))), promise: nil)
                let rest = context.channel.allocator.buffer(bytes: answer.dropFirst(splitAfter))
                context.eventLoop.assumeIsolated().scheduleTask(in: .milliseconds(50)) {
                    context.writeAndFlush(NIOAny(rest), promise: nil)
                }
                return
            }
            let buffer = context.channel.allocator.buffer(bytes: answer)
            guard !keepOpen else { return context.writeAndFlush(NIOAny(buffer), promise: nil) }
            context.writeAndFlush(NIOAny(buffer)).assumeIsolated().whenComplete { _ in context.close(promise: nil) }
        }
    }
}
