import HTTPTypes
import Hummingbird
import HummingbirdCore
import Logging
import NIOCore

extension HTTPServerBuilder {
    /// HTTP/1.1 as both servers speak it: connections kept or closed as each request asks
    /// (``HTTP1ConnectionHandler``) and per `timeouts`, and `Expect: 100-continue` answered for
    /// bodies up to `bodyLimit` bytes of requests whose head `accepts` takes (by default, every one).
    static func hookline(
        timeouts: ConnectionTimeouts, bodyLimit: Int, refusing format: HTTP1ConnectionHandler.RefusalFormat = .plain,
        accepts: @escaping @Sendable (HTTPRequest) -> Bool = { _ in true }
    ) -> HTTPServerBuilder {
        HTTPServerBuilder { responder in
            HooklineHTTP1Channel(
                format: format,
                base: HTTP1Channel(
                    responder: responder,
                    configuration: .init(additionalChannelHandlers: [
                        ConnectionDeadlineHandler(timeouts: timeouts),
                        ExpectContinueHandler(bodyLimit: bodyLimit, accepts: accepts),
                    ])))
        }
    }
}

/// Hummingbird's HTTP/1 channel with ``HTTP1ConnectionHandler`` added: it needs the HTTP/1 heads,
/// which the additional channel handlers, after the conversion to HTTP types, no longer see.
private struct HooklineHTTP1Channel: ServerChildChannel {
    let format: HTTP1ConnectionHandler.RefusalFormat
    let base: HTTP1Channel

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<HTTP1Channel.Value> {
        base.setup(channel: channel, logger: logger).flatMapThrowing { [format] value in
            try HTTP1ConnectionHandler.install(in: channel.pipeline.syncOperations, refusing: format)
            return value
        }
    }

    func handle(value: HTTP1Channel.Value, logger: Logger) async {
        await base.handle(value: value, logger: logger)
    }
}
