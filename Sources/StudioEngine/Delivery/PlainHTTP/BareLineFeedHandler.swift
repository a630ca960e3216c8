import NIOCore

/// Lets a response whose status line and header lines end in a bare LF through, as RFC 9112
/// §2.2 allows a recipient to ("a recipient MAY recognize a single LF as a line terminator") and
/// as curl, Go and Python clients do: SwiftNIO's parser rejects such a head, so a receiver
/// written on a raw socket with `"\n"` would never get a webhook delivered.
///
/// Sits before the HTTP decoder and rewrites a lone LF to CRLF in response heads only. When a
/// head has ended (its blank line) the bytes after it pass untouched: a body is never changed.
/// A 1xx head is followed by another head; ``HTTP1ExchangeHandler`` announces each new exchange
/// with ``ExpectResponseHead``, so the next response on a kept-alive connection is a head again.
/// A head with only CRLF line ends is passed on as it came, without a copy.
final class BareLineFeedHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundIn = IOData
    typealias OutboundOut = IOData

    /// Sent outbound by the exchange handler when it starts an exchange: the next bytes are a head.
    struct ExpectResponseHead {}

    /// Where a head is: the last byte seen, the bytes of the line being read (CRs aside), the
    /// lines ended so far, and the start of the status line (for its code).
    private struct Head {
        var previous: UInt8?
        var lineLength = 0
        var lines = 0
        var statusLine: [UInt8] = []

        /// `HTTP/1.1 1xx`: another head follows this one.
        var isInformational: Bool {
            guard let space = statusLine.firstIndex(of: UInt8(ascii: " ")), space + 1 < statusLine.count else { return false }
            return statusLine[space + 1] == UInt8(ascii: "1")
        }
    }

    /// The head being read; nil while a body passes.
    private var head: Head? = Head()

    func triggerUserOutboundEvent(context: ChannelHandlerContext, event: Any, promise: EventLoopPromise<Void>?) {
        guard event is ExpectResponseHead else { return context.triggerUserOutboundEvent(event, promise: promise) }
        head = Head()
        promise?.succeed()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard var head else { return context.fireChannelRead(data) }
        let buffer = unwrapInboundIn(data)
        // One pass over the bytes (no copy): where each lone LF is, and where the head ends.
        var loneLineFeeds: [Int] = []
        var headEnd: Int?
        buffer.withUnsafeReadableBytes { bytes in
            for (offset, byte) in bytes.enumerated() {
                switch byte {
                case UInt8(ascii: "\n"):
                    if head.previous != UInt8(ascii: "\r") { loneLineFeeds.append(offset) }
                    if head.lineLength == 0, head.lines == 0 {
                        // An empty line before the status line (a stray CRLF after the last
                        // answer) is not a line of this head.
                    } else if head.lineLength == 0, head.lines > 0 {
                        // The blank line: the head ends here; a 1xx is followed by the next head.
                        guard head.isInformational else {
                            headEnd = offset
                            return
                        }
                        head = Head()
                    } else {
                        head.lines += 1
                        head.lineLength = 0
                    }
                case UInt8(ascii: "\r"):
                    break
                default:
                    head.lineLength += 1
                    if head.lines == 0, head.statusLine.count < 16 { head.statusLine.append(byte) }
                }
                head.previous = byte
            }
        }
        self.head = headEnd == nil ? head : nil
        guard !loneLineFeeds.isEmpty else { return context.fireChannelRead(data) }
        // Each lone LF gets the CR it lacks; the rest, a body included, is copied as it came.
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
