import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import NIOTLS
import Synchronization

/// An HTTPS server on 127.0.0.1:0 that answers every request `200 ok`, presenting one of the
/// fixture certificates in `Fixtures/tls` (see the README there), and counts the requests it
/// receives, so a test can tell that a failed handshake let no request through. It keeps the
/// server name (SNI) of each client hello, as sent.
///
/// ```swift
/// let server = try await HTTPSTestServer.start(certificate: "expired")
/// defer { … try await server.shutdown() }
/// print(server.baseURL)   // https://127.0.0.1:41234
/// ```
final class HTTPSTestServer: Sendable {
    let port: Int
    private let channel: any Channel
    private let requests: Counter
    private let names: ServerNames

    var baseURL: String { "https://127.0.0.1:\(port)" }

    /// How many HTTP request heads arrived over a completed handshake.
    var requestCount: Int { requests.value }

    /// The server name of each client hello, in order, as it came; nil for a hello without one.
    var serverNames: [String?] { names.received }

    private init(port: Int, channel: any Channel, requests: Counter, names: ServerNames) {
        self.port = port
        self.channel = channel
        self.requests = requests
        self.names = names
    }

    /// Starts serving `Fixtures/tls/<certificate>.pem` with the fixtures' leaf key.
    static func start(certificate: String) async throws -> HTTPSTestServer {
        let chain = try NIOSSLCertificate.fromPEMFile(try TLSFixtures.path(certificate + ".pem"))
        let key = try NIOSSLPrivateKey(file: try TLSFixtures.path("leaf.key"), format: .pem)
        let configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(key))
        let context = try NIOSSLContext(configuration: configuration)
        let requests = Counter()
        let names = ServerNames()
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let pipeline = channel.pipeline.syncOperations
                    // Reads the client hello as it came, before the TLS handler takes it.
                    try pipeline.addHandler(
                        ByteToMessageHandler(
                            SNIHandler { [eventLoop = channel.eventLoop] result in
                                names.append(result)
                                return eventLoop.makeSucceededVoidFuture()
                            }))
                    try pipeline.addHandler(NIOSSLServerHandler(context: context))
                    try pipeline.configureHTTPServerPipeline()
                    try pipeline.addHandler(OKResponder(requests: requests))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        guard let port = channel.localAddress?.port else {
            try? await channel.close()
            throw TLSFixtures.Missing(name: "the server's port")
        }
        return HTTPSTestServer(port: port, channel: channel, requests: requests, names: names)
    }

    func shutdown() async throws {
        try await channel.close()
    }

    /// Runs `body` with a server that is shut down afterwards, whatever happens.
    static func with<T: Sendable>(certificate: String, _ body: (HTTPSTestServer) async throws -> T) async throws -> T {
        let server = try await start(certificate: certificate)
        do {
            let result = try await body(server)
            try await server.shutdown()
            return result
        } catch {
            try? await server.shutdown()
            throw error
        }
    }

    final class Counter: Sendable {
        private let count = Atomic<Int>(0)
        var value: Int { count.load(ordering: .sequentiallyConsistent) }
        func increment() { count.add(1, ordering: .sequentiallyConsistent) }
    }

    final class ServerNames: Sendable {
        private let names = Mutex<[String?]>([])
        var received: [String?] { names.withLock { $0 } }
        func append(_ result: SNIResult) {
            names.withLock { names in
                switch result {
                case .hostname(let name): names.append(name)
                case .fallback: names.append(nil)
                }
            }
        }
    }

    /// Counts each request head and answers `200 ok` at its end; closes the connection on errors
    /// (a client that rejects the certificate aborts the handshake).
    private final class OKResponder: ChannelInboundHandler {
        typealias InboundIn = HTTPServerRequestPart
        typealias OutboundOut = HTTPServerResponsePart

        let requests: Counter

        init(requests: Counter) { self.requests = requests }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            switch unwrapInboundIn(data) {
            case .head:
                requests.increment()
            case .body:
                break
            case .end:
                var headers = HTTPHeaders()
                headers.add(name: "Content-Length", value: "2")
                let head = HTTPResponseHead(version: .http1_1, status: .ok, headers: headers)
                context.write(wrapOutboundOut(.head(head)), promise: nil)
                context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(string: "ok")))), promise: nil)
                context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
            }
        }

        func errorCaught(context: ChannelHandlerContext, error: any Error) {
            context.close(promise: nil)
        }
    }
}

/// The certificates in `Fixtures/tls` (made once with openssl; see the README there).
enum TLSFixtures {
    struct Missing: Error, CustomStringConvertible {
        var name: String
        var description: String { "test fixture not found: \(name)" }
    }

    /// The path of `Fixtures/tls/<name>`.
    static func path(_ name: String) throws -> String {
        let url = Bundle.module.resourceURL?.appendingPathComponent("Fixtures/tls/\(name)")
        guard let url, FileManager.default.fileExists(atPath: url.path) else { throw Missing(name: name) }
        return url.path
    }

    /// The text of `Fixtures/tls/<name>`.
    static func text(_ name: String) throws -> String {
        try String(contentsOfFile: try path(name), encoding: .utf8)
    }
}
