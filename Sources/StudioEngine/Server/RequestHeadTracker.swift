import NIOCore

/// Knows which part of a request the bytes going into the HTTP decoder belong to, so that a head
/// the decoder refuses as too large is answered for what overflowed: SwiftNIO's decoder bounds the
/// request target and each header field alike, and reports both as `HTTPParserError.headerOverflow`.
/// ``HTTP1ConnectionHandler`` asks it, and tells it where the decoder read each request's head and end.
///
/// It sits before the decoder and scans heads only. It hands on a head's request line through its
/// LF as a slice of its own, so that an overflow while the decoder reads that slice is the target's;
/// and the rest of the head through its empty line, so that the decoder's events, which come while
/// it reads that slice, tell what follows: a body, or the next request. A body of known length is
/// handed on up to its last byte, unscanned. A chunked body passes as it came: a head pipelined in
/// the same read as the body's end is taken to start with the next read. It only cuts reads: the
/// decoder gets every byte as it came, so a wrong guess can only make a 414 a 431 or the reverse.
final class RequestHeadTracker: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    /// Where the next byte read belongs.
    enum Position: Equatable {
        /// A head's request line: whether a byte of it came yet (an empty line before it is not it,
        /// RFC 9112 §2.2).
        case requestLine(started: Bool)
        /// A head's header fields: whether a byte of the current line came yet (an empty one ends the head).
        case headerFields(lineStarted: Bool)
        /// A body: how many of its bytes are still to come; nil when chunked, which ends when the
        /// decoder says so.
        case body(remaining: Int?)
        /// No request is read any more: bytes are dropped.
        case discarded
    }

    private(set) var position = Position.requestLine(started: false)

    /// The decoder read a request's head; its body has `length` bytes, nil when chunked.
    func headRead(bodyLength length: Int?) {
        guard position != .discarded else { return }
        position = length == 0 ? .requestLine(started: false) : .body(remaining: length)
    }

    /// The decoder read a request's end: the next byte starts a head.
    func requestEnded() {
        guard position != .discarded else { return }
        position = .requestLine(started: false)
    }

    /// Drops every byte from now on: the connection reads no more requests.
    func discard() {
        position = .discarded
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var buffer = unwrapInboundIn(data)
        while buffer.readableBytes > 0 {
            var endsRequestLine = false
            let length: Int
            switch position {
            case .discarded:
                return
            case .body(nil):
                length = buffer.readableBytes
            case .body(let remaining?):
                length = min(remaining, buffer.readableBytes)
                position = length == remaining ? .requestLine(started: false) : .body(remaining: remaining - length)
            case .requestLine, .headerFields:
                (length, endsRequestLine) = scanHead(buffer)
            }
            // The decoder's events while it reads the slice (a head, an end) move the position on.
            if let slice = buffer.readSlice(length: length), length > 0 { context.fireChannelRead(wrapInboundOut(slice)) }
            if endsRequestLine, position == .requestLine(started: true) { position = .headerFields(lineStarted: false) }
        }
    }

    /// How much of `buffer` to hand on as one slice: through the LF that ends the request line or
    /// the head, or all of it, the position moved over what it holds of a line; and whether the
    /// slice ends the request line.
    private func scanHead(_ buffer: ByteBuffer) -> (length: Int, endsRequestLine: Bool) {
        // Copied in and out: a stored property would be checked for exclusive access at every byte.
        var position = self.position
        defer { self.position = position }
        return buffer.withUnsafeReadableBytes { bytes in
            for (index, byte) in bytes.enumerated() {
                switch (position, byte) {
                case (.requestLine(started: true), UInt8(ascii: "\n")):
                    return (index + 1, true)
                case (.headerFields(lineStarted: false), UInt8(ascii: "\n")):
                    return (index + 1, false)
                case (.headerFields(lineStarted: true), UInt8(ascii: "\n")):
                    position = .headerFields(lineStarted: false)
                case (_, UInt8(ascii: "\r")), (_, UInt8(ascii: "\n")):
                    break
                case (.requestLine, _):
                    position = .requestLine(started: true)
                case (.headerFields, _):
                    position = .headerFields(lineStarted: true)
                case (.body, _), (.discarded, _):
                    break
                }
            }
            return (bytes.count, false)
        }
    }
}

@available(*, unavailable)
extension RequestHeadTracker: Sendable {}
