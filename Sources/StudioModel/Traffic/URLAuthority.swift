import Foundation

/// A webhook URL's host and port as the delivery client reads them: the host as Foundation's
/// `URL` gives it (percent-decoded, without IPv6 brackets), the port as the URL writes it.
///
/// The network policy checks this reading, the connection goes to it, and ``hostHeader`` is the
/// `Host` the client sends, so that `preview`, the studio and HAR show the `Host` that went on
/// the wire, not the URL's spelling of it.
///
/// ```swift
/// URLAuthority("http://%31%32%37.0.0.1:0080/")?.hostHeader   // "127.0.0.1"
/// URLAuthority("http://[::1]:8080/")?.hostHeader             // "[::1]:8080"
/// URLAuthority("http://h:18446744073709570396/")             // nil: no such port
/// ```
public struct URLAuthority: Sendable, Hashable {
    /// The host without IPv6 brackets, as `URL.host` gives it.
    public let host: String
    /// The port the URL writes, or the scheme's default.
    public let port: Int
    /// Whether the scheme is `http` (any case), whose default port is 80; `https`'s is 443.
    public let isPlainHTTP: Bool

    /// Reads `url`; nil unless it is an http or https URL with a host and, if it writes one, a
    /// valid port (``port(writtenIn:isPlainHTTP:)``).
    public init?(_ url: String) {
        guard let parsed = URL(string: url), let scheme = parsed.scheme?.lowercased(), scheme == "http" || scheme == "https",
            let host = parsed.host.map(Self.unbracketed), !host.isEmpty,
            let port = Self.port(writtenIn: url, isPlainHTTP: scheme == "http")
        else { return nil }
        self.init(host: host, port: port, isPlainHTTP: scheme == "http")
    }

    /// Makes an authority from parts already read.
    public init(host: String, port: Int, isPlainHTTP: Bool) {
        self.host = host
        self.port = port
        self.isPlainHTTP = isPlainHTTP
    }

    /// The `Host` header value: ``bracketedHost``, then `:port` unless the port is the scheme's
    /// default (`127.0.0.1:0080` is sent as `127.0.0.1`).
    public var hostHeader: String {
        port == (isPlainHTTP ? 80 : 443) ? bracketedHost : "\(bracketedHost):\(port)"
    }

    /// The host as an authority writes it: an IPv6 literal in brackets, anything else verbatim.
    public var bracketedHost: String {
        // Only an IPv6 literal has a colon once the URL is read (a name cannot).
        host.contains(":") ? "[\(host)]" : host
    }

    /// The port `url` writes after its host, or the default when it writes none (no `:`); nil
    /// for a port that is not 1 to 5 digits' worth of 1…65535 after leading zeros (`:0`, `:65536`,
    /// `:18446744073709570396`, `:+80`, `:8a`, an empty `:`): Foundation reads a port past
    /// `Int` as none, which would send to the default port instead.
    public static func port(writtenIn url: String, isPlainHTTP: Bool) -> Int? {
        guard let text = portText(in: url) else { return isPlainHTTP ? 80 : 443 }
        guard !text.isEmpty, text.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) else {
            return nil
        }
        let significant = text.drop { $0 == "0" }
        guard significant.utf8.count <= 5, let value = Int(significant), (1...65535).contains(value) else { return nil }
        return value
    }

    /// What follows the host's `:` in the authority (after `scheme://` and any `user@`, before
    /// the first `/`, `?` or `#`); nil when there is no `:` there.
    private static func portText(in url: String) -> Substring? {
        guard let schemeEnd = url.range(of: "://") else { return nil }
        let rest = url[schemeEnd.upperBound...]
        var authority = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        if let at = authority.lastIndex(of: "@") { authority = authority[authority.index(after: at)...] }
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else { return nil }
            authority = authority[authority.index(after: close)...]
            guard let colon = authority.first else { return nil }
            return colon == ":" ? authority.dropFirst() : authority
        }
        guard let colon = authority.firstIndex(of: ":") else { return nil }
        return authority[authority.index(after: colon)...]
    }

    private static func unbracketed(_ host: String) -> String {
        host.hasPrefix("[") && host.hasSuffix("]") && host.count >= 2 ? String(host.dropFirst().dropLast()) : host
    }
}
