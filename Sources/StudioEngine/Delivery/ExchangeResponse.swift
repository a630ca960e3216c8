import NIOCore
import NIOHTTP1
import StudioModel

/// What one exchange has received: the status line and headers once they arrive, and the body
/// up to a limit. Both transports fill one; ``DeliveryClient`` turns it into the attempt record.
struct ExchangeResponse: Sendable {
    enum AppendResult { case more, full }

    /// How many header fields, and how many bytes of their names and values, an attempt keeps
    /// of a response's head. A head may be 80 KiB (``BareLineFeedHandler/maximumHeadLength``):
    /// 7,000 short fields, each kept as two strings and stored in every record, grew a run's
    /// memory and store by over 200 KB an attempt. Real answers carry a few dozen.
    static let maximumKeptHeaderFields = 100
    static let maximumKeptHeaderBytes = 16 * 1024
    /// Fields Hookline acts on or shows for an answer: kept past the cut (at most
    /// ``maximumKeptPolicyFields`` of them), so a cut head is still retried, redirected,
    /// stopped or decoded as its server asked.
    static let policyFieldNames: Set<String> = [
        "retry-after", "location", "webhook-delivery", "content-type", "content-encoding", "content-length",
        "transfer-encoding",
    ]
    static let maximumKeptPolicyFields = 16

    var status: Int?
    /// `HTTP/1.1`, as the status line said.
    var version: String?
    /// The status line's reason phrase, as received.
    var reason: [UInt8] = []
    var headers: [HeaderField] = []
    /// Header fields of the head that were not kept (past ``maximumKeptHeaderFields`` or
    /// ``maximumKeptHeaderBytes``), and the bytes of their names and values.
    var omittedHeaderFields = 0
    var omittedHeaderBytes = 0
    /// What was odd about the answer that the exchange accepted all the same, in words for the
    /// record (a head framing its body two ways: ``ResponseFramingHandler``).
    var notes: [String] = []
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

    /// Keeps the head's fields in order up to ``maximumKeptHeaderFields`` and
    /// ``maximumKeptHeaderBytes``, then only those named in ``policyFieldNames``; counts the rest.
    mutating func keepHeaders(_ fields: some Sequence<HeaderField>) {
        headers = []
        omittedHeaderFields = 0
        omittedHeaderBytes = 0
        var bytes = 0
        var policyFields = 0
        for field in fields {
            let size = field.name.utf8.count + field.value.utf8.count
            if omittedHeaderFields == 0, headers.count < Self.maximumKeptHeaderFields,
                bytes + size <= Self.maximumKeptHeaderBytes
            {
                headers.append(field)
                bytes += size
            } else if policyFields < Self.maximumKeptPolicyFields, size <= Self.maximumKeptHeaderBytes,
                Self.policyFieldNames.contains(field.name.lowercased())
            {
                headers.append(field)
                policyFields += 1
            } else {
                omittedHeaderFields += 1
                omittedHeaderBytes += size
            }
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
