import NIOCore
import NIOSSL
import NIOTLS

/// Holds a TLS connection's writes until the handshake is done and the server's certificate
/// names the host (``TLSServiceIdentity``); then lets them through, or fails them and closes
/// the connection with ``TLSHostnameMismatchError``, so no byte of a request reaches a server
/// that is not the one asked for. ``established`` says which, for the pool's connect; a
/// handshake still going at the connect deadline fails it with ``TLSHandshakeTimeoutError``.
///
/// Sits between SwiftNIO SSL's handler, configured to verify the chain only, and the HTTP
/// codec. SwiftNIO SSL holds writes until its handshake ends, but would send them before a
/// check made on its completion event: this handler holds them one step earlier.
final class TLSIdentityGate: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundIn = IOData
    typealias OutboundOut = IOData

    private let identity: TLSServiceIdentity
    private let deadline: NIODeadline
    private let budget: TimeAmount
    private var establishing: EventLoopPromise<Void>?
    private var timer: Scheduled<Void>?
    /// Succeeds once the certificate is found to name the host; fails with the handshake's
    /// error, the mismatch, or ``ConnectionClosedError`` when the server closes first.
    /// Made when the handler joins its channel's pipeline, on the channel's event loop.
    private(set) var established: EventLoopFuture<Void>?
    private var held: [(data: NIOAny, promise: EventLoopPromise<Void>?)] = []
    private var flushHeld = false
    private var isOpen = false
    /// Set when the certificate did not name the host: every write fails with it.
    private var rejection: TLSHostnameMismatchError?

    init(identity: TLSServiceIdentity, until deadline: NIODeadline, budget: TimeAmount) {
        self.identity = identity
        self.deadline = deadline
        self.budget = budget
    }

    func handlerAdded(context: ChannelHandlerContext) {
        let promise = context.eventLoop.makePromise(of: Void.self)
        establishing = promise
        established = promise.futureResult
        // On the event loop, as the handshake's end: whichever comes first decides.
        timer = context.eventLoop.assumeIsolated().scheduleTask(deadline: deadline) {
            guard !self.isOpen, self.rejection == nil else { return }
            promise.fail(TLSHandshakeTimeoutError(budget: self.budget))
            context.close(promise: nil)
        }
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if let rejection { return promise?.fail(rejection) ?? () }
        guard isOpen else { return held.append((data, promise)) }
        context.write(data, promise: promise)
    }

    func flush(context: ChannelHandlerContext) {
        guard isOpen else {
            flushHeld = true
            return
        }
        context.flush()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if case .handshakeCompleted? = event as? TLSUserEvent { checkIdentity(context: context) }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // A failed handshake; once established, what follows is the exchange's.
        if !isOpen { settle(failing: error) }
        context.fireErrorCaught(error)
    }

    func channelInactive(context: ChannelHandlerContext) {
        // The server closed the connection during the handshake, without a TLS alert.
        failHeld(ConnectionClosedError())
        settle(failing: ConnectionClosedError())
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        settle(failing: ConnectionClosedError())
    }

    /// Fails ``established`` if nothing has settled it yet.
    private func settle(failing error: any Error) {
        timer?.cancel()
        establishing?.fail(error)
    }

    private func checkIdentity(context: ChannelHandlerContext) {
        let certificate = try? context.pipeline.syncOperations.handler(type: NIOSSLClientHandler.self).peerCertificate
        guard let certificate, identity.isNamed(by: certificate) else {
            let error = TLSHostnameMismatchError(host: identity.host)
            rejection = error
            failHeld(error)
            settle(failing: error)
            context.fireErrorCaught(error)
            context.close(promise: nil)
            return
        }
        isOpen = true
        timer?.cancel()
        establishing?.succeed()
        let writes = held
        held = []
        for write in writes { context.write(write.data, promise: write.promise) }
        if flushHeld { context.flush() }
        flushHeld = false
    }

    private func failHeld(_ error: any Error) {
        let writes = held
        held = []
        for write in writes { write.promise?.fail(error) }
    }
}

/// The TLS handshake did not finish within the connect budget (delivery.md §8.3's connect
/// timeout covers it, as it covers the TCP connect).
struct TLSHandshakeTimeoutError: Error, CustomStringConvertible {
    var budget: TimeAmount
    var description: String {
        "the TLS handshake did not finish within the connect timeout (\(Double(budget.nanoseconds) / 1e9) s)"
    }
}
