/// What the delivery client puts on the wire besides a request's own headers: `Host` and the
/// body's framing. The request text of `preview` and `send` and the studio's exchange view add
/// them, so that what they show is what the endpoint got.
public enum WireHeaders {
    /// `headers` as sent: `Host` first unless given, then the request's own without any framing
    /// header of theirs, then the `Content-Length` the client sends
    /// (``contentLength(method:bodyByteCount:)``). A masked copy of a request whose body the
    /// masking made shorter or longer carries the sent body's `Content-Length`, which is kept.
    public static func adding(to headers: [HeaderField], method: String, url: String, bodyByteCount: Int) -> [HeaderField] {
        var sent: [HeaderField] = []
        sent.reserveCapacity(headers.count + 2)
        if !headers.contains(where: { $0.name.lowercased() == "host" }), let host = sentHost(of: url) {
            sent.append(HeaderField("Host", host))
        }
        var given: Int?
        for header in headers {
            switch header.name.lowercased() {
            case "content-length": given = Int(header.value)
            case "transfer-encoding": continue
            default: sent.append(header)
            }
        }
        if let length = contentLength(method: HTTPMethod(rawValue: method), bodyByteCount: bodyByteCount) {
            sent.append(HeaderField("Content-Length", String(given ?? length)))
        }
        return sent
    }

    /// The byte count of the body a request was sent with: its `Content-Length` as ``adding(to:method:url:bodyByteCount:)``
    /// writes it, else `bodyByteCount`.
    public static func sentBodyByteCount(of headers: [HeaderField], bodyByteCount: Int) -> Int {
        headers.last { $0.name.lowercased() == "content-length" }.flatMap { Int($0.value) } ?? bodyByteCount
    }

    /// The `Content-Length` a request is sent with: its body's size; `0` for a method that
    /// defines a body and has none (RFC 9110 §8.6); nil for GET and DELETE without one, and for
    /// GET, whose body is never sent.
    public static func contentLength(method: HTTPMethod?, bodyByteCount: Int) -> Int? {
        if method?.allowsBody ?? true, bodyByteCount > 0 { return bodyByteCount }
        return method == .get || method == .delete ? nil : 0
    }

    /// The `Host` the delivery client sends for `url` (``URLAuthority/hostHeader``: the host
    /// percent-decoded, no default port), read from the scheme and authority alone, so that a
    /// masked password or query does not change it; the authority as written for a URL the client
    /// refuses to send (an invalid port), and nil for one without an authority.
    public static func sentHost(of url: String) -> String? {
        guard let written = hostAndTarget(of: url).host, let schemeEnd = url.range(of: "://") else { return nil }
        return URLAuthority("\(url[..<schemeEnd.lowerBound])://\(written)/")?.hostHeader ?? written
    }

    /// The authority as the URL writes it (without user info) and the request line's target (`/` when
    /// the URL has no path; no fragment), cut from the URL as written.
    public static func hostAndTarget(of url: String) -> (host: String?, target: String) {
        guard let schemeEnd = url.range(of: "://") else { return (nil, "/") }
        let afterScheme = url[schemeEnd.upperBound...]
        let withoutFragment = afterScheme[..<(afterScheme.firstIndex(of: "#") ?? afterScheme.endIndex)]
        let authorityEnd = withoutFragment.firstIndex { $0 == "/" || $0 == "?" } ?? withoutFragment.endIndex
        let authority = withoutFragment[..<authorityEnd]
        let host = authority.lastIndex(of: "@").map { authority[authority.index(after: $0)...] } ?? authority
        let target = withoutFragment[authorityEnd...]
        return (host.isEmpty ? nil : String(host), target.hasPrefix("/") ? String(target) : "/" + target)
    }
}
