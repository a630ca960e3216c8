import Hummingbird
import HummingbirdCore

extension HTTPServerBuilder {
    /// HTTP/1.1 as both servers speak it: connections closed per `timeouts`, and
    /// `Expect: 100-continue` answered for bodies up to `bodyLimit` bytes.
    static func hookline(timeouts: ConnectionTimeouts, bodyLimit: Int) -> HTTPServerBuilder {
        .http1(
            configuration: .init(additionalChannelHandlers: [
                ConnectionDeadlineHandler(timeouts: timeouts), ExpectContinueHandler(bodyLimit: bodyLimit),
            ]))
    }
}
