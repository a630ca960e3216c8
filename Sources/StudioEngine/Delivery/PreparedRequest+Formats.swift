import Foundation
import StudioModel

extension PreparedRequest {
    /// The request as HTTP/1.1 text: request line, headers (with `Host`), blank line, exact body.
    public var httpText: String {
        let components = URLComponents(string: url)
        var target = components?.percentEncodedPath ?? "/"
        if target.isEmpty { target = "/" }
        if let query = components?.percentEncodedQuery { target += "?" + query }
        var lines = ["\(method.rawValue) \(target) HTTP/1.1"]
        if let host = components?.host {
            lines.append("Host: " + (components?.port.map { "\(host):\($0)" } ?? host))
        }
        var headers = self.headers
        if !body.isEmpty, !headers.contains(where: { $0.name.lowercased() == "content-length" }) {
            headers.append(HeaderField("Content-Length", String(body.utf8.count)))
        }
        lines += headers.map { "\($0.name): \($0.value)" }
        return lines.joined(separator: "\r\n") + "\r\n\r\n" + body
    }

    /// A `curl` command that sends the same request, quoted for POSIX shells.
    public var curlCommand: String {
        var parts = ["curl", "-X", method.rawValue, Self.shellQuoted(url)]
        for header in headers {
            parts += ["-H", Self.shellQuoted("\(header.name): \(header.value)")]
        }
        if !body.isEmpty {
            parts += ["--data-binary", Self.shellQuoted(body)]
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

    static func shellQuoted(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}
