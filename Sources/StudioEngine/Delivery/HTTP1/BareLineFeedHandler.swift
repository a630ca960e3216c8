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
/// A read that needs no change is passed on as it came, without a copy.
///
/// In those lines it also hands the decoder, which refuses them, the forms RFC 9112 has a
/// recipient accept:
/// - An obs-fold, a header line that starts with SP or HTAB to continue the field before it:
///   "a user agent that receives an obs-fold in a response message […] MUST replace each received
///   obs-fold with one or more SP octets prior to interpreting the field value" (§5.2). The fold's
///   line end and whitespace go on as spaces; so a header line's end is held back until the next
///   line's first byte shows whether it folds.
/// - Whitespace between a chunk's size and its extensions (`5 ;name=value`), which §7.1.1 has a
///   recipient accept (BWS, RFC 9110 §5.6.3). The extensions go too, whitespace and all: the
///   decoder hands none on, and §7.1.1 lets a recipient ignore those it does not understand.
/// - `HTTP/1.x` with x above 1: "a recipient SHOULD […] process the message as if it were in
///   the highest minor version within that major version to which the recipient is conformant"
///   (RFC 9110 §2.5); the decoder reads HTTP/1.1, and ``ReasonPhrase`` carries the version as
///   received, which the attempt records.
///
/// It also reads the reason phrase of each status line, which the decoder does not hand on
/// (it gives the standard phrase of a known code), and hands it on as ``ReasonPhrase`` before
/// the bytes of the read in which the status line ends.
///
/// It also bounds those lines: the decoder keeps a status line, or a chunk's size line with its
/// extensions, until the line ends, and only limits the header fields, so a server sending an
/// endless reason phrase grew the client's memory until the deadline. A framing line longer
/// than ``maximumLineLength``, or a head (status line and header lines, line ends included) or
/// trailer section longer than ``maximumHeadLength``, fails the exchange as `headerOverflow`,
/// and nothing after it is read. The decoder's own limit let through heads of 10,000 short
/// fields (about 240 KiB), each field kept in the record.
final class BareLineFeedHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundIn = IOData
    typealias OutboundOut = IOData

    /// Sent outbound by the exchange handler when it starts an exchange: the next bytes are a head.
    struct ExpectResponseHead {}

    /// Sent inbound when a status line ends: its reason phrase as received, up to
    /// ``maximumReasonLength`` bytes, for the head that follows.
    struct ReasonPhrase {
        var bytes: [UInt8]
        /// The status line's version as received when the decoder is handed another
        /// (`HTTP/1.2`, read as HTTP/1.1); nil when it reads the version received.
        var receivedVersion: String? = nil
    }

    /// The longest reason phrase kept: the rest of a longer one is read and dropped.
    static let maximumReasonLength = 256

    /// The longest framing line let through: the size SwiftNIO's decoder allows a whole header
    /// section (`NIOHTTPDecoderLimitConfiguration`).
    static let maximumLineLength = 80 * 1024

    /// The largest head let through, status line and header lines with their line ends: the
    /// 80 KiB the `headerOverflow` message names. Also the largest trailer section.
    static let maximumHeadLength = 80 * 1024

    private static let carriageReturn = UInt8(ascii: "\r")
    private static let lineFeed = UInt8(ascii: "\n")
    private static let space = UInt8(ascii: " ")
    private static let tab = UInt8(ascii: "\t")

    /// What becomes of one byte of a framing line on its way to the decoder.
    private enum Edit: Equatable {
        case keep
        /// This byte goes on after the given one: a CR before a lone LF, or a SP for dropped
        /// whitespace after a chunk's size that no extension followed.
        case insert(UInt8)
        /// A chunk extension, or the whitespace before it.
        case drop
        /// The given byte goes on instead of this one.
        case replace(UInt8)
        /// A header line's CR or LF, held back until the next line shows whether it folds into
        /// this one; with a CR before it, for a lone LF.
        case hold(addingCarriageReturn: Bool)
        /// The held line end goes on as it came, then this byte: after a CR, for a lone LF.
        case release(addingCarriageReturn: Bool)
        /// The next line folds into the held one: the held line end goes on as spaces, and this
        /// byte (SP or HTAB) as SP.
        case releaseAsFold
    }

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
        /// The bytes of this head (or trailer section) so far, line ends included.
        var headLength = 0
        /// A header line's end is held back (``Edit/hold(addingCarriageReturn:)``).
        var isHolding = false
        /// In the whitespace that starts a folded line, which goes on as SP.
        var isInFold = false
        /// The status code, read from the status line's second word.
        var status = 0
        var statusDigits = 0
        var statusWordsEnded = 0
        /// The status line's reason phrase so far, and whether the line ended.
        var reason: [UInt8] = []
        var reasonEnded = false
        /// How much of `HTTP/1.` the status line starts with.
        var versionMatched = 0
        /// The minor version digit received, when it was above 1 and the decoder gets `1` instead.
        var replacedMinorVersion: UInt8?
        /// How much of `transfer-encoding:` the line starts with, then of `chunked` in the value's
        /// current list element, past its leading whitespace: -1 once the element is some other coding.
        var encodingMatched = 0
        var chunkedMatched = 0
        var isChunked = false
        var chunkSize = 0
        var chunkDigits = 0
        var chunkDigitsEnded = false
        /// Whitespace after a chunk's size was dropped, expecting a `;`.
        var droppedChunkSizeSpace = false
        var isInChunkExtension = false
        var chunkRemaining = 0

        static let encodingName = Array("transfer-encoding:".utf8)
        static let chunked = Array("chunked".utf8)
        static let http1 = Array("HTTP/1.".utf8)

        var isInformational: Bool { status / 100 == 1 }
        /// The line being read, or the head or trailers it is part of, is over its limit.
        var isOverLimit: Bool {
            lineLength > BareLineFeedHandler.maximumLineLength || headLength > BareLineFeedHandler.maximumHeadLength
        }
        /// A status whose answer ends at its head whatever the headers say (RFC 9112 §6.3: 1xx,
        /// 204, 304). Not a 205: it has no content, but its headers frame it (see
        /// ``ReceiverScript/Response/forbidsBody(_:)``).
        var hasNoBody: Bool { !HTTPResponseStatus(statusCode: status).mayHaveResponseBody }

        mutating func startHead() {
            startLine(.head)
            lineCount = 0
            headLength = 0
            replacedMinorVersion = nil
            status = 0
            statusDigits = 0
            statusWordsEnded = 0
            reason.removeAll(keepingCapacity: true)
            reasonEnded = false
            versionMatched = 0
            isChunked = false
        }

        mutating func startLine(_ phase: Phase) {
            self.phase = phase
            previous = nil
            lineLength = 0
            isHolding = false
            isInFold = false
            startField()
            chunkSize = 0
            chunkDigits = 0
            chunkDigitsEnded = false
            droppedChunkSizeSpace = false
            isInChunkExtension = false
        }

        /// A header line that does not continue the one before.
        mutating func startField() {
            encodingMatched = 0
            chunkedMatched = 0
        }

        /// Moves over one byte of a framing line, and tells what goes on to the decoder for it.
        mutating func advance(over byte: UInt8) -> Edit {
            let isLoneLineFeed = byte == BareLineFeedHandler.lineFeed && previous != BareLineFeedHandler.carriageReturn
            defer { previous = byte }
            switch phase {
            case .head, .trailers:
                return advanceInHeaders(over: byte, isLoneLineFeed: isLoneLineFeed)
            case .chunkSize:
                return advanceInChunkSize(over: byte, isLoneLineFeed: isLoneLineFeed)
            case .chunkDataEnd:
                switch byte {
                case BareLineFeedHandler.lineFeed:
                    startLine(.chunkSize)
                    return isLoneLineFeed ? .insert(BareLineFeedHandler.carriageReturn) : .keep
                case BareLineFeedHandler.carriageReturn:
                    return .keep
                default:
                    // Anything else is not HTTP: from here on the decoder judges the bytes as they came.
                    phase = .passing
                    return .keep
                }
            case .chunkData, .passing:
                return .keep
            }
        }

        /// The status line, header lines and trailer lines.
        private mutating func advanceInHeaders(over byte: UInt8, isLoneLineFeed: Bool) -> Edit {
            let isHeaderLine = phase == .head && lineCount > 0
            // An empty line before the status line is not part of the head.
            let isLineEnd = byte == BareLineFeedHandler.carriageReturn || byte == BareLineFeedHandler.lineFeed
            if !(phase == .head && lineCount == 0 && lineLength == 0 && isLineEnd) { headLength += 1 }
            let lineEnd: Edit = isLoneLineFeed ? .insert(BareLineFeedHandler.carriageReturn) : .keep
            switch byte {
            case BareLineFeedHandler.lineFeed:
                guard lineLength == 0 else {
                    if phase == .head, lineCount == 0 { reasonEnded = true }
                    lineCount += 1
                    lineLength = 0
                    isInFold = false
                    guard isHeaderLine else { return lineEnd }
                    isHolding = true
                    return .hold(addingCarriageReturn: isLoneLineFeed)
                }
                let edit: Edit = isHolding ? .release(addingCarriageReturn: isLoneLineFeed) : lineEnd
                isHolding = false
                // An empty line before the status line (a stray CRLF after the last answer)
                // is not a line of this head; after it, it ends the head or the trailers.
                if phase == .head, lineCount == 0 { return edit }
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
                return edit
            case BareLineFeedHandler.carriageReturn:
                if isHeaderLine, lineLength > 0 {
                    isHolding = true
                    return .hold(addingCarriageReturn: false)
                }
                // The CR of the empty line that ends the head, or of a line that is not a header.
                guard isHolding else { return .keep }
                isHolding = false
                return .release(addingCarriageReturn: false)
            default:
                let isWhitespace = byte == BareLineFeedHandler.space || byte == BareLineFeedHandler.tab
                var edit = Edit.keep
                if isHolding {
                    isHolding = false
                    if lineLength == 0, isWhitespace {
                        // An obs-fold: this line continues the field of the one before.
                        lineCount -= 1
                        isInFold = true
                        edit = .releaseAsFold
                    } else {
                        // A new line, or a bare CR within a line, which the decoder refuses.
                        edit = .release(addingCarriageReturn: false)
                    }
                } else if isInFold, byte == BareLineFeedHandler.tab {
                    edit = .replace(BareLineFeedHandler.space)
                }
                if !isWhitespace { isInFold = false }
                if lineLength == 0, edit != .releaseAsFold { startField() }
                lineLength += 1
                if phase == .head, lineCount == 0 {
                    return readStatusLine(byte)
                } else if phase == .head {
                    readHeaderLine(byte)
                }
                return edit
            }
        }

        /// `5;name=value`: the hexadecimal size, whose line the decoder gets without extensions.
        private mutating func advanceInChunkSize(over byte: UInt8, isLoneLineFeed: Bool) -> Edit {
            // Whitespace after the size was dropped, and no extension follows: it goes on after
            // all, before this byte, for the decoder to refuse the line as it came.
            let unexpected: Edit? = droppedChunkSizeSpace ? .insert(BareLineFeedHandler.space) : nil
            switch byte {
            case BareLineFeedHandler.lineFeed:
                if chunkSize == 0 {
                    startLine(.trailers)
                    lineCount = 0
                    headLength = 0
                } else {
                    let size = chunkSize
                    startLine(.chunkData)
                    chunkRemaining = size
                }
                return unexpected ?? (isLoneLineFeed ? .insert(BareLineFeedHandler.carriageReturn) : .keep)
            case BareLineFeedHandler.carriageReturn:
                droppedChunkSizeSpace = false
                return unexpected ?? .keep
            default:
                lineLength += 1
                if isInChunkExtension { return .drop }
                if !chunkDigitsEnded, let digit = Self.hexValue(byte), chunkSize < Int.max >> 4 {
                    chunkSize = chunkSize << 4 | digit
                    chunkDigits += 1
                    return .keep
                }
                chunkDigitsEnded = true
                guard chunkDigits > 0 else { return .keep }
                switch byte {
                case BareLineFeedHandler.space, BareLineFeedHandler.tab:
                    droppedChunkSizeSpace = true
                    return .drop
                case UInt8(ascii: ";"):
                    droppedChunkSizeSpace = false
                    isInChunkExtension = true
                    return .drop
                default:
                    droppedChunkSizeSpace = false
                    return unexpected ?? .keep
                }
            }
        }

        /// `HTTP/1.1 200 OK`: the digits of the second word, and the reason phrase after it; a
        /// minor version above 1 read as 1.
        private mutating func readStatusLine(_ byte: UInt8) -> Edit {
            if statusWordsEnded == 0, lineLength <= Self.http1.count {
                if versionMatched == lineLength - 1, byte == Self.http1[versionMatched] { versionMatched += 1 }
            } else if statusWordsEnded == 0, lineLength == Self.http1.count + 1, versionMatched == Self.http1.count,
                (UInt8(ascii: "2")...UInt8(ascii: "9")).contains(byte)
            {
                replacedMinorVersion = byte
                return .replace(UInt8(ascii: "1"))
            }
            // Everything after the space that ends the code, spaces too, is the reason phrase.
            if statusWordsEnded >= 2, reason.count < BareLineFeedHandler.maximumReasonLength { reason.append(byte) }
            if byte == BareLineFeedHandler.space {
                statusWordsEnded += 1
            } else if statusWordsEnded == 1, statusDigits < 3, let digit = Self.decimalValue(byte) {
                status = status * 10 + digit
                statusDigits += 1
            }
            return .keep
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
            case BareLineFeedHandler.space, BareLineFeedHandler.tab:
                // Whitespace before or after an element, but not within one.
                if chunkedMatched > 0, chunkedMatched < Self.chunked.count || byte == BareLineFeedHandler.tab {
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

    /// How one read goes on to the decoder: bytes held back from earlier reads go first, then the
    /// read's bytes up to ``end`` with ``changes`` made, in order of offset.
    private struct Rewrite {
        enum Change {
            case insert(UInt8)
            case drop
            case replace(UInt8)
        }

        var prefix: [UInt8] = []
        var changes: [(offset: Int, change: Change)] = []
        var end: Int
        /// Where this read's held-back line end starts, and the first of ``changes`` made in it.
        var heldFrom: (offset: Int, change: Int)?

        var changesNothing: Bool { prefix.isEmpty && changes.isEmpty && heldFrom == nil }

        /// Records what `edit` does to the byte at `offset`; `held` is the line end held back by
        /// earlier reads, given out here when the line it ends is settled.
        mutating func record(_ edit: Edit, at offset: Int, held: inout [UInt8]) {
            switch edit {
            case .keep:
                break
            case .insert(let byte):
                changes.append((offset, .insert(byte)))
            case .drop:
                changes.append((offset, .drop))
            case .replace(let byte):
                changes.append((offset, .replace(byte)))
            case .hold(let addingCarriageReturn):
                if heldFrom == nil { heldFrom = (offset, changes.count) }
                if addingCarriageReturn { changes.append((offset, .insert(BareLineFeedHandler.carriageReturn))) }
            case .release(let addingCarriageReturn):
                release(at: offset, asFold: false, held: &held)
                if addingCarriageReturn { changes.append((offset, .insert(BareLineFeedHandler.carriageReturn))) }
            case .releaseAsFold:
                release(at: offset, asFold: true, held: &held)
                changes.append((offset, .replace(BareLineFeedHandler.space)))
            }
        }

        /// The held line end goes on before the byte at `offset`: as it came (with a CR before a
        /// lone LF), or as spaces, one for each of its bytes.
        private mutating func release(at offset: Int, asFold: Bool, held: inout [UInt8]) {
            if !held.isEmpty {
                prefix = asFold ? [UInt8](repeating: BareLineFeedHandler.space, count: held.count) : Self.lineEnd(held)
                held = []
            }
            guard let start = heldFrom else { return }
            heldFrom = nil
            guard asFold else { return }
            changes.removeSubrange(start.change...)
            for heldOffset in start.offset..<offset { changes.append((heldOffset, .replace(BareLineFeedHandler.space))) }
        }

        /// Keeps the line end the read ends in back from the decoder, in `held`, as it came.
        mutating func holdBack(_ bytes: UnsafeRawBufferPointer, into held: inout [UInt8]) {
            guard let start = heldFrom else { return }
            held += bytes[start.offset...]
            // Its only changes are CRs before lone LFs, added again when it goes on.
            changes.removeSubrange(start.change...)
            end = start.offset
        }

        /// A held line end as it goes on when no fold follows: with a CR before a lone LF. It
        /// starts at the line's first CR or LF, so an LF first is a lone one.
        private static func lineEnd(_ held: [UInt8]) -> [UInt8] {
            var bytes: [UInt8] = []
            bytes.reserveCapacity(held.count + 1)
            for byte in held {
                if byte == BareLineFeedHandler.lineFeed, bytes.last != BareLineFeedHandler.carriageReturn {
                    bytes.append(BareLineFeedHandler.carriageReturn)
                }
                bytes.append(byte)
            }
            return bytes
        }

        func apply(to buffer: ByteBuffer, allocator: ByteBufferAllocator) -> ByteBuffer {
            var output = allocator.buffer(capacity: prefix.count + end + changes.count)
            output.writeBytes(prefix)
            var copied = 0
            for (offset, change) in changes {
                if offset > copied, let slice = buffer.getSlice(at: buffer.readerIndex + copied, length: offset - copied) {
                    output.writeImmutableBuffer(slice)
                    copied = offset
                }
                switch change {
                case .insert(let byte):
                    output.writeInteger(byte)
                case .drop:
                    copied = offset + 1
                case .replace(let byte):
                    output.writeInteger(byte)
                    copied = offset + 1
                }
            }
            if end > copied, let rest = buffer.getSlice(at: buffer.readerIndex + copied, length: end - copied) {
                output.writeImmutableBuffer(rest)
            }
            return output
        }
    }

    private var scanner = Scanner()
    /// A header line's end, held back from the decoder at the end of a read until the next read
    /// shows whether the next line folds into it; as it came.
    private var heldLineEnd: [UInt8] = []
    /// A line went past ``maximumLineLength``: the exchange failed, and later reads are dropped.
    private var overflowed = false

    func triggerUserOutboundEvent(context: ChannelHandlerContext, event: Any, promise: EventLoopPromise<Void>?) {
        guard event is ExpectResponseHead else { return context.triggerUserOutboundEvent(event, promise: promise) }
        scanner.startHead()
        heldLineEnd = []
        promise?.succeed()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if scanner.phase == .passing { return context.fireChannelRead(data) }
        guard !overflowed else { return }
        let buffer = unwrapInboundIn(data)
        // One pass over the bytes (no copy): what changes, and where.
        var rewrite = Rewrite(end: buffer.readableBytes)
        var scanner = self.scanner
        var held = heldLineEnd
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
                rewrite.record(scanner.advance(over: bytes[offset]), at: offset, held: &held)
                offset += 1
                if scanner.isOverLimit { return }
            }
            rewrite.holdBack(bytes, into: &held)
        }
        if scanner.reasonEnded {
            scanner.reasonEnded = false
            let version = scanner.replacedMinorVersion.map { "HTTP/1.\(Character(Unicode.Scalar($0)))" }
            context.fireUserInboundEventTriggered(ReasonPhrase(bytes: scanner.reason, receivedVersion: version))
        }
        self.scanner = scanner
        heldLineEnd = held
        if scanner.isOverLimit {
            overflowed = true
            return context.fireErrorCaught(HTTPParserError.headerOverflow)
        }
        guard !rewrite.changesNothing else { return context.fireChannelRead(data) }
        let output = rewrite.apply(to: buffer, allocator: context.channel.allocator)
        if output.readableBytes > 0 { context.fireChannelRead(wrapInboundOut(output)) }
    }
}
