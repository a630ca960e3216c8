import HTTPTypes
import NIOCore
import NIOHTTPTypes

/// Answers `100 Continue` to a request head that carries `Expect: 100-continue`, as curl sends
/// for a body over 1 MiB: without it, the client waits a second before sending the body anyway.
///
/// A head that declares a body over `bodyLimit`, or that `accepts` refuses (a wrong API key),
/// gets no `100 Continue`: the server answers from the head alone (413 for the size, by
/// ``HTTPFields/declaresBody(over:)``) and the client need not send the body.
final class ExpectContinueHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundOut = HTTPResponsePart

    private let bodyLimit: Int
    private let accepts: @Sendable (HTTPRequest) -> Bool

    init(bodyLimit: Int, accepts: @escaping @Sendable (HTTPRequest) -> Bool) {
        self.bodyLimit = bodyLimit
        self.accepts = accepts
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if case .head(let head) = unwrapInboundIn(data),
            head.headerFields[.expect]?.lowercased() == "100-continue",
            !head.headerFields.declaresBody(over: bodyLimit), accepts(head)
        {
            context.writeAndFlush(wrapOutboundOut(.head(HTTPResponse(status: .continue))), promise: nil)
        }
        context.fireChannelRead(data)
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
