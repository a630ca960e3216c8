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
/// the same read as the body's end is taken to start with the next read. It cuts reads: the
/// decoder gets the bytes as they came (but one, below), so a wrong guess can only make a 414 a
/// 431 or the reverse.
///
/// A CONNECT request line it does not hand on at all, so that its refusal is framed (``TunnelRequest``).
///
/// It also keeps what the handler needs to answer a request line the decoder refuses: whether it
/// starts with a method (501 for one the decoder does not know, RFC 9110 §9.1), its major
/// version (505 for HTTP/2 and later, §15.6.6) and its version as written (`http/1.1`, `HTTX/1.1`);
/// and whether a line of the head ends in a bare LF. The one byte it changes is a later HTTP/1
/// minor version, which it makes `1` (``readVersion(endingRequestLine:)``).
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

    /// The first read of the request line being read (empty lines before it included), for
    /// ``startsWithMethod``; nil once its head is read.
    private var requestLineStart: ByteBuffer?

    /// The major version the last request line read names (`HTTP/2.0`: 2); nil when it names
    /// none, or its version did not come whole in the read that ended the line.
    private(set) var majorVersion: Int?

    /// The last word of the last request line read, when it has three and that word is at most
    /// 16 visible ASCII characters: the version as the client wrote it (`HTTP/1.1`, `http/1.1`).
    private(set) var versionText: String?

    /// Whether a line of the head being read, or of the last one read, ends in an LF with no CR
    /// before it (RFC 9112 §2.2 has a line end in CRLF; SwiftNIO's decoder refuses a bare LF).
    private(set) var headHasBareLineFeed = false

    /// The last byte of a head scanned, for a bare LF at the start of a read.
    private var previousHeadByte: UInt8 = 0

    /// Whether the request line being read starts with a token and a space (or a token only, as
    /// far as it came): a method, which the decoder may not know, not bytes of another protocol.
    var startsWithMethod: Bool {
        guard let start = requestLineStart?.readableBytesView else { return false }
        let method = start.drop { $0 == UInt8(ascii: "\r") || $0 == UInt8(ascii: "\n") }.prefix { $0 != UInt8(ascii: " ") }
        return !method.isEmpty && method.allSatisfy(Self.isTokenCharacter)
    }

    /// A request line of CONNECT, which is not handed on: its answer, ``HTTP1ConnectionHandler/Refusal/tunnel``,
    /// would go without its length and body after the decoder read it (SwiftNIO's encoder frames
    /// an answer to CONNECT as a tunnel's).
    struct TunnelRequest: Error {}

    /// Whether the request line being read is a CONNECT's, as far as its first read shows.
    private var requestsTunnel: Bool {
        guard let start = requestLineStart?.readableBytesView else { return false }
        return start.drop { $0 == UInt8(ascii: "\r") || $0 == UInt8(ascii: "\n") }.starts(with: "CONNECT ".utf8)
    }

    /// The decoder read a request's head; its body has `length` bytes, nil when chunked.
    func headRead(bodyLength length: Int?) {
        requestLineStart = nil
        guard position != .discarded else { return }
        position = length == 0 ? .requestLine(started: false) : .body(remaining: length)
    }

    /// The decoder read a request's end: the next byte starts a head.
    func requestEnded() {
        majorVersion = nil
        versionText = nil
        headHasBareLineFeed = false
        guard position != .discarded else { return }
        position = .requestLine(started: false)
    }

    /// Drops every byte from now on: the connection reads no more requests.
    func discard() {
        position = .discarded
    }

    /// Whether a body is being read with more than `limit` of its declared length still to come.
    func hasBodyToCome(over limit: Int) -> Bool {
        guard case .body(let remaining?) = position else { return false }
        return remaining > limit
    }

    private var discardedBytes = 0

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var buffer = unwrapInboundIn(data)
        while buffer.readableBytes > 0 {
            var endsRequestLine = false
            let startsRequestLine = position == .requestLine(started: false)
            let length: Int
            switch position {
            case .discarded:
                discardedBytes += buffer.readableBytes
                // The answer went out; a client still sending past this is not reading it.
                if discardedBytes > HTTP1ConnectionHandler.drainLimit { context.close(promise: nil) }
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
            if var slice = buffer.readSlice(length: length), length > 0 {
                if startsRequestLine { requestLineStart = slice }
                if endsRequestLine, requestsTunnel {
                    position = .discarded
                    context.fireErrorCaught(TunnelRequest())
                    return
                }
                if endsRequestLine { readVersion(endingRequestLine: &slice) }
                context.fireChannelRead(wrapInboundOut(slice))
            }
            if endsRequestLine, position == .requestLine(started: true) { position = .headerFields(lineStarted: false) }
        }
    }

    /// Reads the version that ends a request line into ``majorVersion``, and makes a later
    /// HTTP/1 minor version (`HTTP/1.2`) `HTTP/1.1`, which the decoder would refuse: RFC 9110
    /// §2.5, "a recipient that receives a message with a major version number that it implements
    /// and a minor version number higher than what it implements SHOULD process the message as if
    /// it were in the highest minor version within that major version".
    private func readVersion(endingRequestLine slice: inout ByteBuffer) {
        var line = slice.readableBytesView.dropLast()
        if line.last == UInt8(ascii: "\r") { line = line.dropLast() }
        versionText = nil
        // The version is a request line's third word (RFC 9112 §3): a line of two words has none.
        if let lastSpace = line.lastIndex(of: UInt8(ascii: " ")), line[..<lastSpace].contains(UInt8(ascii: " ")) {
            let word = line[line.index(after: lastSpace)...]
            if (1...16).contains(word.count), word.allSatisfy({ (0x21...0x7E).contains($0) }) {
                versionText = String(decoding: word, as: UTF8.self)
            }
        }
        let version = line.suffix(9)
        majorVersion = nil
        guard version.count == 9, version.starts(with: " HTTP/".utf8),
            let major = Self.digit(version[version.startIndex + 6]), version[version.startIndex + 7] == UInt8(ascii: "."),
            let minor = Self.digit(version[version.startIndex + 8])
        else { return }
        majorVersion = major
        if major == 1, minor > 1 { slice.setInteger(UInt8(ascii: "1"), at: version.startIndex + 8) }
    }

    private static func digit(_ byte: UInt8) -> Int? {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) ? Int(byte - UInt8(ascii: "0")) : nil
    }

    /// `tchar` of RFC 9110 §5.6.2, which a method is made of.
    private static func isTokenCharacter(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"):
            true
        default:
            "!#$%&'*+-.^_`|~".utf8.contains(byte)
        }
    }

    /// How much of `buffer` to hand on as one slice: through the LF that ends the request line or
    /// the head, or all of it, the position moved over what it holds of a line; and whether the
    /// slice ends the request line.
    private func scanHead(_ buffer: ByteBuffer) -> (length: Int, endsRequestLine: Bool) {
        // Copied in and out: a stored property would be checked for exclusive access at every byte.
        var position = self.position
        var previous = previousHeadByte
        var bareLineFeed = headHasBareLineFeed
        defer {
            self.position = position
            previousHeadByte = previous
            headHasBareLineFeed = bareLineFeed
        }
        return buffer.withUnsafeReadableBytes { bytes in
            for (index, byte) in bytes.enumerated() {
                defer { previous = byte }
                // Empty lines before a request line are not part of it (RFC 9112 §2.2).
                if byte == UInt8(ascii: "\n"), previous != UInt8(ascii: "\r"), position != .requestLine(started: false) {
                    bareLineFeed = true
                }
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
