import NIOCore
import NIOSSL
import NIOTLS

/// Decides whether a new TLS connection may carry requests: once the handshake is done, the
/// server's certificate must name the host (``TLSServiceIdentity``), before the connect
/// deadline. ``established`` says which; the pool hands the connection out only when it
/// succeeds, so no byte of a request reaches a server that is not the one asked for.
///
/// Sits after SwiftNIO SSL's handler, which is configured to verify the chain only. The deadline
/// is kept here, on the event loop where the handshake ends, so whichever comes first decides:
/// a timer in the waiting task would race a handshake that has just finished.
final class TLSIdentityGate: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    private let identity: TLSServiceIdentity
    private let deadline: NIODeadline
    private let budget: TimeAmount
    private var establishing: EventLoopPromise<Void>?
    private var timer: Scheduled<Void>?
    /// Succeeds once the certificate is found to name the host; fails with the handshake's
    /// error, ``TLSHostnameMismatchError``, ``TLSHandshakeTimeoutError``, or
    /// ``ConnectionClosedError`` when the server closes first. Made when the handler joins its
    /// channel's pipeline.
    private(set) var established: EventLoopFuture<Void>?

    init(identity: TLSServiceIdentity, until deadline: NIODeadline, budget: TimeAmount) {
        self.identity = identity
        self.deadline = deadline
        self.budget = budget
    }

    func handlerAdded(context: ChannelHandlerContext) {
        let promise = context.eventLoop.makePromise(of: Void.self)
        establishing = promise
        established = promise.futureResult
        timer = context.eventLoop.assumeIsolated().scheduleTask(deadline: deadline) {
            self.settle(failing: TLSHandshakeTimeoutError(budget: self.budget))
            context.close(promise: nil)
        }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        settle(failing: ConnectionClosedError())
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if case .handshakeCompleted? = event as? TLSUserEvent {
            let certificate = try? context.pipeline.syncOperations.handler(type: NIOSSLClientHandler.self).peerCertificate
            if let certificate, identity.isNamed(by: certificate) {
                timer?.cancel()
                establishing?.succeed()
            } else {
                settle(failing: TLSHostnameMismatchError(host: identity.host))
                context.close(promise: nil)
            }
        }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // A failed handshake; once established, errors are the exchange's.
        settle(failing: error)
        context.fireErrorCaught(error)
    }

    func channelInactive(context: ChannelHandlerContext) {
        // The server closed the connection during the handshake, without a TLS alert.
        settle(failing: ConnectionClosedError())
        context.fireChannelInactive()
    }

    /// Fails ``established`` unless it is settled already.
    private func settle(failing error: any Error) {
        timer?.cancel()
        establishing?.fail(error)
    }
}

/// The TLS handshake did not finish within the connect budget (delivery.md §8.3's connect
/// timeout covers it, as it covers the TCP connect).
struct TLSHandshakeTimeoutError: Error, CustomStringConvertible {
    var budget: TimeAmount
    var description: String {
        "the TLS handshake did not finish within the connect timeout (\(budget.secondsText))"
    }
}
