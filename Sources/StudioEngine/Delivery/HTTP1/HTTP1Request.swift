import NIOCore
import NIOHTTP1
import StudioModel

/// A ``PreparedRequest`` as HTTP/1.1 puts it on the wire to a ``PinnedTarget``: the request
/// line's target, `Host`, and the body framing.
struct HTTP1Request: Sendable {
    var head: HTTPRequestHead
    var body: ByteBuffer?

    /// - Throws: ``InvalidHeaderError`` for a header name that is not a token or a value with a
    ///   control character (a line break would start a header of its own).
    init(_ request: PreparedRequest, to target: PinnedTarget) throws(InvalidHeaderError) {
        var headers = HTTPHeaders()
        headers.reserveCapacity(request.headers.count + 2)
        var hasHost = false
        for header in request.headers {
            guard HTTPFieldSyntax.isToken(header.name) else { throw InvalidHeaderError(name: header.name, part: .name) }
            guard HTTPFieldSyntax.isFieldValue(header.value) else { throw InvalidHeaderError(name: header.name, part: .value) }
            // The framing is this transport's to set, from the body it sends.
            if Self.isNamed(header.name, "content-length") || Self.isNamed(header.name, "transfer-encoding") { continue }
            if Self.isNamed(header.name, "host") { hasHost = true }
            headers.add(name: header.name, value: header.value)
        }
        if !hasHost {
            let defaultPort = target.isPlainHTTP ? 80 : 443
            headers.add(
                name: "Host", value: target.port == defaultPort ? target.authorityHost : "\(target.authorityHost):\(target.port)")
        }
        let length = WireHeaders.contentLength(method: request.method, bodyByteCount: request.body.utf8.count)
        if let length { headers.add(name: "Content-Length", value: String(length)) }
        body = (length ?? 0) > 0 ? ByteBuffer(string: request.body) : nil
        head = HTTPRequestHead(
            version: .http1_1, method: NIOHTTP1.HTTPMethod(rawValue: request.method.rawValue),
            uri: Self.requestTarget(of: target.url), headers: headers)
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

    /// Whether the token `name` is `lowercased` (letters and `-`) in any case, without making a
    /// lowercased copy of every header name of every request.
    private static func isNamed(_ name: String, _ lowercased: String) -> Bool {
        name.utf8.elementsEqual(lowercased.utf8) { $0 | 0x20 == $1 }
    }
}

/// A header that cannot be sent as it is; nothing was sent.
struct InvalidHeaderError: Error, CustomStringConvertible {
    enum Part: String { case name, value }
    var name: String
    var part: Part

    var description: String {
        switch part {
        case .name: "the header name '\(name)' is not valid in HTTP; nothing was sent"
        case .value: "the value of header '\(name)' contains a line break or control character; nothing was sent"
        }
    }
}
