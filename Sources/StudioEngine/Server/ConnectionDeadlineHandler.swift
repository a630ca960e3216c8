import HTTPTypes
import NIOCore
import NIOHTTPTypes

/// Closes a connection whose client keeps it waiting past ``ConnectionTimeouts``: no request head
/// yet, a body that stalls, or nothing after an answer. While the server itself works on a request
/// (a scripted delay or drip included) no deadline runs.
///
/// Nor may a client leave its answers unread: while more of them waits than the channel buffers
/// (it is not writable), the connection is looked at every ``ConnectionTimeouts/send``, and closed
/// when no write went out since the time before and no fewer bytes wait: the client took none.
/// Otherwise a client that stops reading would hold its connection, one of the capped number,
/// for ever.
///
/// It sits after the HTTP decoder, so a head counts once it is complete: dripping its bytes does
/// not keep the connection open.
final class ConnectionDeadlineHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    private let timeouts: ConnectionTimeouts
    /// A request head arrived and its end has not.
    private var readingBody = false
    /// Requests read whose answer has not been written to its end.
    private var unanswered = 0
    /// When the connection is closed unless the client does something first; nil for never.
    private var deadline: NIODeadline?
    /// The timer that checks ``deadline``; it may be set for earlier than the deadline, and then
    /// sets itself again.
    private var timer: (task: Scheduled<Void>, firesAt: NIODeadline)?
    /// The next look at an unwritable channel.
    private var sendCheck: Scheduled<Void>?
    /// Writes that went out to the socket, the client having taken what was before them.
    private var writesSent = 0

    init(timeouts: ConnectionTimeouts) {
        self.timeouts = timeouts
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { arm(after: timeouts.requestHead, context: context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        arm(after: timeouts.requestHead, context: context)
        context.fireChannelActive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        disarm()
        stopCheckingSends()
    }

    func channelInactive(context: ChannelHandlerContext) {
        disarm()
        stopCheckingSends()
        context.fireChannelInactive()
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable {
            stopCheckingSends()
        } else if sendCheck == nil {
            checkSends(context: context, since: nil)
        }
        context.fireChannelWritabilityChanged()
    }

    /// Closes the connection when nothing went out since `before` (the writes sent and the bytes
    /// waiting then), else looks again after ``ConnectionTimeouts/send``.
    private func checkSends(context: ChannelHandlerContext, since before: (sent: Int, waiting: Int)?) {
        sendCheck = nil
        let now = (sent: writesSent, waiting: (try? context.channel.syncOptions?.getOption(.bufferedWritableBytes)) ?? 0)
        if let before, now.sent == before.sent, now.waiting >= before.waiting { return context.close(promise: nil) }
        sendCheck = context.eventLoop.assumeIsolated().scheduleTask(in: TimeAmount(timeouts.send)) { [self] in
            checkSends(context: context, since: now)
        }
    }

    private func stopCheckingSends() {
        sendCheck?.cancel()
        sendCheck = nil
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head:
            unanswered += 1
            readingBody = true
            arm(after: timeouts.bodyStall, context: context)
        case .body:
            arm(after: timeouts.bodyStall, context: context)
        case .end:
            readingBody = false
            // An answer written before the body was read through leaves the client to start the next request.
            if unanswered == 0 { arm(after: timeouts.keepAliveIdle, context: context) } else { disarm() }
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data) {
            unanswered = max(unanswered - 1, 0)
            if unanswered == 0, !readingBody { arm(after: timeouts.keepAliveIdle, context: context) }
        }
        let sent = context.eventLoop.makePromise(of: Void.self)
        sent.futureResult.assumeIsolated().whenSuccess { [self] in writesSent &+= 1 }
        if let promise { sent.futureResult.cascade(to: promise) }
        context.write(data, promise: sent)
    }

    private func arm(after duration: Duration, context: ChannelHandlerContext) {
        let deadline = NIODeadline.now() + TimeAmount(duration)
        self.deadline = deadline
        if let timer, timer.firesAt <= deadline { return }
        schedule(at: deadline, context: context)
    }

    private func disarm() {
        deadline = nil
        timer?.task.cancel()
        timer = nil
    }

    private func schedule(at instant: NIODeadline, context: ChannelHandlerContext) {
        timer?.task.cancel()
        let task = context.eventLoop.assumeIsolated().scheduleTask(deadline: instant) { [self] in
            timer = nil
            guard let deadline else { return }
            if NIODeadline.now() >= deadline {
                context.close(promise: nil)
            } else {
                schedule(at: deadline, context: context)
            }
        }
        timer = (task, instant)
    }
}

@available(*, unavailable)
extension ConnectionDeadlineHandler: Sendable {}
