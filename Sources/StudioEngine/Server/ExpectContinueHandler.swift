import HTTPTypes
import NIOCore
import NIOHTTPTypes

/// Answers `100 Continue` to a request head that carries `Expect: 100-continue`, as curl sends
/// for a body over 1 MiB: without it, the client waits a second before sending the body anyway.
///
/// A head that declares a body over `bodyLimit` gets no `100 Continue`: the server answers 413
/// from the head alone (``HTTPFields/declaresBody(over:)``) and the client need not send it.
final class ExpectContinueHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundOut = HTTPResponsePart

    private let bodyLimit: Int

    init(bodyLimit: Int) {
        self.bodyLimit = bodyLimit
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if case .head(let head) = unwrapInboundIn(data),
            head.headerFields[.expect]?.lowercased() == "100-continue",
            !head.headerFields.declaresBody(over: bodyLimit)
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
