import Foundation
import NIOCore
import NIOHTTP1
import StudioModel

/// Holds both servers to the HTTP/1 rules that turn on what a request's head says about the
/// connection — its version and its `Connection` options, which the HTTP-types parts the
/// application reads no longer carry — and answers the heads the decoder refuses as too large.
///
/// - A request of HTTP/1.0 without a `keep-alive` option, or one with a `close` option, is the
///   connection's last (RFC 9112 §9.3, §9.6): its answer says `Connection: close`, no request
///   after it is read, and the connection is closed once the answer is sent. An HTTP/1.0 request
///   with `keep-alive` is answered `Connection: keep-alive`, which it needs to keep the connection.
///   An answer that says `Connection: close` closes it too.
/// - An HTTP/1.0 client is sent no 1xx (RFC 9110 §15.2), so its `Expect: 100-continue` goes
///   unanswered, as §10.1.1 requires. Nor is it sent a chunked body (RFC 9112 §6.1): an answer
///   of unknown length goes out as HTTP/1.0, framed by the close.
/// - A head the decoder refuses as too large gets `414 URI Too Long` when its request line never
///   ended (RFC 9112 §3), else `431 Request Header Fields Too Large` (RFC 6585 §5); a method it
///   does not know, `501 Not Implemented` (RFC 9110 §9.1); HTTP/2 or a later major version in a
///   request line, `505 HTTP Version Not Supported` (§15.6.6). A head it reads can still be
///   refused for its `Host` fields, its target or its transfer coding (``refusal(of:)``); any
///   other head the decoder cannot read is 400 saying why. Each is answered after the answers
///   before it, in the server's ``RefusalFormat``, and the connection is closed.
///
/// An answer written before its request's body was read through (a 413 from the head, a 401
/// to an upload) leaves the rest of the body to be drained, so that a client that sends it
/// whole before reading gets the answer and keeps its connection; but no more than
/// ``drainLimit`` of it: an answer to a body declared longer says `Connection: close` (RFC 9110
/// §15.5.14 allows it), and a connection that drains more (a chunked body) is closed outright.
/// Otherwise one client could push any amount through a refusal. An answer before the body of
/// a request that asked for `100 Continue` and was not sent it says `Connection: close` too: its
/// client may skip the body (RFC 9110 §10.1.1), and its next request would be read as the body.
///
/// Closing shuts the sending half only and reads on, dropping what comes: a full close with the
/// client's bytes unread would reset the connection, and the answer could be lost with it (RFC
/// 9112 §9.6). The client closes on seeing the end, or ``ConnectionDeadlineHandler`` does, or the
/// tracker once it dropped ``drainLimit`` bytes (nginx's lingering close bounds the same by time).
///
/// It sits between SwiftNIO's HTTP/1 codec and the conversion to HTTP types, with its
/// ``RequestHeadTracker`` before the decoder: ``install(in:)`` puts them there.
final class HTTP1ConnectionHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart
    typealias OutboundIn = HTTPServerResponsePart
    typealias OutboundOut = HTTPServerResponsePart

    /// What an answer needs to know of its request.
    private struct Request {
        var isHTTP10: Bool
        var isKeepAlive: Bool
        /// It asks for `100 Continue` before its body, and was sent none yet.
        var awaitsContinue = false
        /// Its answer closes the connection.
        var closes = false
    }

    /// What of a body answered before it was read is drained at most: enough for a body
    /// somewhat over a limit (a 10 MB batch against 4 MiB) sent whole before its answer is read.
    static let drainLimit = 32 << 20

    private let tracker: RequestHeadTracker
    /// The body being read was answered already: what comes of it is drained, and counted.
    private var drainingAnsweredBody = false
    private var drainedBytes = 0
    /// Requests read whose answer has not ended, oldest first.
    private var unanswered: CircularBuffer<Request> = []
    /// A head was read and its end not yet.
    private var readingRequest = false
    /// The request being read is the connection's last.
    private var readingLastRequest = false
    /// Nothing more is read: the last request was, or the connection is closing.
    private var readsNoMore = false
    /// A refusal of a request from its head, answered with a short plain body.
    struct Refusal: Equatable {
        var status: HTTPResponseStatus
        /// Why, after the status's reason phrase in the body; nil for the reason phrase alone.
        var detail: String?
    }

    /// How a refusal's body says why.
    enum RefusalFormat: Sendable {
        /// `text/plain`: the reason phrase and why (the receiver's).
        case plain
        /// Iterable's error answer, `{"msg", "code": "GenericError", "params"}` (the ingest API's),
        /// which its clients parse whatever the status.
        case iterableJSON
    }

    private let format: RefusalFormat
    /// The answer to a head refused, waiting for the answers before it to end.
    private var pendingRefusal: Refusal?
    private var outputClosed = false

    private init(tracker: RequestHeadTracker, format: RefusalFormat) {
        self.tracker = tracker
        self.format = format
    }

    /// Adds the handler after the HTTP/1 decoder of `pipeline`, and its tracker before it.
    static func install(in pipeline: ChannelPipeline.SynchronousOperations, refusing format: RefusalFormat) throws {
        let decoder = try pipeline.handler(type: ByteToMessageHandler<HTTPRequestDecoder>.self)
        let tracker = RequestHeadTracker()
        try pipeline.addHandler(tracker, position: .before(decoder))
        try pipeline.addHandler(HTTP1ConnectionHandler(tracker: tracker, format: format), position: .after(decoder))
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !readsNoMore else { return }
        switch unwrapInboundIn(data) {
        case .head(var head):
            if let refusal = Self.refusal(of: &head) { return refuse(refusal, context: context) }
            readingRequest = true
            readingLastRequest = !head.isKeepAlive
            let expectsContinue = head.headers["expect"].contains { $0.lowercased() == "100-continue" }
            unanswered.append(
                Request(isHTTP10: head.version == .http1_0, isKeepAlive: head.isKeepAlive, awaitsContinue: expectsContinue))
            let chunked = head.headers.contains(name: "transfer-encoding")
            tracker.headRead(bodyLength: chunked ? nil : head.headers.first(name: "content-length").flatMap(Int.init) ?? 0)
            context.fireChannelRead(wrapInboundOut(.head(head)))
            return
        case .body(let part):
            if drainingAnsweredBody {
                drainedBytes += part.readableBytes
                if drainedBytes > Self.drainLimit { return context.close(promise: nil) }
            }
        case .end:
            readingRequest = false
            drainingAnsweredBody = false
            drainedBytes = 0
            if readingLastRequest { stopReading() } else { tracker.requestEnded() }
        }
        context.fireChannelRead(data)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if error is RequestHeadTracker.TunnelRequest {
            if !readsNoMore { refuse(.tunnel, context: context) }
            return
        }
        guard let error = error as? HTTPParserError else { return context.fireErrorCaught(error) }
        // A request after the last one: not read, so not answered either.
        if readsNoMore { return }
        // An error in a chunked body (an overflow in its trailers) is the request's own, not a head to refuse.
        guard !readingRequest else { return context.fireErrorCaught(error) }
        switch error {
        case .headerOverflow:
            if case .requestLine = tracker.position {
                refuse(Refusal(status: .uriTooLong), context: context)
            } else {
                refuse(Refusal(status: .requestHeaderFieldsTooLarge), context: context)
            }
        case .invalidMethod where tracker.startsWithMethod:
            refuse(Refusal(status: .notImplemented, detail: "the method is not one this server knows"), context: context)
        case .invalidVersion where tracker.majorVersion ?? 0 >= 2:
            refuse(
                Refusal(status: .httpVersionNotSupported, detail: "this server speaks HTTP/1.1 (and HTTP/1.0)"),
                context: context)
        default:
            // Hummingbird would answer 400 with no body; this one says what is wrong.
            refuse(Refusal(status: .badRequest, detail: Self.explanation(of: error, readBy: tracker)), context: context)
        }
    }

    /// Answers `refusal` once the requests before it are answered, and reads nothing more.
    private func refuse(_ refusal: Refusal, context: ChannelHandlerContext) {
        pendingRefusal = refusal
        stopReading()
        if unanswered.isEmpty { sendRefusal(context: context) }
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        guard !outputClosed, let request = unanswered.first else { return context.write(data, promise: promise) }
        switch unwrapOutboundIn(data) {
        case .head(let head) where head.status.code < 200:
            guard !request.isHTTP10 else { promise?.succeed(); return }
            if head.status == .continue { unanswered[unanswered.startIndex].awaitsContinue = false }
            context.write(data, promise: promise)
        case .head(var head):
            let answersEarly = readingRequest && unanswered.count == 1
            drainingAnsweredBody = answersEarly
            // A client told no `100 Continue` may send its body or not (RFC 9110 §10.1.1): what
            // comes next could be either, so nothing more is read.
            let abandonsBody = answersEarly && (request.awaitsContinue || tracker.hasBodyToCome(over: Self.drainLimit))
            unanswered[unanswered.startIndex].closes = Self.prepare(&head, answering: request, closing: abandonsBody)
            context.write(wrapOutboundOut(.head(head)), promise: promise)
        case .body:
            context.write(data, promise: promise)
        case .end:
            unanswered.removeFirst()
            if request.closes {
                context.writeAndFlush(data, promise: promise)
                closeOutput(context: context)
            } else {
                context.write(data, promise: promise)
                if unanswered.isEmpty, pendingRefusal != nil { sendRefusal(context: context) }
            }
        }
    }

    /// Fits an answer's head to its request: the `Connection` option and, for HTTP/1.0, the
    /// framing. Returns whether the connection closes after it: when `closing`, or as the request
    /// or the answer asks.
    private static func prepare(_ head: inout HTTPResponseHead, answering request: Request, closing: Bool) -> Bool {
        var closes = closing || !request.isKeepAlive || !head.isKeepAlive
        if request.isHTTP10 {
            // Without a length, SwiftNIO would chunk the body of an HTTP/1.1 answer.
            if head.status.mayHaveResponseBody, !head.headers.contains(name: "content-length") {
                head.version = .http1_0
                head.headers.remove(name: "transfer-encoding")
                closes = true
            }
            head.headers.replaceOrAdd(name: "connection", value: closes ? "close" : "keep-alive")
        } else if closes {
            head.headers.replaceOrAdd(name: "connection", value: "close")
        }
        return closes
    }

    private func stopReading() {
        readsNoMore = true
        tracker.discard()
    }

    /// Sends ``pendingRefusal`` with a short plain body, then closes.
    private func sendRefusal(context: ChannelHandlerContext) {
        guard let refusal = pendingRefusal else { return }
        pendingRefusal = nil
        let status = refusal.status
        let why = "\(status.reasonPhrase)\(refusal.detail.map { ": \($0)" } ?? "")"
        let (body, type) =
            switch format {
            case .plain: (ByteBuffer(string: why + "\n"), "text/plain; charset=utf-8")
            case .iterableJSON:
                (ByteBuffer(string: JSONValue.object(["msg": .string(why), "code": "GenericError", "params": .null]).jsonText),
                 "application/json")
            }
        let headers = HTTPHeaders([
            ("date", HTTPDate.format(Date())), ("content-type", type),
            ("content-length", "\(body.readableBytes)"), ("connection", "close"),
        ])
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: status, headers: headers))), promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(body))), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        closeOutput(context: context)
    }

    private func closeOutput(context: ChannelHandlerContext) {
        outputClosed = true
        stopReading()
        context.close(mode: .output, promise: nil)
    }
}

@available(*, unavailable)
extension HTTP1ConnectionHandler: Sendable {}
