/// What a URL's path, query and fragment may hold on the wire: RFC 3986 §3.3–3.5 (`pchar`, `/`,
/// `?`, `%XX`) and so RFC 9112 §3.2's `origin-form` request target. The one rule the request
/// builder (which encodes a rendered URL) and the HTTP/1.1 writer (which refuses anything else)
/// share.
///
/// ```swift
/// try RequestTarget.encoded("http://h/café/x?r=a b")   // "http://h/caf%C3%A9/x?r=a%20b"
/// try RequestTarget.encoded("http://h/a\r\nHost: x")    // throws: a control character
/// ```
enum RequestTarget {
    /// Longest URL sent: 8 KiB. nginx answers a longer request line 414 (`large_client_header_buffers 4 8k`),
    /// Apache at 8,190 bytes (`LimitRequestLine`).
    static let maximumURLBytes = 8 * 1024

    /// Why a rendered URL cannot be sent.
    enum Problem: Error, Equatable {
        /// A C0 control character or DEL: CR and LF would end the request line and start a
        /// header or a request of their own.
        case controlCharacter
        /// More than ``maximumURLBytes`` once encoded.
        case tooLong(bytes: Int)

        var message: String {
            switch self {
            case .controlCharacter:
                "the rendered URL holds a control character (CR, LF, NUL, tab …), which no request line may carry; "
                    + "a merge parameter written {{{…}}} or {{& …}} is not encoded: write {{…}}"
            case .tooLong(let bytes):
                "the rendered URL is \(bytes) bytes; the limit is 8 KiB (nginx and Apache refuse longer request lines)"
            }
        }
    }

    /// Whether `byte` may stand as itself in a path, query or fragment: unreserved, sub-delims,
    /// `:`, `@`, `/`, `?` and the `%` of an escape. `#` is not: it only ends the target.
    static func isAllowed(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"):
            true
        default:
            "-._~!$&'()*+,;=:@/?%".utf8.contains(byte)
        }
    }

    /// Whether `target`, a request line's target, holds only what ``isAllowed(_:)`` admits and
    /// whole `%XX` escapes.
    static func isValid(_ target: String) -> Bool {
        // Checked for every request sent: the bytes are read in place, not copied.
        var target = target
        return target.withUTF8 { bytes in
            for (index, byte) in bytes.enumerated() {
                guard isAllowed(byte) else { return false }
                if byte == UInt8(ascii: "%"), !isEscape(bytes, at: index) { return false }
            }
            return true
        }
    }

    /// `url` with what follows its authority made sendable, as browsers and curl do: a space,
    /// `"`, `<`, `>`, `\`, `^`, `` ` ``, `{`, `|`, `}`, `[`, `]`, a second `#`, a `%` that starts no
    /// escape and every non-ASCII character (as UTF-8) percent-encoded; valid `%XX` escapes and
    /// the scheme and authority are left as they are.
    /// - Throws: ``Problem/controlCharacter`` for a control character anywhere (a URL that holds
    ///   one was changed by its data, not written so), ``Problem/tooLong(bytes:)`` past 8 KiB.
    static func encoded(_ url: String) throws(Problem) -> String {
        let bytes = Array(url.utf8)
        if bytes.contains(where: { $0 < 0x20 || $0 == 0x7F }) { throw .controlCharacter }
        let start = pathStart(in: bytes)
        var out = Array(bytes[..<start])
        out.reserveCapacity(bytes.count)
        var inFragment = false
        for index in start..<bytes.count {
            let byte = bytes[index]
            let keep: Bool
            if byte == UInt8(ascii: "#") {
                keep = !inFragment
                inFragment = true
            } else {
                keep = isAllowed(byte) && (byte != UInt8(ascii: "%") || isEscape(bytes, at: index))
            }
            if keep {
                out.append(byte)
            } else {
                out += [UInt8(ascii: "%"), hexDigits[Int(byte >> 4)], hexDigits[Int(byte & 0x0F)]]
            }
        }
        guard out.count <= maximumURLBytes else { throw .tooLong(bytes: out.count) }
        return out.count == bytes.count ? url : String(decoding: out, as: UTF8.self)
    }

    /// `url` with an internationalized host name in the ASCII form it is sent in (`bücher.example`
    /// → `xn--bcher-kva.example`, as Foundation's `URL` reads it for the policy, the `Host`
    /// header and the TLS check), so that what is shown and stored is what went on the wire.
    /// Anything else is returned as it is.
    static func asciiHost(_ url: String) -> String {
        let bytes = Array(url.utf8)
        guard let colon = bytes.firstIndex(of: UInt8(ascii: ":")), bytes[colon...].starts(with: "://".utf8) else { return url }
        let start = colon + 3
        let end = pathStart(in: bytes)
        guard start < end, bytes[start..<end].contains(where: { $0 >= 0x80 }),
            case .success(let target) = TargetURL.parse(url), target.host.utf8.allSatisfy({ $0 < 0x80 })
        else { return url }
        // The host is what follows any `user@` and precedes any `:port`.
        let hostStart = bytes[start..<end].lastIndex(of: UInt8(ascii: "@")).map { $0 + 1 } ?? start
        let hostEnd = bytes[hostStart..<end].lastIndex(of: UInt8(ascii: ":")) ?? end
        return String(decoding: bytes[..<hostStart], as: UTF8.self) + target.host + String(decoding: bytes[hostEnd...], as: UTF8.self)
    }

    /// The path segments of `url` that servers and proxies resolve away, each as the UTF-8 range
    /// of its text (the slashes around it left out): `.` and `..` in any of the spellings WHATWG
    /// URL reads as them (`%2e`, `.%2E`, `%2e%2e` …), which RFC 3986 §5.2.4 (remove_dot_segments)
    /// removes with the segment before a `..`. `/a/../b` reaches `/b`.
    static func dotSegments(in url: String) -> [(range: Range<Int>, isParent: Bool)] {
        let bytes = Array(url.utf8)
        var segments: [(range: Range<Int>, isParent: Bool)] = []
        var start = pathStart(in: bytes)
        guard start < bytes.count, bytes[start] == UInt8(ascii: "/") else { return [] }
        let end = bytes[start...].firstIndex { $0 == UInt8(ascii: "?") || $0 == UInt8(ascii: "#") } ?? bytes.count
        while start < end {
            start += 1
            let next = bytes[start..<end].firstIndex(of: UInt8(ascii: "/")) ?? end
            if let dots = dotCount(bytes[start..<next]) { segments.append((start..<next, dots == 2)) }
            start = next
        }
        return segments
    }

    /// 1 for `.`, 2 for `..` in any WHATWG spelling; nil for any other segment.
    private static func dotCount(_ segment: ArraySlice<UInt8>) -> Int? {
        var dots = 0
        var index = segment.startIndex
        while index < segment.endIndex {
            if segment[index] == UInt8(ascii: ".") {
                index += 1
            } else if segment[index] == UInt8(ascii: "%"), segment.endIndex - index >= 3,
                segment[index + 1] == UInt8(ascii: "2"), segment[index + 2] | 0x20 == UInt8(ascii: "e")
            {
                index += 3
            } else {
                return nil
            }
            dots += 1
            if dots > 2 { return nil }
        }
        return dots == 0 ? nil : dots
    }

    /// `url` without its fragment: a request target has none (RFC 9112 §3.2), so what follows the
    /// first `#` after the authority is never sent, and is not shown or stored as if it were.
    static func removingFragment(_ url: String) -> String {
        guard let hash = fragmentStart(in: url) else { return url }
        return String(decoding: url.utf8.prefix(hash), as: UTF8.self)
    }

    /// The UTF-8 offset of the `#` that starts `url`'s fragment; nil when it has none.
    static func fragmentStart(in url: String) -> Int? {
        let bytes = Array(url.utf8)
        return bytes[pathStart(in: bytes)...].firstIndex(of: UInt8(ascii: "#"))
    }

    /// `url`, which has no fragment, with `item` (`name=value`, encoded) added to its query:
    /// after a `?` when it has none, after an `&` when it has one, and directly after a query
    /// that ends in `?` or `&`.
    /// Whether the query of `url` has a parameter `name` (`?email=…&src=crm` has `email`).
    static func queryHasItem(named name: String, in url: String) -> Bool {
        guard let question = url.firstIndex(of: "?") else { return false }
        return url[url.index(after: question)...].split(separator: "&").contains {
            ($0.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).first ?? "") == name
        }
    }

    static func appendingQueryItem(_ item: String, to url: String) -> String {
        guard url.utf8.contains(UInt8(ascii: "?")) else { return url + "?" + item }
        return url.hasSuffix("?") || url.hasSuffix("&") ? url + item : url + "&" + item
    }

    private static let hexDigits = Array("0123456789ABCDEF".utf8)

    /// Whether `bytes[index]`, a `%`, is followed by two hex digits.
    private static func isEscape<Bytes: RandomAccessCollection<UInt8>>(_ bytes: Bytes, at index: Int) -> Bool
    where Bytes.Index == Int {
        guard index + 2 < bytes.count else { return false }
        return isHexDigit(bytes[index + 1]) && isHexDigit(bytes[index + 2])
    }

    private static func isHexDigit(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "a")...UInt8(ascii: "f"),
            UInt8(ascii: "A")...UInt8(ascii: "F"):
            true
        default: false
        }
    }

    /// Where the path starts: the first `/`, `?` or `#` after `scheme://`; the end for a URL
    /// without one, and 0 for text that is no URL (all of it is then encoded).
    private static func pathStart(in bytes: [UInt8]) -> Int {
        guard let colon = bytes.firstIndex(of: UInt8(ascii: ":")), bytes[colon...].starts(with: "://".utf8) else {
            return 0
        }
        let authority = colon + 3
        return bytes[authority...].firstIndex { [UInt8(ascii: "/"), UInt8(ascii: "?"), UInt8(ascii: "#")].contains($0) }
            ?? bytes.count
    }
}
