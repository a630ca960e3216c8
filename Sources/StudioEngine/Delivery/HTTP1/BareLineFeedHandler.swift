import NIOCore
import NIOHTTP1

/// Lets a response whose lines end in a bare LF through, as RFC 9112 §2.2 allows a recipient to
/// ("a recipient MAY recognize a single LF as a line terminator") and as curl, Go and Python
/// clients do: SwiftNIO's parser rejects such a response, so a receiver written on a raw socket
/// with `"\n"` would never get a webhook delivered.
///
/// Sits before the HTTP decoder and adds the CR a lone LF lacks in the lines of the framing
/// only: the status line and header lines, and, in a chunked body, each chunk's size line, the
/// line end after its data and the trailer lines. Body bytes pass byte for byte. A 1xx head is
/// followed by another head; ``HTTP1ExchangeHandler`` announces each new exchange with
/// ``ExpectResponseHead``, so the next response on a kept-alive connection is a head again.
/// A read with no lone LF is passed on as it came, without a copy.
///
/// It also bounds those lines: the decoder keeps a status line, or a chunk's size line with its
/// extensions, until the line ends, and only limits the header fields, so a server sending an
/// endless reason phrase grew the client's memory until the deadline. A framing line longer
/// than ``maximumLineLength`` fails the exchange as `headerOverflow`, and nothing after it is read.
final class BareLineFeedHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundIn = IOData
    typealias OutboundOut = IOData

    /// Sent outbound by the exchange handler when it starts an exchange: the next bytes are a head.
    struct ExpectResponseHead {}

    /// The longest framing line let through: the size SwiftNIO's decoder allows a whole header
    /// section (`NIOHTTPDecoderLimitConfiguration`).
    static let maximumLineLength = 80 * 1024

    /// Where the stream is, and what of the line being read matters. A value copied in and out
    /// of each read: a class's stored properties would be checked for exclusive access at every
    /// byte.
    private struct Scanner {
        enum Phase {
            case head
            /// A chunk's size line.
            case chunkSize
            case chunkData
            /// The line end after a chunk's data.
            case chunkDataEnd
            case trailers
            /// A body the decoder frames by length or the close, or the bytes after the last chunk.
            case passing
        }

        var phase = Phase.head
        /// The byte before this one in the line being read.
        var previous: UInt8?
        /// The line being read: its length (CRs aside); the lines of this head (or trailers) ended.
        var lineLength = 0
        var lineCount = 0
        /// The status code, read from the status line's second word.
        var status = 0
        var statusDigits = 0
        var statusWordsEnded = 0
        /// How much of `transfer-encoding:` the line starts with, then of `chunked` in the value's
        /// current list element, past its leading whitespace: -1 once the element is some other coding.
        var encodingMatched = 0
        var chunkedMatched = 0
        var isChunked = false
        var chunkSize = 0
        var chunkDigitsEnded = false
        var chunkRemaining = 0

        static let encodingName = Array("transfer-encoding:".utf8)
        static let chunked = Array("chunked".utf8)

        var isInformational: Bool { status / 100 == 1 }
        /// A status whose answer ends at its head whatever the headers say (RFC 9112 §6.3: 1xx,
        /// 204, 304). Not a 205: it has no content, but its headers frame it (see
        /// ``ReceiverScript/Response/forbidsBody(_:)``).
        var hasNoBody: Bool { !HTTPResponseStatus(statusCode: status).mayHaveResponseBody }

        mutating func startHead() {
            startLine(.head)
            lineCount = 0
            status = 0
            statusDigits = 0
            statusWordsEnded = 0
            isChunked = false
        }

        mutating func startLine(_ phase: Phase) {
            self.phase = phase
            previous = nil
            lineLength = 0
            encodingMatched = 0
            chunkedMatched = 0
            chunkSize = 0
            chunkDigitsEnded = false
        }

        /// Moves over one byte of a framing line.
        mutating func advance(over byte: UInt8) {
            defer { previous = byte }
            switch phase {
            case .head, .trailers:
                switch byte {
                case UInt8(ascii: "\n"):
                    guard lineLength == 0 else {
                        lineCount += 1
                        lineLength = 0
                        encodingMatched = 0
                        chunkedMatched = 0
                        return
                    }
                    // An empty line before the status line (a stray CRLF after the last answer)
                    // is not a line of this head; after it, it ends the head or the trailers.
                    if phase == .head, lineCount == 0 { return }
                    if phase == .trailers {
                        phase = .passing
                    } else if isInformational {
                        // A 1xx is followed by the next head.
                        startHead()
                    } else if isChunked, !hasNoBody {
                        // A chunked body's framing follows a head that says so; any other body passes.
                        startLine(.chunkSize)
                    } else {
                        phase = .passing
                    }
                case UInt8(ascii: "\r"):
                    break
                default:
                    lineLength += 1
                    if phase == .head, lineCount == 0 {
                        readStatusLine(byte)
                    } else if phase == .head {
                        readHeaderLine(byte)
                    }
                }
            case .chunkSize:
                switch byte {
                case UInt8(ascii: "\n"):
                    if chunkSize == 0 {
                        startLine(.trailers)
                        lineCount = 0
                    } else {
                        let size = chunkSize
                        startLine(.chunkData)
                        chunkRemaining = size
                    }
                case UInt8(ascii: "\r"):
                    break
                default:
                    lineLength += 1
                    if !chunkDigitsEnded, let digit = Self.hexValue(byte), chunkSize < Int.max >> 4 {
                        chunkSize = chunkSize << 4 | digit
                    } else {
                        chunkDigitsEnded = true
                    }
                }
            case .chunkDataEnd:
                switch byte {
                case UInt8(ascii: "\n"): startLine(.chunkSize)
                case UInt8(ascii: "\r"): break
                // Anything else is not HTTP: from here on the decoder judges the bytes as they came.
                default: phase = .passing
                }
            case .chunkData, .passing:
                break
            }
        }

        /// `HTTP/1.1 200 OK`: the digits of the second word.
        private mutating func readStatusLine(_ byte: UInt8) {
            if byte == UInt8(ascii: " ") {
                statusWordsEnded += 1
            } else if statusWordsEnded == 1, statusDigits < 3, let digit = Self.decimalValue(byte) {
                status = status * 10 + digit
                statusDigits += 1
            }
        }

        /// `Transfer-Encoding: chunked`, matched as it is read, whatever the case. As the decoder
        /// reads it, only a last coding of `chunked` on the last such line frames the body in
        /// chunks: `chunked, gzip` or `chunked;q=1` is framed by the close, its bytes untouched.
        /// The value is a comma-separated list (RFC 9110 §5.6.1): `chunked` is a whole element,
        /// whitespace around it aside, not a part of one (`xchunked` is another coding). As the
        /// decoder does, only spaces may follow it: a tab makes the element some other coding.
        private mutating func readHeaderLine(_ byte: UInt8) {
            let lower = byte | 0x20
            if encodingMatched < Self.encodingName.count {
                // Still reading the name: any difference, and the line is some other header.
                if lineLength - 1 == encodingMatched, lower == Self.encodingName[encodingMatched] {
                    encodingMatched += 1
                    if encodingMatched == Self.encodingName.count { isChunked = false }
                }
                return
            }
            switch byte {
            case UInt8(ascii: ","):
                // The next element; an empty one is no coding.
                chunkedMatched = 0
            case UInt8(ascii: " "), UInt8(ascii: "\t"):
                // Whitespace before or after an element, but not within one.
                if chunkedMatched > 0, chunkedMatched < Self.chunked.count || byte == UInt8(ascii: "\t") {
                    chunkedMatched = -1
                }
            default:
                if chunkedMatched >= 0, chunkedMatched < Self.chunked.count, lower == Self.chunked[chunkedMatched] {
                    chunkedMatched += 1
                } else {
                    chunkedMatched = -1
                }
            }
            isChunked = chunkedMatched == Self.chunked.count
        }

        private static func decimalValue(_ byte: UInt8) -> Int? {
            (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) ? Int(byte - UInt8(ascii: "0")) : nil
        }

        static func hexValue(_ byte: UInt8) -> Int? {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): Int(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): Int(byte - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): Int(byte - UInt8(ascii: "A") + 10)
            default: nil
            }
        }
    }

    private var scanner = Scanner()
    /// A line went past ``maximumLineLength``: the exchange failed, and later reads are dropped.
    private var overflowed = false

    func triggerUserOutboundEvent(context: ChannelHandlerContext, event: Any, promise: EventLoopPromise<Void>?) {
        guard event is ExpectResponseHead else { return context.triggerUserOutboundEvent(event, promise: promise) }
        scanner.startHead()
        promise?.succeed()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if scanner.phase == .passing { return context.fireChannelRead(data) }
        guard !overflowed else { return }
        let buffer = unwrapInboundIn(data)
        // One pass over the bytes (no copy): where each lone LF is.
        var loneLineFeeds: [Int] = []
        var scanner = self.scanner
        buffer.withUnsafeReadableBytes { bytes in
            var offset = 0
            while offset < bytes.count, scanner.phase != .passing {
                if scanner.phase == .chunkData {
                    // Data passes whole: skip it.
                    let taken = min(scanner.chunkRemaining, bytes.count - offset)
                    offset += taken
                    scanner.chunkRemaining -= taken
                    if scanner.chunkRemaining == 0 { scanner.startLine(.chunkDataEnd) }
                    continue
                }
                let byte = bytes[offset]
                if byte == UInt8(ascii: "\n"), scanner.previous != UInt8(ascii: "\r") { loneLineFeeds.append(offset) }
                scanner.advance(over: byte)
                offset += 1
                if scanner.lineLength > Self.maximumLineLength { return }
            }
        }
        self.scanner = scanner
        if scanner.lineLength > Self.maximumLineLength {
            overflowed = true
            return context.fireErrorCaught(HTTPParserError.headerOverflow)
        }
        guard !loneLineFeeds.isEmpty else { return context.fireChannelRead(data) }
        // Each lone LF gets the CR it lacks; the rest, body bytes included, is copied as it came.
        var output = context.channel.allocator.buffer(capacity: buffer.readableBytes + loneLineFeeds.count)
        var copied = 0
        for offset in loneLineFeeds {
            if let slice = buffer.getSlice(at: buffer.readerIndex + copied, length: offset - copied) {
                output.writeImmutableBuffer(slice)
            }
            output.writeInteger(UInt8(ascii: "\r"))
            copied = offset
        }
        if let rest = buffer.getSlice(at: buffer.readerIndex + copied, length: buffer.readableBytes - copied) {
            output.writeImmutableBuffer(rest)
        }
        context.fireChannelRead(wrapInboundOut(output))
    }
}
