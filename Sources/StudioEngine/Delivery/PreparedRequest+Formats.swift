import Foundation
import StudioModel

extension PreparedRequest {
    /// The request as HTTP/1.1 text, as the client sends it: request line, headers with `Host`
    /// and the framing (``WireHeaders``), blank line, exact body (none for a GET, which sends none).
    public var httpText: String {
        let target = WireHeaders.hostAndTarget(of: url).target
        let sent = WireHeaders.adding(to: headers, method: method.rawValue, url: url, bodyByteCount: body.utf8.count)
        let lines = ["\(method.rawValue) \(target) HTTP/1.1"] + sent.map { "\($0.name): \($0.value)" }
        return lines.joined(separator: "\r\n") + "\r\n\r\n" + (method.allowsBody ? body : "")
    }

    /// A `curl` command that sends the same request, quoted for POSIX shells: the same request
    /// line, headers and body bytes, without the headers curl adds on its own.
    public var curlCommand: String {
        // `--globoff`: curl would otherwise read `[…]` and `{…}` in the URL as ranges and sets.
        var parts = ["curl", "--globoff", "-X", method.rawValue, Self.shellQuoted(url)]
        // curl frames the body it sends itself; a masked request's Content-Length is the sent body's, not this one's.
        for header in headers where header.name.lowercased() != "content-length" {
            // `-H 'Name:'` makes curl remove the header; `Name;` is curl's way to send it with an empty value.
            let field = header.value.isEmpty ? "\(header.name);" : "\(header.name): \(header.value)"
            parts += ["-H", Self.shellQuoted(field)]
        }
        let names = Set(headers.map { $0.name.lowercased() })
        if !names.contains("accept") { parts += ["-H", "'Accept:'"] }
        var input = ""
        if !body.isEmpty {
            if !names.contains("content-type") { parts += ["-H", "'Content-Type:'"] }
            if let escaped = Self.printfEscaped(body) {
                // No shell argument can hold a NUL, and an ESC printed raw drives the terminal:
                // printf writes those bytes from octal escapes, and curl reads them from its input.
                input = "printf '%b' \(Self.shellQuoted(escaped)) | "
                parts += ["--data-binary", "@-"]
            } else {
                // Not `--data-binary`, which reads a body starting with `@` as the name of a file to send.
                parts += ["--data-raw", Self.shellQuoted(body)]
            }
        } else if WireHeaders.contentLength(method: method, bodyByteCount: 0) == 0, !names.contains("content-length") {
            // What the delivery client sends for a method that defines a body and has none.
            parts += ["-H", "'Content-Length: 0'"]
        }
        return input + parts.joined(separator: " ")
    }

    /// `text` for `printf '%b'`, with each control character but a line break or a tab written as
    /// an octal escape (`\0000` for NUL) and each backslash doubled; nil when it has none, and can
    /// be quoted as it is.
    static func printfEscaped(_ text: String) -> String? {
        func isEscaped(_ scalar: Unicode.Scalar) -> Bool {
            (scalar.value < 0x20 && scalar != "\n" && scalar != "\t") || scalar.value == 0x7F
        }
        guard text.unicodeScalars.contains(where: isEscaped) else { return nil }
        var escaped = ""
        for scalar in text.unicodeScalars {
            if scalar == "\\" {
                escaped += "\\\\"
            } else if isEscaped(scalar) {
                let octal = String(scalar.value, radix: 8)
                escaped += "\\0" + String(repeating: "0", count: 3 - octal.count) + octal
            } else {
                escaped.unicodeScalars.append(scalar)
            }
        }
        return escaped
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
