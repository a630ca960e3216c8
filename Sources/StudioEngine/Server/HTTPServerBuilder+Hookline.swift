import HTTPTypes
import Hummingbird
import HummingbirdCore

extension HTTPServerBuilder {
    /// HTTP/1.1 as both servers speak it: connections closed per `timeouts`, and
    /// `Expect: 100-continue` answered for bodies up to `bodyLimit` bytes of requests whose head
    /// `accepts` takes (by default, every one).
    static func hookline(
        timeouts: ConnectionTimeouts, bodyLimit: Int, accepts: @escaping @Sendable (HTTPRequest) -> Bool = { _ in true }
    ) -> HTTPServerBuilder {
        .http1(
            configuration: .init(additionalChannelHandlers: [
                ConnectionDeadlineHandler(timeouts: timeouts), ExpectContinueHandler(bodyLimit: bodyLimit, accepts: accepts),
            ]))
    }
}
