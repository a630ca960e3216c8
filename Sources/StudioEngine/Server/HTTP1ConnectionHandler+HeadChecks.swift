import Foundation
import NIOHTTP1

extension HTTP1ConnectionHandler.Refusal {
    /// The refusal of CONNECT, whatever its target (RFC 9110 §9.3.6): these servers are no proxies,
    /// and an authority is no path or http(s) URL. A 4xx to it opens no tunnel (RFC 9112 §6.3), but
    /// SwiftNIO's decoder reads nothing after a CONNECT head, so what a client pipelined after it
    /// would go unanswered, and its encoder sends the answer to one without its length and body;
    /// the refusal closes the connection.
    static let tunnel = Self(status: .badRequest, detail: "CONNECT asks for a tunnel, and this server is no proxy")
}

extension HTTP1ConnectionHandler {
    /// Why a request is refused from its head, or nil; a head with an absolute-form target gets
    /// the target's authority as its one `Host` (RFC 9112 §3.2.2: the server "MUST ignore the
    /// received Host header field (if any) and instead use the host information of the request
    /// target"), which is the `Host` the application then checks.
    ///
    /// - More than one `Host` field line, none in HTTP/1.1, or one that is no `host[:port]`
    ///   (`localhost:abc`, a port past 65535): 400 (RFC 9112 §3.2).
    /// - A target `*` with another method than OPTIONS, or one with a `#fragment`: 400 (§3.2). The conversion to HTTP types would take the first, so that a second
    ///   one could name another server than the one the application checks.
    /// - An absolute-form target of another scheme than http or https, or with no host: 400.
    /// - CONNECT, whatever its target: 400 (``Refusal/tunnel``), refused by ``RequestHeadTracker``
    ///   before the decoder reads it unless its request line came in pieces.
    /// - `Transfer-Encoding` in an HTTP/1.0 request: 400, its framing faulty (RFC 9112 §6.1).
    /// - A transfer coding other than `chunked`: 501 (RFC 9112 §6.1), since the body would be
    ///   read still coded. (`Content-Encoding` is the application's to refuse.)
    static func refusal(of head: inout HTTPRequestHead) -> Refusal? {
        let hosts = head.headers["host"]
        if hosts.count > 1 { return Refusal(status: .badRequest, detail: "more than one Host field") }
        if hosts.isEmpty, head.version != .http1_0 {
            return Refusal(status: .badRequest, detail: "an HTTP/1.1 request needs a Host field")
        }
        if let host = hosts.first, !isAuthority(host) {
            return Refusal(status: .badRequest, detail: "Host \(host) is not a host[:port]")
        }
        // RFC 9112 §3.2.4: the asterisk-form is OPTIONS's only; §3.2: no form holds a fragment.
        if head.uri == "*", head.method != .OPTIONS {
            return Refusal(status: .badRequest, detail: "the target * is for OPTIONS only")
        }
        if head.uri.contains("#") { return Refusal(status: .badRequest, detail: "a request target has no #fragment") }
        // The tracker refuses a CONNECT before the decoder reads it; this one's method came in
        // pieces. Its answer goes without its length (SwiftNIO's encoder), framed by the close.
        if head.method == .CONNECT { return .tunnel }
        if head.uri != "*", !head.uri.hasPrefix("/") {
            guard let authority = authority(ofAbsoluteTarget: head.uri) else {
                return Refusal(status: .badRequest, detail: "the request target is neither a path nor an http(s) URL")
            }
            head.headers.replaceOrAdd(name: "host", value: authority)
        }
        let codings = head.headers["transfer-encoding"].flatMap { $0.split(separator: ",") }
            .map { $0.trimmingCharacters(in: [" ", "\t"]).lowercased() }
        guard !codings.isEmpty else { return nil }
        if head.version == .http1_0 {
            return Refusal(status: .badRequest, detail: "Transfer-Encoding in an HTTP/1.0 request: send Content-Length")
        }
        if let coding = codings.first(where: { $0 != "chunked" }) {
            return Refusal(
                status: .notImplemented,
                detail: "transfer coding \(coding) is not taken: send the body chunked or with Content-Length")
        }
        return nil
    }

    /// What is wrong with a head the decoder refused (`error`), in words for the client. SwiftNIO's
    /// parser names the byte it expected, not the fault: a version in lower case (`http/1.1`,
    /// RFC 9112 §2.3: "HTTP-name is case-sensitive") or of another protocol (`HTTX/1.1`) is a bad
    /// constant, as a stray byte is, or a bad version; a line that ends in a bare LF (RFC 9112
    /// §2.2) is a bad header token, a missing CR or a bad Transfer-Encoding, by where it is.
    static func explanation(of error: HTTPParserError, readBy tracker: RequestHeadTracker) -> String {
        // A method or a target the parser refused came before the version, which it never read.
        if error != .invalidMethod, error != .invalidURL, let version = tracker.versionText, !isVersion(version) {
            let upper = version.uppercased()
            if upper != version, isVersion(upper) {
                return "the HTTP version must be written \(upper), in upper case (the request line ends in \(version))"
            }
            return "unknown HTTP version \(version): the request line must end in HTTP/1.1 or HTTP/1.0"
        }
        if tracker.headHasBareLineFeed { return "a line of the head ends in a bare LF: end every line with CRLF" }
        return error.requestExplanation
    }

    /// Whether `text` is an HTTP version as RFC 9112 §2.3 writes one: `HTTP/`, a digit, `.`, a digit.
    private static func isVersion(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        func isDigit(_ byte: UInt8) -> Bool { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) }
        return bytes.count == 8 && bytes.starts(with: "HTTP/".utf8) && isDigit(bytes[5]) && bytes[6] == UInt8(ascii: ".")
            && isDigit(bytes[7])
    }

    /// The authority of an http or https URL with a host and no user info (RFC 9110 §4.2.4:
    /// its presence is treated as an error); nil for any other target.
    private static func authority(ofAbsoluteTarget target: String) -> String? {
        guard let separator = target.range(of: "://") else { return nil }
        let scheme = target[..<separator.lowerBound].lowercased()
        guard scheme == "http" || scheme == "https" else { return nil }
        let authority = String(target[separator.upperBound...].prefix { !"/?#".contains($0) })
        guard !authority.isEmpty, !authority.hasPrefix(":"), isAuthority(authority) else { return nil }
        return authority
    }

    /// Whether `value` is a `host[:port]` (RFC 3986 §3.2.2–3.2.3): a name, percent-encoded or not,
    /// or an IPv4 address, or a bracketed IP literal; then, after a colon, a port of digits up to
    /// 65535 (or none). No user info.
    private static func isAuthority(_ value: String) -> Bool {
        var host = Substring(value)
        var port: Substring?
        if host.hasPrefix("[") {
            guard let close = host.firstIndex(of: "]") else { return false }
            let literal = host[host.index(after: host.startIndex)..<close]
            guard !literal.isEmpty, literal.allSatisfy({ $0.isASCII && ($0.isHexDigit || ":.vV".contains($0)) }) else {
                return false
            }
            let rest = host[host.index(after: close)...]
            if !rest.isEmpty {
                guard rest.first == ":" else { return false }
                port = rest.dropFirst()
            }
        } else {
            if let colon = host.firstIndex(of: ":") {
                port = host[host.index(after: colon)...]
                host = host[..<colon]
            }
            guard host.utf8.allSatisfy(isRegisteredNameByte) else { return false }
        }
        guard let port else { return true }
        return port.count <= 5 && port.utf8.allSatisfy { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }
            && Int(port).map { $0 <= 65535 } ?? port.isEmpty
    }

    /// A byte of RFC 3986's `reg-name` (unreserved, sub-delims, or of a percent-encoding).
    private static func isRegisteredNameByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"):
            true
        default:
            "-._~!$&'()*+,;=%".utf8.contains(byte)
        }
    }
}
