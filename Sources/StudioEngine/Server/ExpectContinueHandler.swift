import HTTPTypes
import NIOCore
import NIOHTTPTypes

/// Answers `100 Continue` to a request head that carries `Expect: 100-continue`, as curl sends
/// for a body over 1 MiB: without it, the client waits a second before sending the body anyway.
///
/// A head that declares a body over `bodyLimit`, or that `accepts` refuses (a wrong API key),
/// gets no `100 Continue`: the server answers from the head alone (413 for the size, by
/// ``HTTPFields/declaresBody(over:)``) and the client need not send the body.
///
/// Answers go out in the order of the requests (RFC 9112 §9.3.2): the `100 Continue` of a
/// request pipelined behind one still being answered waits until that answer has ended; it was
/// written into the middle of the earlier answer's body.
///
/// An HTTP/1.0 request's expectation goes unanswered, as RFC 9110 §10.1.1 requires:
/// ``HTTP1ConnectionHandler``, which alone sees the request's version, sends its client no 1xx.
final class ExpectContinueHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    private let bodyLimit: Int
    private let accepts: @Sendable (HTTPRequest) -> Bool
    /// The requests read whose answer has not ended, oldest first: whether each still waits
    /// for its `100 Continue`.
    private var unanswered: CircularBuffer<Bool> = []

    init(bodyLimit: Int, accepts: @escaping @Sendable (HTTPRequest) -> Bool) {
        self.bodyLimit = bodyLimit
        self.accepts = accepts
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if case .head(let head) = unwrapInboundIn(data) {
            let wantsContinue =
                head.headerFields[.expect]?.lowercased() == "100-continue" && !head.headerFields.declaresBody(over: bodyLimit)
                && accepts(head)
            if wantsContinue, unanswered.isEmpty {
                context.writeAndFlush(wrapOutboundOut(.head(HTTPResponse(status: .continue))), promise: nil)
                unanswered.append(false)
            } else {
                unanswered.append(wantsContinue)
            }
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let part = unwrapOutboundIn(data)
        context.write(data, promise: promise)
        switch part {
        case .head(let head) where head.status.kind != .informational && !unanswered.isEmpty:
            // Answered without the body: a `100 Continue` after this would ask for it in vain.
            unanswered[unanswered.startIndex] = false
        case .end:
            guard !unanswered.isEmpty else { return }
            unanswered.removeFirst()
            if let next = unanswered.first, next {
                unanswered[unanswered.startIndex] = false
                context.write(wrapOutboundOut(.head(HTTPResponse(status: .continue))), promise: nil)
            }
        default:
            break
        }
    }
}

@available(*, unavailable)
extension ExpectContinueHandler: Sendable {}

extension HTTPFields {
    /// Whether `Content-Length` declares a body over `limit` bytes, which can be refused before it is read.
    func declaresBody(over limit: Int) -> Bool {
        guard let length = self[.contentLength].flatMap(Int.init) else { return false }
        return length > limit
    }
}
