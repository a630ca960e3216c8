import NIOCore
import NIOHTTP1
import StudioModel

/// A ``PreparedRequest`` as HTTP/1.1 puts it on the wire to a ``PinnedTarget``: the request
/// line's target, `Host`, and the body framing.
struct HTTP1Request: Sendable {
    var head: HTTPRequestHead
    var body: ByteBuffer?

    /// - Throws: ``InvalidHeaderError`` for a header name that is not a token, a value with a
    ///   control character (a line break would start a header of its own), or a request target
    ///   with a byte RFC 9112 §3.2 does not allow there (``RequestTarget``).
    init(_ request: PreparedRequest, to target: PinnedTarget) throws(InvalidHeaderError) {
        let uri = Self.requestTarget(of: target.url)
        // The request builder encodes every URL it renders; this is the last line before the wire.
        guard RequestTarget.isValid(uri) else { throw InvalidHeaderError(name: "", part: .target) }
        var headers = HTTPHeaders()
        headers.reserveCapacity(request.headers.count + 2)
        // RFC 9112 §3.2: "a user agent SHOULD generate Host as the first field line following the request-line".
        headers.add(name: "Host", value: target.hostHeader)
        for header in request.headers {
            guard HTTPFieldSyntax.isToken(header.name) else { throw InvalidHeaderError(name: header.name, part: .name) }
            guard HTTPFieldSyntax.isFieldValue(header.value) else { throw InvalidHeaderError(name: header.name, part: .value) }
            // Host and the framing are this transport's to set, from the URL and the body it sends.
            if ReservedHeaders.isClientOwned(header.name) { continue }
            headers.add(name: header.name, value: header.value)
        }
        let length = WireHeaders.contentLength(method: request.method, bodyByteCount: request.body.utf8.count)
        if let length { headers.add(name: "Content-Length", value: String(length)) }
        body = (length ?? 0) > 0 ? ByteBuffer(string: request.body) : nil
        head = HTTPRequestHead(
            version: .http1_1, method: NIOHTTP1.HTTPMethod(rawValue: request.method.rawValue), uri: uri, headers: headers)
    }

    /// The URL's path and query exactly as written (`/` when it has no path), without the fragment.
    static func requestTarget(of url: String) -> String {
        let utf8 = url.utf8
        // After `scheme://`: the policy only passes http and https URLs, which have one.
        guard let colon = utf8.firstIndex(of: UInt8(ascii: ":")),
            utf8[utf8.index(after: colon)...].starts(with: "//".utf8)
        else { return "/" }
        var start = utf8.endIndex
        var end = utf8.endIndex
        var index = utf8.index(colon, offsetBy: 3)
        while index < utf8.endIndex {
            let byte = utf8[index]
            if start == utf8.endIndex, byte == UInt8(ascii: "/") || byte == UInt8(ascii: "?") { start = index }
            if byte == UInt8(ascii: "#") {
                end = index
                break
            }
            index = utf8.index(after: index)
        }
        if start == utf8.endIndex || start >= end { return "/" }
        let target = String(Substring(url.utf8[start..<end]))
        return target.hasPrefix("?") ? "/" + target : target
    }

}

/// A header that cannot be sent as it is; nothing was sent.
struct InvalidHeaderError: Error, CustomStringConvertible {
    enum Part: String { case name, value, target }
    var name: String
    var part: Part

    var description: String {
        switch part {
        case .name: "the header name '\(name)' is not valid in HTTP; nothing was sent"
        case .value: "the value of header '\(name)' contains a line break or control character; nothing was sent"
        case .target: "the URL's path or query holds a character no request line may carry; nothing was sent"
        }
    }
}
