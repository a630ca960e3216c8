import Synchronization

/// Replaces secret values and credentials with `••••••` in anything that is stored or shown.
///
/// Values are matched without regard to ASCII case: a template helper (`upper`, `lower`,
/// `capitalize`) or an echoing server (`%2b` for `%2B`) may write a secret in another case.
/// Which header and query parameter names are credentials is decided by `CredentialNames`.
public struct SecretMasker: Sendable {
    public static let mask = "••••••"
    /// Values shorter than this are not looked for: masking them would scramble ordinary text
    /// and reveal little.
    public static let shortestMaskedValue = 4

    /// The UTF-8 of each form of each value, ASCII letters lowercased, longest first.
    private let needles: [[UInt8]]

    /// - Parameter secretValues: Values to hide wherever they appear, as written and as a merge tag
    ///   writes them in each template mode (JSON-escaped, form- and percent-encoded, HTML-escaped),
    ///   from ``shortestMaskedValue`` characters.
    public init(secretValues: [String]) {
        var forms: Set<[UInt8]> = []
        for value in secretValues where value.count >= Self.shortestMaskedValue {
            forms.insert(Self.folded(value))
            if value.utf8.contains(where: { !Self.isWrittenAsIs($0) }) {
                for form in Self.writtenForms(of: value) { forms.insert(Self.folded(form)) }
            }
        }
        needles = forms.sorted { $0.count > $1.count }
    }

    /// Every other form `value` takes on the wire or in an echo, worked out once per value: a
    /// masker is made for each attempt, with the workspace's secrets, which rarely change.
    private static func writtenForms(of value: String) -> [String] {
        if let known = knownForms.withLock({ $0[value] }) { return known }
        let forms = OutputMode.allCases.map { $0.escaped(value) } + echoedForms(of: value)
        knownForms.withLock { cache in
            // OAuth2 tokens are masked too and come and go: the cache is emptied, not grown for ever.
            if cache.count >= 256 { cache.removeAll() }
            cache[value] = forms
        }
        return forms
    }

    private static let knownForms = Mutex<[String: [String]]>([:])

    /// How common servers write a value back when they echo a request, where that differs from
    /// every template mode: JSON with `\/` (PHP), with non-ASCII as `\u00e9` (Python, PHP), with
    /// `<>&` as `\u003c` (Go); a JSON body quoted whole in a JSON answer (httpbin's `data`); HTML
    /// escaped by the usual escapers; UTF-8 read back as Latin-1. Percent-encoding in lowercase
    /// hex (.NET) needs no form: matching ignores case.
    private static func echoedForms(of value: String) -> [String] {
        let json = OutputMode.json.escaped(value)
        let slashes = json.replacingOccurrences(of: "/", with: "\\/")
        let quotedBody = OutputMode.json.escaped(json)
        var forms = [slashes, asciiJSON(json), asciiJSON(slashes), goJSON(json), quotedBody, asciiJSON(quotedBody)]
        forms += htmlEscapedForms(of: value)
        if value.utf8.contains(where: { $0 >= 0x80 }) {
            // A header's UTF-8 read back as Latin-1 (Python's http.server, Node), as text and in JSON.
            let latin1 = String(String.UnicodeScalarView(value.utf8.map { Unicode.Scalar($0) }))
            let latin1JSON = OutputMode.json.escaped(latin1)
            forms += [latin1, latin1JSON, asciiJSON(latin1JSON)]
        }
        return forms
    }

    /// `value` as the usual HTML escapers write it, which leave `=` alone (the HTML template
    /// mode writes it `&#x3D;`): Python's `html.escape`, PHP's `htmlspecialchars`, Go's
    /// `html.EscapeString`, which differ only in how they write the two quotes.
    private static func htmlEscapedForms(of value: String) -> [String] {
        guard value.contains(where: { "&<>\"'".contains($0) }) else { return [] }
        let base = value.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;")
        var forms: [String] = []
        for quote in ["&quot;", "&#34;"] {
            for apostrophe in ["&#x27;", "&#39;", "&#039;"] {
                forms.append(base.replacingOccurrences(of: "\"", with: quote).replacingOccurrences(of: "'", with: apostrophe))
            }
        }
        return Array(Set(forms))
    }

    /// JSON text with every non-ASCII character written as `\u` escapes of its UTF-16 units.
    private static func asciiJSON(_ json: String) -> String {
        var out = ""
        for unit in json.utf16 {
            if unit < 0x80, let scalar = Unicode.Scalar(unit) {
                out.unicodeScalars.append(scalar)
            } else {
                let hex = String(unit, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            }
        }
        return out
    }

    /// JSON text as Go's encoding/json writes it by default: `<`, `>` and `&` as `\u` escapes.
    private static func goJSON(_ json: String) -> String {
        json.replacingOccurrences(of: "&", with: "\\u0026").replacingOccurrences(of: "<", with: "\\u003c")
            .replacingOccurrences(of: ">", with: "\\u003e")
    }

    /// Whether every template mode writes `byte` unchanged: ASCII letters, digits and `-._`.
    private static func isWrittenAsIs(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"):
            true
        default: false
        }
    }

    public func mask(_ text: String) -> String {
        guard !needles.isEmpty, !text.isEmpty else { return text }
        var result = text
        for needle in needles {
            if let masked = Self.replacing(needle, in: result) { result = masked }
        }
        return result
    }

    /// Raw bytes (a body that may not be text) with every secret value's UTF-8 replaced by the mask.
    public func mask(bytes: [UInt8]) -> [UInt8] {
        guard !needles.isEmpty, !bytes.isEmpty else { return bytes }
        var result = bytes
        for needle in needles {
            if let masked = result.withUnsafeBufferPointer({ Self.replacing(needle, in: $0) }) {
                result = masked
            }
        }
        return result
    }

    /// ``mask(bytes:)`` for a body cut short (at the size limit, or by an answer that ended early),
    /// without the start of a secret at its end: masking finds whole values only, so a secret cut
    /// in two would be kept in part.
    public func mask(cutBytes bytes: [UInt8]) -> [UInt8] {
        let masked = mask(bytes: bytes)
        var cut = 0
        for needle in needles {
            for length in stride(from: min(needle.count - 1, masked.count), to: cut, by: -1)
            where masked.suffix(length).elementsEqual(needle.prefix(length), by: { Self.lowercase[Int($0)] == $1 }) {
                cut = length
                break
            }
        }
        return Array(masked.dropLast(cut))
    }

    /// `text` with every occurrence of `needle` replaced by the mask, compared byte for byte in
    /// UTF-8 (ASCII letters in any case), left to right without overlaps; nil when it does not occur.
    private static func replacing(_ needle: [UInt8], in text: String) -> String? {
        guard !needle.isEmpty else { return nil }
        let bytes = text.utf8.withContiguousStorageIfAvailable { replacing(needle, in: $0) }
            ?? Array(text.utf8).withUnsafeBufferPointer { replacing(needle, in: $0) }
        return bytes.map { String(decoding: $0, as: UTF8.self) }
    }

    private static func replacing(_ needle: [UInt8], in haystack: UnsafeBufferPointer<UInt8>) -> [UInt8]? {
        guard haystack.count >= needle.count else { return nil }
        let first = needle[0]
        let last = haystack.count - needle.count
        let lowercase = Self.lowercase
        var output: [UInt8] = []
        var copied = 0
        var index = 0
        while index <= last {
            if lowercase[Int(haystack[index])] == first,
                needle.indices.allSatisfy({ lowercase[Int(haystack[index + $0])] == needle[$0] })
            {
                if output.isEmpty { output.reserveCapacity(haystack.count) }
                output.append(contentsOf: haystack[copied..<index])
                output.append(contentsOf: maskUTF8)
                index += needle.count
                copied = index
            } else {
                index += 1
            }
        }
        guard copied > 0 else { return nil }
        output.append(contentsOf: haystack[copied...])
        return output
    }

    private static let maskUTF8 = Array(mask.utf8)

    /// Each byte with ASCII `A`–`Z` lowercased; every other byte, UTF-8's included, as it is.
    private static let lowercase: [UInt8] = (0...255).map { byte in
        (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(UInt8(byte)) ? UInt8(byte) + 32 : UInt8(byte)
    }

    private static func folded(_ text: String) -> [UInt8] {
        text.utf8.map { lowercase[Int($0)] }
    }

    /// A URL with secret values masked and the values of credential query parameters hidden.
    public func maskURL(_ url: String) -> String {
        let masked = mask(url)
        guard let query = Self.query(of: masked) else { return masked }
        let pairs = query.pairs.map { pair -> String in
            guard let value = pair.value else { return String(pair.name) }
            return pair.name + "=" + (CredentialNames.isSecretQueryParameter(pair.name) ? Self.mask : String(value))
        }
        return masked[..<query.start] + pairs.joined(separator: "&") + masked[query.end...]
    }

    /// The `name=value` pairs of `url`'s query and where the query starts and ends; nil without one.
    private static func query(
        of url: String
    ) -> (start: String.Index, end: String.Index, pairs: [(name: Substring, value: Substring?)])? {
        // Most webhook URLs have no query: one byte scan says so without walking characters.
        guard url.utf8.contains(UInt8(ascii: "?")), let question = url.firstIndex(of: "?") else { return nil }
        let start = url.index(after: question)
        let end = url[start...].firstIndex(of: "#") ?? url.endIndex
        let pairs = url[start..<end].split(separator: "&", omittingEmptySubsequences: false).map { pair in
            guard let equals = pair.firstIndex(of: "=") else { return (name: pair, value: Substring?.none) }
            return (name: pair[..<equals], value: Substring?.some(pair[pair.index(after: equals)...]))
        }
        return (start, end, pairs)
    }

    /// The values a request carries as credentials by where they are, not because they are known
    /// secrets: a literal `X-API-Key`, the base64 of Basic credentials, an `api_key` query value.
    /// The masker hides them there by name; a receiver that echoes the request sends them back
    /// anywhere, so they are masked as values too. Only values that look like a credential
    /// (8 characters or more, not letters alone) are: `?key=email` or `X-Api-Key: true` would
    /// otherwise hide every `email` and `true` of an answer.
    public static func credentials(in headers: [HeaderField], url: String) -> [String] {
        var values: [String] = []
        for header in headers where !isPlainHeaderName(header.name) {
            if let credential = credentialPart(of: header, lowercasedName: header.name.lowercased()) {
                values.append(String(credential))
                values += basicCredentials(of: header, encoded: credential)
            }
        }
        for pair in query(of: url)?.pairs ?? [] {
            guard let value = pair.value, CredentialNames.isSecretQueryParameter(pair.name) else { continue }
            values.append(String(value))
            if let decoded = value.replacingOccurrences(of: "+", with: " ").removingPercentEncoding { values.append(decoded) }
        }
        return values.filter { $0.count >= 8 && $0.contains { !$0.isLetter } && !$0.contains(mask) }
    }

    /// The decoded `user:password`, the user name and the password of an `Authorization: Basic`
    /// header: a receiver echoing the request writes them back decoded, and a literal
    /// `auth: {type: basic}` in a webhook file is in no secret store.
    private static func basicCredentials(of header: HeaderField, encoded: Substring) -> [String] {
        guard header.value.utf8.count > 6, header.value.utf8.prefix(6).elementsEqual("basic ".utf8, by: { $0 | 0x20 == $1 }),
            let data = Data(base64Encoded: String(encoded)), let pair = String(data: data, encoding: .utf8)
        else { return [] }
        guard let colon = pair.firstIndex(of: ":") else { return [pair] }
        return [pair, String(pair[..<colon]), String(pair[pair.index(after: colon)...])]
    }

    /// Headers Hookline itself adds to requests, and the usual ones of responses, none of them a
    /// credential: recognised by plain comparison instead of lowercasing each name and looking it
    /// up in the credential sets.
    private static let plainHeaderNames = [
        "User-Agent", "webhook-id", "Idempotency-Key", "Content-Type", "webhook-timestamp", "webhook-signature",
        "Server", "Date", "Connection", "Content-Length", "Keep-Alive", "Transfer-Encoding", "Cache-Control", "Vary",
        "ETag", "Last-Modified", "Location",
    ]

    /// `Location` and `Content-Location`, in any case: headers whose value is a URL.
    private static func isURLHeader(_ name: String) -> Bool {
        let length = name.utf8.count
        guard length == 8 || length == 16 else { return false }
        let lowered = name.lowercased()
        return lowered == "location" || lowered == "content-location"
    }

    /// Byte for byte (`==` on strings compares canonical equivalence), lengths first.
    private static func isPlainHeaderName(_ name: String) -> Bool {
        let length = name.utf8.count
        return plainHeaderNames.contains { $0.utf8.count == length && $0.utf8.elementsEqual(name.utf8) }
    }

    /// Headers with credentials hidden and secret values masked, in their values and, since a
    /// receiver may echo a secret into a header's name, in their names too.
    public func mask(_ headers: [HeaderField]) -> [HeaderField] {
        headers.map { original in
            // A redirect's target is a URL: its credential query parameters are hidden as a request's are.
            if Self.isURLHeader(original.name) { return HeaderField(original.name, maskURL(original.value)) }
            if Self.isPlainHeaderName(original.name) { return HeaderField(original.name, mask(original.value)) }
            let header = HeaderField(mask(original.name), original.value)
            guard let credential = Self.credentialPart(of: header, lowercasedName: header.name.lowercased()) else {
                return HeaderField(header.name, mask(header.value))
            }
            return HeaderField(header.name, header.value[..<credential.startIndex] + Self.mask)
        }
    }

    /// The part of `header`'s value that is a credential by the header's name or a scheme word:
    /// the whole value, or what follows `Basic ` or `Bearer `; nil for an ordinary header.
    private static func credentialPart(of header: HeaderField, lowercasedName name: String) -> Substring? {
        let value = header.value
        if CredentialNames.credentialHeaders.contains(name) {
            if let space = value.firstIndex(of: " "), name.hasSuffix("authorization") {
                return value[value.index(after: space)...]
            }
            return value[...]
        }
        if CredentialNames.isCredentialHeader(lowercased: name) { return value[...] }
        // `X-Auth: Bearer tok_…` is a credential whatever the header's name.
        if let scheme = CredentialNames.credentialSchemeLength(in: value) {
            return value.dropFirst(scheme + 1)
        }
        return nil
    }
}

import Foundation
