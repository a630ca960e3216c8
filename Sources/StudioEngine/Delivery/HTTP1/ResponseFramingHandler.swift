import NIOCore
import NIOHTTP1

/// Hands SwiftNIO's decoder a response head that frames its body two ways in the form RFC 9112
/// has a recipient read it, where the decoder refuses it outright:
/// - `Content-Length` beside `Transfer-Encoding`: "If a message is received with both a
///   Transfer-Encoding and a Content-Length header field, the Transfer-Encoding overrides the
///   Content-Length. […] a user agent […] ought to close the connection after the response"
///   (RFC 9112 §6.3). The `Content-Length` lines are left out of what the decoder reads.
/// - The same `Content-Length` on several lines, or as a list in one (`Content-Length: 5, 5`):
///   "a recipient MAY either reject the message as invalid or replace the duplicated field
///   values with a single valid Content-Length field" (RFC 9110 §8.6). All lines but the first
///   are left out, and the first keeps the first value of its list. Lines or lists with
///   different values are left as they are, and the decoder refuses them (§6.3: an invalid
///   Content-Length is an unrecoverable error).
///
/// Both were an `invalid_response`, retried: a receiver that had accepted a webhook with a 200
/// got every retry of it. ``HTTP1ExchangeHandler`` gets a ``FramingNote`` before such a head:
/// it records the lines left out with the rest of the headers, notes what was odd, and closes
/// the connection after the answer.
///
/// Sits after ``BareLineFeedHandler`` (lines end in CRLF, folds are spaces, and a head is
/// bounded), before the decoder. Only a head that starts `HTTP/1.` is looked at; it is held
/// back until its empty line has arrived, then passed on, changed or as it came. The bytes after
/// a final head pass untouched until the next exchange (``BareLineFeedHandler/ExpectResponseHead``).
final class ResponseFramingHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundIn = IOData
    typealias OutboundOut = IOData

    /// Sent inbound before a final head that was changed for the decoder.
    struct FramingNote {
        struct RemovedLine {
            /// Its place among the head's header lines, from 0.
            var index: Int
            var name: String
            var value: String
        }

        var text: String
        /// The header lines the decoder did not get, in order.
        var removed: [RemovedLine]
        /// The header lines the decoder got with the first value of their list only
        /// (`Content-Length: 5` for `5, 5`), as they came.
        var shortened: [RemovedLine] = []
    }

    private static let statusLinePrefix = Array("HTTP/1.".utf8)
    private static let contentLength = Array("content-length".utf8)
    private static let transferEncoding = Array("transfer-encoding".utf8)

    private var expectingHead = true
    /// The start of a head that has not ended yet.
    private var pending: ByteBuffer?

    func triggerUserOutboundEvent(context: ChannelHandlerContext, event: Any, promise: EventLoopPromise<Void>?) {
        if event is BareLineFeedHandler.ExpectResponseHead {
            expectingHead = true
            pending = nil
        }
        context.triggerUserOutboundEvent(event, promise: promise)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard expectingHead else { return context.fireChannelRead(data) }
        var buffer = unwrapInboundIn(data)
        let merged = pending != nil
        if var held = pending {
            held.writeBuffer(&buffer)
            buffer = held
            pending = nil
        }
        var output: ByteBuffer?
        var copied = 0
        var notes: [FramingNote] = []
        var heldFrom: Int?
        buffer.withUnsafeReadableBytes { bytes in
            var offset = 0
            while expectingHead, offset < bytes.count {
                // An empty line before the status line (a stray CRLF after the last answer).
                if bytes[offset] == UInt8(ascii: "\r") || bytes[offset] == UInt8(ascii: "\n") {
                    offset += 1
                    continue
                }
                let start = offset
                let prefixLength = min(Self.statusLinePrefix.count, bytes.count - start)
                guard bytes[start..<start + prefixLength].elementsEqual(Self.statusLinePrefix[..<prefixLength]) else {
                    // Not a status line: the decoder judges it as it came.
                    expectingHead = false
                    break
                }
                guard let end = Self.endOfHead(in: bytes, from: start) else {
                    // Bounded: ``BareLineFeedHandler`` passes no more than 80 KiB of a head.
                    heldFrom = start
                    break
                }
                offset = end
                let head = Self.Head(bytes[start..<end])
                if !head.isInformational || head.status == 101 { expectingHead = false }
                guard case let (kept, note)? = head.reframed() else { continue }
                var rewritten = output ?? context.channel.allocator.buffer(capacity: bytes.count)
                rewritten.writeBytes(UnsafeRawBufferPointer(rebasing: bytes[copied..<start]))
                for range in kept { rewritten.writeBytes(UnsafeRawBufferPointer(rebasing: bytes[range])) }
                output = rewritten
                copied = end
                // A 1xx head never reaches the exchange handler (the decoder drops it).
                if !head.isInformational { notes.append(note) }
            }
        }
        for note in notes { context.fireUserInboundEventTriggered(note) }
        let end = heldFrom ?? buffer.readableBytes
        if let heldFrom, let rest = buffer.getSlice(at: buffer.readerIndex + heldFrom, length: buffer.readableBytes - heldFrom) {
            pending = rest
        }
        if var output {
            if end > copied, let rest = buffer.getSlice(at: buffer.readerIndex + copied, length: end - copied) {
                output.writeImmutableBuffer(rest)
            }
            return context.fireChannelRead(wrapInboundOut(output))
        }
        guard heldFrom != nil || merged else { return context.fireChannelRead(data) }
        if end > 0, let passed = buffer.getSlice(at: buffer.readerIndex, length: end) {
            context.fireChannelRead(wrapInboundOut(passed))
        }
    }

    /// A head cut short by the close goes on as it came, for the decoder to call it one (and
    /// for the exchange to have received something): the server answered, if not in full.
    func channelInactive(context: ChannelHandlerContext) {
        if let held = pending {
            pending = nil
            context.fireChannelRead(wrapInboundOut(held))
        }
        context.fireChannelInactive()
    }

    /// Where the head that starts at `start` ends, past its empty line; nil while it has not.
    private static func endOfHead(in bytes: UnsafeRawBufferPointer, from start: Int) -> Int? {
        let carriageReturn = UInt8(ascii: "\r")
        let lineFeed = UInt8(ascii: "\n")
        var index = start
        while index + 3 < bytes.count {
            if bytes[index] == carriageReturn, bytes[index + 1] == lineFeed, bytes[index + 2] == carriageReturn,
                bytes[index + 3] == lineFeed
            {
                return index + 4
            }
            index += 1
        }
        return nil
    }

    /// What of one head matters to its framing, as offsets into the read: its status, its
    /// `Content-Length` lines, and whether it has a `Transfer-Encoding`. Nothing is kept of the
    /// other lines, so an ordinary head costs no allocation beyond its one length.
    private struct Head {
        struct Field {
            var line: Range<Int>
            var name: Range<Int>
            var value: Range<Int>
        }

        struct Length {
            /// Its place among the head's header lines, from 0.
            var position: Int
            var field: Field
        }

        var status = 0
        var lengths: [Length] = []
        var hasTransferEncoding = false
        let bytes: Slice<UnsafeRawBufferPointer>

        var isInformational: Bool { status / 100 == 1 }

        init(_ bytes: Slice<UnsafeRawBufferPointer>) {
            self.bytes = bytes
            var lineStart = bytes.startIndex
            var position = -1
            var index = bytes.startIndex
            while index < bytes.endIndex {
                guard bytes[index] == UInt8(ascii: "\n") else {
                    index += 1
                    continue
                }
                // Lines end in CRLF here (BareLineFeedHandler); the CR is not part of the line.
                let lineEnd = index > lineStart && bytes[index - 1] == UInt8(ascii: "\r") ? index - 1 : index
                let line = lineStart..<lineEnd
                index += 1
                lineStart = index
                if line.isEmpty { break }
                position += 1
                if position == 0 {
                    status = Self.statusCode(of: bytes[line])
                    continue
                }
                // A line without a colon is not a field line: the decoder refuses it as it is.
                guard let colon = bytes[line].firstIndex(of: UInt8(ascii: ":")) else { continue }
                let name = line.lowerBound..<colon
                if Self.names(bytes[name], ResponseFramingHandler.transferEncoding) {
                    hasTransferEncoding = true
                } else if Self.names(bytes[name], ResponseFramingHandler.contentLength) {
                    var valueStart = colon + 1
                    var valueEnd = line.upperBound
                    while valueStart < valueEnd, Self.isBlank(bytes[valueStart]) { valueStart += 1 }
                    while valueEnd > valueStart, Self.isBlank(bytes[valueEnd - 1]) { valueEnd -= 1 }
                    let field = Field(line: line.lowerBound..<index, name: name, value: valueStart..<valueEnd)
                    lengths.append(Length(position: position - 1, field: field))
                }
            }
        }

        /// The ranges of the head the decoder gets, and why, when it gets less than it came with.
        func reframed() -> ([Range<Int>], FramingNote)? {
            guard let first = lengths.first else { return nil }
            let removed: ArraySlice<Length>
            let text: String
            // The end of the first line's list, past its first value, when the decoder gets only that.
            var cut: Range<Int>?
            if hasTransferEncoding {
                removed = lengths[...]
                text =
                    "the answer has both Transfer-Encoding and Content-Length: its body was read as Transfer-Encoding frames it, "
                    + "and the connection closed after it (RFC 9112 §6.3)"
            } else {
                let values = lengths.map { listElements(of: $0.field.value) }
                guard let value = values.first?.first, values.joined().count > 1,
                    values.allSatisfy({ !$0.isEmpty && $0.allSatisfy { bytes[$0].elementsEqual(bytes[value]) } })
                else { return nil }
                removed = lengths.dropFirst()
                // The first line's list ends at its first value for the decoder.
                if value.upperBound < first.field.value.upperBound { cut = value.upperBound..<first.field.value.upperBound }
                let asList = values.contains { $0.count > 1 } ? ", as a list" : ""
                text =
                    "the answer has Content-Length \(values.joined().count) times with the same value\(asList): "
                    + "read as one (RFC 9110 §8.6), and the connection closed after it"
            }
            var kept: [Range<Int>] = []
            var from = bytes.startIndex
            let skipped = removed.map(\.field.line) + (cut.map { [$0] } ?? [])
            for range in skipped.sorted(by: { $0.lowerBound < $1.lowerBound }) {
                if range.lowerBound > from { kept.append(from..<range.lowerBound) }
                from = range.upperBound
            }
            kept.append(from..<bytes.endIndex)
            func line(_ length: Length) -> FramingNote.RemovedLine {
                FramingNote.RemovedLine(index: length.position, name: string(length.field.name), value: string(length.field.value))
            }
            let shortened = cut == nil ? [] : [line(first)]
            return (kept, FramingNote(text: text, removed: removed.map(line), shortened: shortened))
        }

        /// The elements of a field value read as a list (RFC 9110 §5.6.1: split at commas, each
        /// without the blanks around it); empty when one is empty, which no length can be.
        private func listElements(of value: Range<Int>) -> [Range<Int>] {
            var elements: [Range<Int>] = []
            var start = value.lowerBound
            while start <= value.upperBound {
                let end = bytes[start..<value.upperBound].firstIndex(of: UInt8(ascii: ",")) ?? value.upperBound
                var lower = start
                var upper = end
                while lower < upper, Self.isBlank(bytes[lower]) { lower += 1 }
                while upper > lower, Self.isBlank(bytes[upper - 1]) { upper -= 1 }
                guard lower < upper else { return [] }
                elements.append(lower..<upper)
                start = end + 1
            }
            return elements
        }

        /// Whether `bytes` are `name` (lowercase), whatever the case.
        private static func names(_ bytes: Slice<UnsafeRawBufferPointer>, _ name: [UInt8]) -> Bool {
            bytes.count == name.count
                && zip(bytes, name).allSatisfy { byte, lower in
                    (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) ? byte | 0x20 == lower : byte == lower
                }
        }

        private func string(_ range: Range<Int>) -> String {
            String(decoding: bytes[range], as: UTF8.self)
        }

        private static func isBlank(_ byte: UInt8) -> Bool { byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") }

        /// The three digits after the version, or 0.
        private static func statusCode(of line: Slice<UnsafeRawBufferPointer>) -> Int {
            guard let space = line.firstIndex(of: UInt8(ascii: " ")) else { return 0 }
            var code = 0
            for byte in line[(space + 1)...].prefix(3) {
                guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) else { return 0 }
                code = code * 10 + Int(byte - UInt8(ascii: "0"))
            }
            return code
        }
    }
}
