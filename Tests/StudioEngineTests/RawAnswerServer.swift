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
    private let receivedBytes: ReceivedBytes

    var baseURL: String { "\(isTLS ? "https" : "http")://127.0.0.1:\(port)" }
    /// Every byte the server read, of all connections, in order: what was on the wire.
    var received: String { String(decoding: receivedBytes.bytes.withLock { $0 }, as: UTF8.self) }

    private init(port: Int, channel: any Channel, isTLS: Bool, receivedBytes: ReceivedBytes) {
        self.port = port
        self.channel = channel
        self.isTLS = isTLS
        self.receivedBytes = receivedBytes
    }

    /// - Parameters:
    ///   - onConnect: Send `answer` as soon as a client connects, as an SSH server sends its
    ///     banner, and close when the client then writes anything.
    ///   - keepOpen: Send `answer` for every read and leave the connection open, so that the
    ///     client decides whether to send another request on it.
    ///   - certificate: Speak TLS, presenting `Fixtures/tls/<certificate>.pem` (see
    ///     ``HTTPSTestServer``); `answer` then goes inside it. Default: nil, plain TCP.
    ///   - splitAfter: With `keepOpen`, send the answer's first this many bytes at once and the
    ///     rest 50 ms later, when the client has taken the first part as a whole answer.
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
        let receivedBytes = ReceivedBytes()
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let tls { try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: tls)) }
                    try channel.pipeline.syncOperations.addHandler(
                        Answerer(
                            answer: answer, onConnect: onConnect, keepOpen: keepOpen, splitAfter: splitAfter,
                            received: receivedBytes))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        return RawAnswerServer(
            port: channel.localAddress?.port ?? 0, channel: channel, isTLS: tls != nil, receivedBytes: receivedBytes)
    }

    func shutdown() async throws {
        try await channel.close()
    }

    private final class ReceivedBytes: Sendable {
        let bytes = Mutex<[UInt8]>([])
    }

    private final class Answerer: ChannelInboundHandler, Sendable {
        typealias InboundIn = ByteBuffer
        let answer: [UInt8]
        let onConnect: Bool
        let keepOpen: Bool
        let splitAfter: Int?
        let received: ReceivedBytes

        init(answer: [UInt8], onConnect: Bool, keepOpen: Bool, splitAfter: Int?, received: ReceivedBytes) {
            self.answer = answer
            self.onConnect = onConnect
            self.keepOpen = keepOpen
            self.splitAfter = splitAfter
            self.received = received
        }

        func channelActive(context: ChannelHandlerContext) {
            if onConnect { context.writeAndFlush(NIOAny(context.channel.allocator.buffer(bytes: answer)), promise: nil) }
            context.fireChannelActive()
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            let bytes = unwrapInboundIn(data).readableBytesView
            received.bytes.withLock { $0 += bytes }
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
