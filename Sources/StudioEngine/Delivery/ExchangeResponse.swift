import NIOCore
import NIOHTTP1
import StudioModel

/// What one exchange has received: the status line and headers once they arrive, and the body
/// up to a limit. Both transports fill one; ``DeliveryClient`` turns it into the attempt record.
struct ExchangeResponse: Sendable {
    enum AppendResult { case more, full }

    var status: Int?
    /// `HTTP/1.1`, as the status line said.
    var version: String?
    /// The status line's reason phrase, as received.
    var reason: [UInt8] = []
    var headers: [HeaderField] = []
    var body = ByteBuffer()
    /// The body went past the limit; what is kept is its first `limit` bytes.
    var truncated = false

    /// `HTTP/1.1` for a status line's version; the common ones without building a string.
    static func versionText(_ version: HTTPVersion) -> String {
        switch (version.major, version.minor) {
        case (1, 1): "HTTP/1.1"
        case (1, 0): "HTTP/1.0"
        default: "HTTP/\(version.major).\(version.minor)"
        }
    }

    /// Keeps `chunk`, or as much of it as fits in `limit` bytes in all; `.full` once the limit is reached.
    mutating func append(_ chunk: ByteBuffer, limit: Int) -> AppendResult {
        let room = limit - body.readableBytes
        if chunk.readableBytes > room {
            truncated = true
            if room > 0, let slice = chunk.getSlice(at: chunk.readerIndex, length: room) {
                body.writeImmutableBuffer(slice)
            }
            return .full
        }
        body.writeImmutableBuffer(chunk)
        return .more
    }
}
