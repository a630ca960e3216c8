import Foundation
import StudioModel

/// The parts of a webhook URL the policy judges, read once, by Foundation's `URL`
/// (percent-decoded, brackets removed): the connection goes to the address checked for this
/// reading of the host, and the `Host` header and TLS check name this host, so no other
/// reading can bypass the check.
struct TargetURL: Sendable {
    /// `http` or `https`, lower case.
    let scheme: String
    /// The host as `URL.host` gives it, without IPv6 brackets.
    let host: String
    /// The explicit port, or the scheme's default.
    let port: Int
    /// The host as an address, when it is an IP literal in any encoding.
    let literal: IPAddress?

    /// Lower case, without a trailing dot: the form compared with names in `network.allow`.
    var normalizedHost: String {
        var name = host.lowercased()
        if name.hasSuffix(".") { name.removeLast() }
        return name
    }

    /// The host and port as the client reads them, for the `Host` header (``URLAuthority``).
    var authority: URLAuthority { URLAuthority(host: host, port: port, isPlainHTTP: scheme == "http") }

    /// The host as the `Host` header writes it: IPv6 literals in brackets, everything else verbatim.
    var authorityHost: String { authority.bracketedHost }

    /// The name to look up: the host without a trailing dot. `localhost.` is the same name as
    /// `localhost` (the policy judges both as `localhost`), but a hosts file lists only the latter.
    var lookupName: String {
        host.hasSuffix(".") && host.count > 1 ? String(host.dropLast()) : host
    }

    /// Reads `url`, refusing what no policy decision is needed for: unparseable URLs, schemes
    /// other than http/https, credentials, empty or malformed hosts, IPv6 zone ids.
    static func parse(_ url: String) -> Result<TargetURL, PolicyViolation> {
        guard let parsed = URL(string: url), let rawScheme = parsed.scheme else {
            return .failure(invalid("is not a valid URL", url: url))
        }
        let scheme = rawScheme.lowercased()
        guard scheme == "http" || scheme == "https" else {
            return .failure(
                PolicyViolation(
                    reason: .unsupportedScheme,
                    message: "\(rawScheme): URLs are not allowed; webhooks must use http or https"))
        }
        if parsed.user != nil || parsed.password != nil || hasUserinfo(url) {
            return .failure(
                PolicyViolation(
                    reason: .credentialsInURL,
                    message: "the URL contains a user name or password; put credentials in the webhook's auth settings"))
        }
        guard var host = parsed.host, !host.isEmpty else { return .failure(invalid("has no host", url: url)) }
        if host.hasPrefix("["), host.hasSuffix("]"), host.count >= 2 { host = String(host.dropFirst().dropLast()) }
        // Read from the text: `URL.port` is nil for a port past Int, which would go to port 80.
        guard let port = URLAuthority.port(writtenIn: url, isPlainHTTP: scheme == "http") else {
            return .failure(invalid("has an invalid port", url: url))
        }
        if host.contains("%") {
            return .failure(invalid("has an IPv6 zone id or an encoded character in its host", url: url))
        }
        if let literal = IPAddress(host) {
            return .success(TargetURL(scheme: scheme, host: host, port: port, literal: literal))
        }
        guard isHostName(host) else {
            return .failure(invalid("has a host that is neither an address nor a host name", url: url))
        }
        return .success(TargetURL(scheme: scheme, host: host, port: port, literal: nil))
    }

    /// Letters, digits, `-` and `_` in dot-separated labels; an IP-looking host that failed to
    /// parse as an address (`1.2.3.999`, `::g`) is not a name either.
    private static func isHostName(_ host: String) -> Bool {
        guard host.utf8.count <= 253, !host.contains(":") else { return false }
        var labels = host.split(separator: ".", omittingEmptySubsequences: false)
        if labels.count > 1, labels.last?.isEmpty == true { labels.removeLast() }
        guard let last = labels.last, !last.allSatisfy({ $0.isNumber }) else { return false }
        // WHATWG: a host whose last label is a number (decimal, or 0x hex) is an IPv4 address.
        if last.lowercased().hasPrefix("0x"), last.dropFirst(2).allSatisfy(\.isHexDigit) { return false }
        return labels.allSatisfy { label in
            (1...63).contains(label.count)
                && label.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }
        }
    }

    /// Foundation may not report an empty user (`http://@host`); any `@` in the authority is refused.
    static func hasUserinfo(_ url: String) -> Bool {
        guard let start = url.range(of: "://") else { return false }
        let rest = url[start.upperBound...]
        let authority = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" && $0 != "\\" }
        return authority.contains("@")
    }

    private static func invalid(_ problem: String, url: String) -> PolicyViolation {
        PolicyViolation(reason: .invalidURL, message: "the URL \(problem)")
    }
}
