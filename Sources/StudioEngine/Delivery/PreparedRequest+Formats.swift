import Foundation
import StudioModel

extension PreparedRequest {
    /// The request as HTTP/1.1 text: request line, headers (with `Host`), blank line, exact body.
    public var httpText: String {
        let (host, target) = Self.hostAndTarget(of: url)
        var lines = ["\(method.rawValue) \(target) HTTP/1.1"]
        if let host { lines.append("Host: " + host) }
        var headers = self.headers
        if !body.isEmpty, !headers.contains(where: { $0.name.lowercased() == "content-length" }) {
            headers.append(HeaderField("Content-Length", String(body.utf8.count)))
        }
        lines += headers.map { "\($0.name): \($0.value)" }
        return lines.joined(separator: "\r\n") + "\r\n\r\n" + body
    }

    /// A `curl` command that sends the same request, quoted for POSIX shells: the same request
    /// line, headers and body bytes, without the headers curl adds on its own.
    public var curlCommand: String {
        // `--globoff`: curl would otherwise read `[…]` and `{…}` in the URL as ranges and sets.
        var parts = ["curl", "--globoff", "-X", method.rawValue, Self.shellQuoted(url)]
        for header in headers {
            // `-H 'Name:'` makes curl remove the header; `Name;` is curl's way to send it with an empty value.
            let field = header.value.isEmpty ? "\(header.name);" : "\(header.name): \(header.value)"
            parts += ["-H", Self.shellQuoted(field)]
        }
        let names = Set(headers.map { $0.name.lowercased() })
        if !names.contains("accept") { parts += ["-H", "'Accept:'"] }
        if !body.isEmpty {
            if !names.contains("content-type") { parts += ["-H", "'Content-Type:'"] }
            // Not `--data-binary`, which reads a body starting with `@` as the name of a file to send.
            parts += ["--data-raw", Self.shellQuoted(body)]
        } else if method != .get, method != .delete, !names.contains("content-length") {
            // What the delivery client sends for a method that defines a body and has none (RFC 9110 §8.6).
            parts += ["-H", "'Content-Length: 0'"]
        }
        return parts.joined(separator: " ")
    }

    /// The request as a JSON object: method, url, headers as pairs, body.
    public var jsonValue: JSONValue {
        [
            "deliveryId": .string(deliveryID),
            "method": .string(method.rawValue),
            "url": .string(url),
            "headers": .array(headers.map { .array([.string($0.name), .string($0.value)]) }),
            "body": .string(body),
        ]
    }

    /// The authority (without user info) and the request target of an absolute URL, cut from its
    /// text as written. The URL is already percent-encoded as it goes on the wire; parsing it with
    /// `URLComponents` would not do, because a masked value (`••••••`) is not valid in a URL and
    /// `URLComponents(string:)` then encodes the whole of it again, every `%` included
    /// (`u=ada%40example.com` became `u=ada%2540example.com`).
    static func hostAndTarget(of url: String) -> (host: String?, target: String) {
        guard let schemeEnd = url.range(of: "://") else { return (nil, "/") }
        let afterScheme = url[schemeEnd.upperBound...]
        let withoutFragment = afterScheme[..<(afterScheme.firstIndex(of: "#") ?? afterScheme.endIndex)]
        let authorityEnd = withoutFragment.firstIndex { $0 == "/" || $0 == "?" } ?? withoutFragment.endIndex
        let authority = withoutFragment[..<authorityEnd]
        let host = authority.lastIndex(of: "@").map { authority[authority.index(after: $0)...] } ?? authority
        let target = withoutFragment[authorityEnd...]
        return (host.isEmpty ? nil : String(host), target.hasPrefix("/") ? String(target) : "/" + target)
    }

    static func shellQuoted(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}
