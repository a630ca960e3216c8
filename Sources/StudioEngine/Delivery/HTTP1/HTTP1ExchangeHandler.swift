import NIOCore
import NIOHTTP1
import NIOSSL
import StudioModel

/// Runs one HTTP/1.1 exchange at a time on a pooled connection: writes the request in one
/// flush, reads the answer up to a byte limit, and ends it at a deadline, whatever the server
/// does. Lives on its channel's event loop; ``HTTP1ConnectionPool`` reaches it through
/// `NIOLoopBound`.
///
/// States: idle (``exchange`` nil; an idle timer closes the connection after `idleTimeout`)
/// → exchanging (``start(_:limit:deadline:promise:)``) → idle again when the answer ended and
/// both sides keep the connection, or closed: on `Connection: close`, a 101 (refused), a 204 or
/// 304 that declares a body, a head that frames its body two ways (``ResponseFramingHandler``),
/// a body cut at the limit, the deadline, an error, or the server closing.
final class HTTP1ExchangeHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPClientResponsePart
    typealias OutboundOut = HTTPClientRequestPart

    /// How an exchange ended.
    struct Outcome: Sendable {
        var response: ExchangeResponse
        /// Set when the exchange did not end with a complete answer; a response head may still be there.
        var failure: (any Error)?
        /// Whether the connection can carry the next request.
        var reusable: Bool
        /// Whether any byte of an answer arrived; a reused connection that closes before one did
        /// may have been closed by the server while idle (see ``mayHaveBeenProcessed``).
        var receivedAnything: Bool
        /// Whether the server may have acted on the request: the whole request was written, and
        /// the exchange ended ``HTTP1ExchangeHandler/idleCloseRaceWindow`` or more after that. A
        /// connection that closes with no answer sooner than that was closed by the server as the
        /// request arrived, so the request can go again on a new connection; later, the server
        /// may have processed it, and sending it again unrecorded would deliver it twice behind
        /// the retry policy's back.
        var mayHaveBeenProcessed: Bool
    }

    /// How long after the request was flushed a close with no answer still counts as the server
    /// closing an idle connection as the request arrived. The close then crossed the request: it
    /// comes back within a round trip, microseconds on a LAN and tens of milliseconds across
    /// continents, and is seen as late as a busy event loop reads it (5 ms was too short on two
    /// busy cores: idle closes became `connection_reset`), so the window is the second of
    /// delivery.md §8.3's quick retry. A server that closes later may have processed the request.
    /// The copy sent within the window is not hidden: its record says it went twice
    /// (``HTTP1ConnectionPool/resentNote``), with the same `webhook-id` for the receiver to drop it.
    static let idleCloseRaceWindow: TimeAmount = .seconds(1)

    /// A field value without the spaces and tabs that end its line: RFC 9110 §5.5 leaves them
    /// out of the value, and SwiftNIO's decoder keeps them (`Content-Length:  5  ` read as `5  `).
    static func withoutTrailingWhitespace(_ value: String) -> String {
        func isBlank(_ byte: UInt8) -> Bool { byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") }
        guard let last = value.utf8.last, isBlank(last) else { return value }
        guard let kept = value.utf8.lastIndex(where: { !isBlank($0) }) else { return "" }
        // The blank after the last other byte is ASCII, so it starts a character.
        return String(value[..<value.utf8.index(after: kept)])
    }

    private final class Exchange {
        let promise: EventLoopPromise<Outcome>
        let limit: Int
        var response = ExchangeResponse()
        var keepAlive = true
        var requestWritten = false
        /// When the whole request had been written to the socket.
        var writtenAt: NIODeadline?
        /// Set by a ``ResponseFramingHandler/FramingNote`` for the head that follows it.
        var framingNote: ResponseFramingHandler.FramingNote?
        var receivedAnything = false
        var deadline: Scheduled<Void>?

        init(promise: EventLoopPromise<Outcome>, limit: Int) {
            self.promise = promise
            self.limit = limit
        }
    }

    private let idleTimeout: TimeAmount
    private var context: ChannelHandlerContext?
    private var exchange: Exchange?
    /// Set while a timer is pending that closes the connection once it has been idle for
    /// `idleTimeout`; it stays set across exchanges, and when it fires early it is set again.
    private var idleTimer: Scheduled<Void>?
    /// When the connection last became idle; nil during an exchange.
    private var idleSince: NIODeadline?
    private var isOpen = true
    /// Why a new connection closed before its first exchange: bytes the server sent with no
    /// request to answer (an SSH or SMTP banner on connect), or another error. The request that
    /// then finds the connection closed fails with it. (A failed TLS handshake never gets here:
    /// the pool's connect throws it.)
    private var failedBeforeAnExchange: (any Error)?
    /// Whether an exchange ran here: junk on a connection idle in the pool is a stale
    /// connection, which the pool retries on a new one, not a server that speaks another protocol.
    private var carriedAnExchange = false
    /// The reason phrase of the last status line read (``BareLineFeedHandler/ReasonPhrase``).
    private var receivedReason: [UInt8] = []
    /// The version of the last status line read, when the decoder was handed another.
    private var receivedVersion: String?

    init(idleTimeout: TimeAmount) {
        self.idleTimeout = idleTimeout
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
    }

    /// Sends `request` and completes `promise` when the exchange ends. Never fails the promise.
    func start(_ request: HTTP1Request, limit: Int, deadline: NIODeadline, promise: EventLoopPromise<Outcome>) {
        // The idle timer is left running: cancelling and scheduling one per exchange cost more
        // than the exchange's own deadline timer. It finds the connection busy, or idle anew, when it fires.
        idleSince = nil
        guard let context, isOpen, exchange == nil, failedBeforeAnExchange == nil else {
            promise.succeed(
                Outcome(
                    response: ExchangeResponse(), failure: failedBeforeAnExchange ?? ConnectionClosedError(), reusable: false,
                    receivedAnything: failedBeforeAnExchange != nil, mayHaveBeenProcessed: false))
            return
        }
        let exchange = Exchange(promise: promise, limit: limit)
        self.exchange = exchange
        carriedAnExchange = true
        exchange.deadline = context.eventLoop.assumeIsolated().scheduleTask(deadline: deadline) {
            self.end(failure: DeadlineExceeded(), closing: true)
        }
        context.triggerUserOutboundEvent(BareLineFeedHandler.ExpectResponseHead(), promise: nil)
        context.write(wrapOutboundOut(.head(request.head)), promise: nil)
        if let body = request.body {
            context.write(wrapOutboundOut(.body(.byteBuffer(body))), promise: nil)
        }
        let written = context.eventLoop.makePromise(of: Void.self)
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: written)
        written.futureResult.assumeIsolated().whenComplete { result in
            guard self.exchange === exchange else { return }
            switch result {
            case .success:
                exchange.requestWritten = true
                exchange.writtenAt = .now()
            // A server may answer before it reads the whole request (413); only fail when no answer came.
            case .failure(let error) where exchange.response.status == nil: self.end(failure: error, closing: true)
            case .failure: break
            }
        }
    }

    /// Ends the exchange that completes `promise` as cancelled, if it is still in progress (the
    /// connection may carry another caller's exchange by the time a late cancellation arrives).
    func cancel(_ promise: EventLoopPromise<Outcome>) {
        guard exchange?.promise.futureResult === promise.futureResult else { return }
        end(failure: CancellationError(), closing: true)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        // Bytes with no request to answer: the decoder's error or the next read closes the connection.
        guard let exchange else { return }
        exchange.receivedAnything = true
        switch unwrapInboundIn(data) {
        case .head(let head):
            // SwiftNIO's decoder takes any three digits as a status; RFC 9110 §15 has them from 100
            // to 599. Anything else is not a status to classify, or to record as one.
            guard InvalidStatusCodeError.validRange.contains(Int(head.status.code)) else {
                end(failure: InvalidStatusCodeError(head), closing: true)
                return
            }
            // RFC 9110 §15.2.2: a server switches protocols only to one the request's Upgrade
            // header asked for, and no request here asks. The answer is not one to record as a
            // final status (it was stored as 101 and retried as a server error); the decoder
            // reads nothing after it, and the connection is closed.
            guard head.status != .switchingProtocols else {
                end(failure: UnrequestedUpgradeError(), closing: true)
                return
            }
            exchange.response.status = Int(head.status.code)
            exchange.response.version = receivedVersion ?? ExchangeResponse.versionText(head.version)
            exchange.response.reason = receivedReason
            let fields = head.headers.lazy.map { HeaderField($0.name, Self.withoutTrailingWhitespace($0.value)) }
            if let note = exchange.framingNote {
                // The lines the decoder was not given, or given shortened, are recorded as they came.
                var all = Array(fields)
                for line in note.removed { all.insert(HeaderField(line.name, line.value), at: min(line.index, all.count)) }
                for line in note.shortened where all.indices.contains(line.index) { all[line.index].value = line.value }
                exchange.response.keepHeaders(all)
                exchange.response.notes.append(note.text)
            } else {
                exchange.response.keepHeaders(fields)
            }
            // RFC 9112 §6.3: after a head framed two ways the connection is closed.
            exchange.keepAlive =
                head.isKeepAlive && exchange.framingNote == nil && !Self.announcesBytesAfterItsEnd(head)
        case .body(let part):
            // The rest of a larger body is not read: the connection is closed instead.
            if exchange.response.append(part, limit: exchange.limit) == .full { end(failure: nil, closing: true) }
        case .end:
            end(failure: nil, closing: !(exchange.keepAlive && exchange.requestWritten))
        }
    }

    /// The reason phrase and version of the status line just read, and how its head was
    /// reframed, for the head the decoder hands on next.
    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let phrase = event as? BareLineFeedHandler.ReasonPhrase {
            receivedReason = phrase.bytes
            receivedVersion = phrase.receivedVersion
        } else if let note = event as? ResponseFramingHandler.FramingNote {
            exchange?.framingNote = note
        } else {
            context.fireUserInboundEventTriggered(event)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        isOpen = false
        idleTimer?.cancel()
        idleTimer = nil
        end(failure: exchange?.response.status == nil ? ConnectionClosedError() : ResponseEndedEarlyError(), closing: false)
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // A TLS server that closes without `close_notify`, as many do, ends the connection like a
        // plain close: `channelInactive` settles the exchange, and an answer framed by the close
        // is whole, as over plain HTTP.
        if case NIOSSLError.uncleanShutdown = error { return }
        if exchange == nil, !carriedAnExchange, failedBeforeAnExchange == nil {
            failedBeforeAnExchange = (error as? HTTPParserError).map { NotAnHTTPAnswerError(parserError: $0) } ?? error
        }
        end(failure: error, closing: true)
        context.close(promise: nil)
    }

    /// Whether a head whose answer ends at the head (a 204 or 304, RFC 9112 §6.3) declares a body
    /// all the same: a `Content-Length` other than 0, or a `Transfer-Encoding`. The decoder rightly
    /// reads no body, so whatever bytes the server sends for one would be read as the next
    /// request's answer: the connection carries no other request.
    private static func announcesBytesAfterItsEnd(_ head: HTTPResponseHead) -> Bool {
        guard !head.status.mayHaveResponseBody else { return false }
        let zero = UInt8(ascii: "0")
        return !head.headers["Transfer-Encoding"].isEmpty
            || head.headers["Content-Length"].contains { length in length.utf8.contains { $0 != zero } }
    }

    /// Completes the exchange in progress; closes the connection when it cannot carry another
    /// request, else starts the idle timer.
    private func end(failure: (any Error)?, closing: Bool) {
        guard let exchange else { return }
        self.exchange = nil
        exchange.deadline?.cancel()
        let reusable = !closing && failure == nil && isOpen
        if let context {
            if reusable {
                let now = NIODeadline.now()
                idleSince = now
                if idleTimer == nil { scheduleIdleCheck(at: now + idleTimeout, on: context) }
            } else if isOpen {
                context.close(promise: nil)
            }
        }
        let mayHaveBeenProcessed = exchange.writtenAt.map { NIODeadline.now() - $0 >= Self.idleCloseRaceWindow } ?? false
        exchange.promise.succeed(
            Outcome(
                response: exchange.response, failure: failure, reusable: reusable,
                receivedAnything: exchange.receivedAnything, mayHaveBeenProcessed: mayHaveBeenProcessed))
    }

    private func scheduleIdleCheck(at deadline: NIODeadline, on context: ChannelHandlerContext) {
        idleTimer = context.eventLoop.assumeIsolated().scheduleTask(deadline: deadline) { self.closeIdle() }
    }

    /// Closes the connection if it has been idle for `idleTimeout`; if it was used since the
    /// timer was set, waits again until that long after it last became idle. A connection busy
    /// now gets a new timer when its exchange ends.
    private func closeIdle() {
        idleTimer = nil
        guard exchange == nil, isOpen, let idleSince, let context else { return }
        let due = idleSince + idleTimeout
        guard NIODeadline.now() >= due else { return scheduleIdleCheck(at: due, on: context) }
        context.close(promise: nil)
    }
}

/// The server sent bytes that are not HTTP before it was asked anything: an SSH or SMTP
/// server, say, which greets each connection first.
struct NotAnHTTPAnswerError: Error, CustomStringConvertible {
    var parserError: HTTPParserError
    var description: String {
        "the server spoke first, and not HTTP (\(parserError)): is this an HTTP endpoint? (an SSH or mail server greets first)"
    }
}

/// The status line's code is not one from 100 to 599, which RFC 9110 §15 allows ("Values
/// outside the range 100..599 are invalid"): `HTTP/1.1 000`, `HTTP/1.1 099 Odd`. SwiftNIO's
/// decoder takes any three digits, so the exchange handler checks the range itself.
struct InvalidStatusCodeError: Error, CustomStringConvertible {
    static let validRange = 100...599

    /// The status line up to its code, as received (SwiftNIO's decoder drops the reason phrase).
    var statusLine: String

    init(_ head: HTTPResponseHead) {
        let code = Int(head.status.code)
        let digits = code < 10 ? "00\(code)" : code < 100 ? "0\(code)" : "\(code)"
        statusLine = "\(ExchangeResponse.versionText(head.version)) \(digits)"
    }

    var description: String {
        "its status line starts \"\(statusLine)\": a status code is three digits from 100 to 599 (RFC 9110 §15)"
    }
}

/// The answer was `101 Switching Protocols`, to a request that asked for no upgrade.
struct UnrequestedUpgradeError: Error, CustomStringConvertible {
    var description: String {
        "it is 101 Switching Protocols, to a request that asked for no upgrade: a server switches only to a protocol the request's Upgrade header names (RFC 9110 §15.2.2), and the request named none"
    }
}

/// The connection closed before any answer arrived.
struct ConnectionClosedError: Error, CustomStringConvertible {
    var description: String { "the server closed the connection before answering" }
}

/// The connection closed after the status line and headers, before the answer ended.
struct ResponseEndedEarlyError: Error, CustomStringConvertible {
    var description: String { "the server closed the connection before the answer ended" }
}
