import NIOCore
import NIOEmbedded
import NIOHTTP1
import Testing
@testable import StudioEngine

/// The exchange handler when the server writes with no request to answer: on a new connection
/// (an SSH banner) the next request fails as "not HTTP"; on a connection that already carried an
/// exchange it is a stale connection, which the pool may retry on a new one.
struct HTTP1ExchangeHandlerTests {
    static let banner = "SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n"

    /// The pool's pipeline on an embedded channel, and its exchange handler.
    static func connection() throws -> (EmbeddedChannel, HTTP1ExchangeHandler) {
        let channel = EmbeddedChannel()
        let handler = HTTP1ExchangeHandler(idleTimeout: .seconds(60))
        try channel.pipeline.syncOperations.addHandler(BareLineFeedHandler())
        try channel.pipeline.syncOperations.addHandler(ResponseFramingHandler())
        try channel.pipeline.syncOperations.addHTTPClientHandlers()
        try channel.pipeline.syncOperations.addHandler(handler)
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 80)).wait()
        return (channel, handler)
    }

    static func request() throws -> HTTP1Request {
        let target = PinnedTarget(
            url: "http://127.0.0.1/hook", host: "127.0.0.1", port: 80,
            address: try #require(IPAddress("127.0.0.1")), authorityHost: "127.0.0.1")
        return try HTTP1Request(makeRequest("http://127.0.0.1/hook"), to: target)
    }

    static func exchange(on channel: EmbeddedChannel, _ handler: HTTP1ExchangeHandler) throws -> EventLoopFuture<HTTP1ExchangeHandler.Outcome> {
        let promise = channel.eventLoop.makePromise(of: HTTP1ExchangeHandler.Outcome.self)
        handler.start(try request(), limit: 1024, deadline: .now() + .seconds(15), promise: promise)
        return promise.futureResult
    }

    @Test func aBannerBeforeTheFirstRequestFailsItAsNotHTTP() throws {
        let (channel, handler) = try Self.connection()
        try channel.writeInbound(ByteBuffer(string: Self.banner))
        let outcome = try Self.exchange(on: channel, handler).wait()
        #expect(outcome.failure is NotAnHTTPAnswerError, "\(String(describing: outcome.failure))")
        #expect(outcome.receivedAnything)
        _ = try? channel.finish()
    }

    @Test func junkOnAConnectionThatCarriedAnExchangeIsAStaleConnection() throws {
        let (channel, handler) = try Self.connection()
        let first = try Self.exchange(on: channel, handler)
        try channel.writeInbound(ByteBuffer(string: "HTTP/1.1 204 No Content\r\n\r\n"))
        #expect(try first.wait().response.status == 204)
        try channel.writeInbound(ByteBuffer(string: Self.banner))
        let outcome = try Self.exchange(on: channel, handler).wait()
        #expect(outcome.failure is ConnectionClosedError, "\(String(describing: outcome.failure))")
        #expect(!outcome.receivedAnything)
        _ = try? channel.finish()
    }
}
