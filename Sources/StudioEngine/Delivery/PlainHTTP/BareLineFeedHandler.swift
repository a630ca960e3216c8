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
        var output: ByteBuffer?
        var copiedUpTo = buffer.readerIndex
        var index = buffer.readerIndex
        var inHead = true
        while inHead, index < buffer.writerIndex, let byte = buffer.getInteger(at: index, as: UInt8.self) {
            switch byte {
            case UInt8(ascii: "\n"):
                if head.previous != UInt8(ascii: "\r") {
                    // A lone LF: what came before it goes on, then the CR it lacks.
                    var copy = output ?? context.channel.allocator.buffer(capacity: buffer.readableBytes + 16)
                    if let slice = buffer.getSlice(at: copiedUpTo, length: index - copiedUpTo) { copy.writeImmutableBuffer(slice) }
                    copy.writeInteger(UInt8(ascii: "\r"))
                    output = copy
                    copiedUpTo = index
                }
                if head.lineLength == 0, head.lines > 0 {
                    // The blank line: the head ends here; a 1xx is followed by the next head.
                    if head.isInformational {
                        head = Head()
                    } else {
                        inHead = false
                    }
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
            index += 1
        }
        self.head = inHead ? head : nil
        guard var output else { return context.fireChannelRead(data) }
        if let rest = buffer.getSlice(at: copiedUpTo, length: buffer.writerIndex - copiedUpTo) { output.writeImmutableBuffer(rest) }
        context.fireChannelRead(wrapInboundOut(output))
    }
}
