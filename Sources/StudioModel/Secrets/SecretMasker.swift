import Synchronization

/// Replaces secret values and credentials with `••••••` in anything that is stored or shown.
///
/// Values are matched without regard to ASCII case: a template helper (`upper`, `lower`,
/// `capitalize`) or an echoing server (`%2b` for `%2B`) may write a secret in another case.
/// Whatever else a helper computes from a secret the render reports, to be masked as a value of
/// its own (``Template/render(_:mode:derivedSecrets:)``).
/// Which header and query parameter names are credentials is decided by `CredentialNames`.
///
/// ```swift
/// let masker = SecretMasker(secretValues: ["sk_live_123"], wholeValues: ["pw"])
/// masker.mask(#"{"key": "sk_live_123", "password": "pw", "pwd": "x"}"#)
/// // {"key": "••••••", "password": "••••••", "pwd": "x"}
/// ```
public struct SecretMasker: Sendable {
    public static let mask = "••••••"
    /// Values shorter than this are not looked for inside text: masking them would scramble
    /// ordinary text and reveal little. They are masked only as whole values (``init(secretValues:wholeValues:)``).
    public static let shortestMaskedValue = 4

    /// One form of one value: its UTF-8 with ASCII letters lowercased, and whether it is masked
    /// only where it stands as a whole value.
    private struct Needle: Sendable {
        let bytes: [UInt8]
        let wholeOnly: Bool
    }

    /// Every needle, grouped by first byte, longest first within a group: one pass over a text
    /// tries, at each byte, only the needles that can start there.
    private let needles: [Needle]
    /// Where each first byte's group starts in `needles` (257 entries; empty without needles):
    /// the needles starting with byte `b` are `needles[groupStarts[b]..<groupStarts[b + 1]]`.
    private let groupStarts: [Int]
    /// One bit for each pair of (lowercased) bytes some needle starts with, or, for a needle of one
    /// byte, its byte followed by any: most places in a text start no needle, and one lookup says so.
    private let startPairs: [UInt64]

    /// - Parameters:
    ///   - secretValues: Values to hide wherever they appear, as written and as a merge tag writes
    ///     them in each template mode (JSON-escaped, form- and percent-encoded, HTML-escaped) and as
    ///     echoing servers write them back (their base64 and hex too, from ``shortestEncodedValue``
    ///     bytes), from ``shortestMaskedValue`` characters.
    ///   - wholeValues: Values to hide, in the same forms, only where they stand as a whole value
    ///     (``isValueStart(_:)``, ``isValueEnd(_:)``): a short Basic password such as `pw` is
    ///     hidden in `{"password": "pw"}` and `user=ada&password=pw`, not in `pwd` or `a pw b`.
    public init(secretValues: [String], wholeValues: [String] = []) {
        var forms: Set<[UInt8]> = []
        for value in secretValues where value.count >= Self.shortestMaskedValue {
            forms.formUnion(Self.allForms(of: value))
        }
        var wholeForms: Set<[UInt8]> = []
        for value in wholeValues where !value.isEmpty {
            wholeForms.formUnion(Self.allForms(of: value))
        }
        wholeForms.subtract(forms)
        let all = forms.map { Needle(bytes: $0, wholeOnly: false) } + wholeForms.map { Needle(bytes: $0, wholeOnly: true) }
        needles = all.sorted { ($0.bytes[0], $1.bytes.count) < ($1.bytes[0], $0.bytes.count) }
        var starts = [Int](repeating: 0, count: needles.isEmpty ? 0 : 257)
        var pairs = [UInt64](repeating: 0, count: needles.isEmpty ? 0 : 1024)
        for needle in needles {
            starts[Int(needle.bytes[0]) + 1] += 1
            // A needle of one byte matches whatever follows it.
            let seconds = needle.bytes.count > 1 ? Int(needle.bytes[1])...Int(needle.bytes[1]) : 0...255
            for second in seconds {
                let pair = Int(needle.bytes[0]) << 8 | second
                pairs[pair >> 6] |= 1 << UInt64(pair & 63)
            }
        }
        for byte in starts.indices.dropFirst() { starts[byte] += starts[byte - 1] }
        groupStarts = starts
        startPairs = pairs
    }

    /// The folded UTF-8 of `value` and of each other form it takes on the wire or in an echo,
    /// its base64 and hex included (``encodedForms(of:)``), worked out once per value: a masker is
    /// made for each attempt, with the workspace's secrets, which rarely change. Every form of a
    /// non-empty value is non-empty: `needles` index their first bytes.
    private static func allForms(of value: String) -> Set<[UInt8]> {
        let isWrittenAsIs = !value.utf8.contains(where: { !Self.isWrittenAsIs($0) })
        guard !isWrittenAsIs || value.utf8.count >= shortestEncodedValue else { return [folded(value)] }
        if let known = knownForms.withLock({ $0[value] }) { return known }
        var forms: Set<[UInt8]> = [folded(value)]
        let escaped = isWrittenAsIs ? [] : OutputMode.allCases.map({ $0.escaped(value) }) + echoedForms(of: value)
        for form in escaped + encodedForms(of: value) {
            forms.insert(folded(form))
        }
        knownForms.withLock { cache in
            // OAuth2 tokens are masked too and come and go: the cache is emptied, not grown for ever.
            if cache.count >= 256 { cache.removeAll() }
            cache[value] = forms
        }
        return forms
    }

    private static let knownForms = Mutex<[String: Set<[UInt8]>]>([:])

    /// Whether every template mode writes `byte` unchanged: ASCII letters, digits and `-._`.
    static func isWrittenAsIs(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"):
            true
        default: false
        }
    }

    /// Whether a whole value may start after `byte`: a quote (JSON, Python's repr), `=` (a form
    /// field, a query parameter) or `>` (an XML or HTML element).
    static func isValueStart(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'") || byte == UInt8(ascii: "=") || byte == UInt8(ascii: ">")
    }

    /// Whether a whole value may end before `byte`: a quote, `&` (the next field), `<` (the
    /// element's end tag) or a line break.
    static func isValueEnd(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'") || byte == UInt8(ascii: "&") || byte == UInt8(ascii: "<")
            || byte == 0x0A || byte == 0x0D
    }

    public func mask(_ text: String) -> String {
        guard !needles.isEmpty, !text.isEmpty else { return text }
        let bytes = text.utf8.withContiguousStorageIfAvailable { replacingNeedles(in: $0) }
            ?? Array(text.utf8).withUnsafeBufferPointer { replacingNeedles(in: $0) }
        return bytes.map { String(decoding: $0, as: UTF8.self) } ?? text
    }

    /// Raw bytes (a body that may not be text) with every secret value's UTF-8 replaced by the mask.
    public func mask(bytes: [UInt8]) -> [UInt8] {
        guard !needles.isEmpty, !bytes.isEmpty else { return bytes }
        return bytes.withUnsafeBufferPointer { replacingNeedles(in: $0) } ?? bytes
    }

    /// ``mask(bytes:)`` for a body cut short (at the size limit, or by an answer that ended early),
    /// without the start of a secret at its end: masking finds whole values only, so a secret cut
    /// in two would be kept in part.
    public func mask(cutBytes bytes: [UInt8]) -> [UInt8] {
        let masked = mask(bytes: bytes)
        var cut = 0
        for needle in needles {
            for length in stride(from: min(needle.bytes.count - 1, masked.count), to: cut, by: -1)
            where masked.suffix(length).elementsEqual(needle.bytes.prefix(length), by: { Self.lowercase[Int($0)] == $1 }) {
                let start = masked.count - length
                if needle.wholeOnly, start > 0, !Self.isValueStart(masked[start - 1]) { continue }
                cut = length
                break
            }
        }
        return Array(masked.dropLast(cut))
    }

    /// `haystack` with every occurrence of every needle replaced by the mask, compared byte for
    /// byte in UTF-8 (ASCII letters in any case), in one pass; nil when none occurs.
    ///
    /// Where occurrences overlap (two secrets sharing characters, or a secret found again inside
    /// a longer form of another), the whole run they cover is one mask, so no part of either is
    /// left shown; occurrences that only touch are masked apart.
    private func replacingNeedles(in haystack: UnsafeBufferPointer<UInt8>) -> [UInt8]? {
        let lowercase = Self.lowercase
        let needles = needles
        let groupStarts = groupStarts
        let startPairs = startPairs
        var output: [UInt8] = []
        var copied = 0
        // The run of masked bytes being built: from `runStart` (nil when none) to `runEnd`.
        var runStart: Int?
        var runEnd = 0
        var index = 0
        while index < haystack.count {
            if let start = runStart, index >= runEnd {
                if output.isEmpty { output.reserveCapacity(haystack.count) }
                output.append(contentsOf: haystack[copied..<start])
                output.append(contentsOf: Self.maskUTF8)
                copied = runEnd
                runStart = nil
            }
            let first = Int(lowercase[Int(haystack[index])])
            // The byte after the last is taken as 0: only a needle of one byte can match there.
            let pair = first << 8 | (index + 1 < haystack.count ? Int(lowercase[Int(haystack[index + 1])]) : 0)
            guard startPairs[pair >> 6] & (1 << UInt64(pair & 63)) != 0 else {
                index += 1
                continue
            }
            // An index loop, not a slice: no array is made for each byte.
            var candidate = groupStarts[first]
            let stop = groupStarts[first + 1]
            while candidate < stop {
                let needle = needles[candidate]
                candidate += 1
                let end = index + needle.bytes.count
                guard end <= haystack.count, end > runEnd || runStart == nil,
                    needle.bytes.indices.allSatisfy({ lowercase[Int(haystack[index + $0])] == needle.bytes[$0] })
                else { continue }
                if needle.wholeOnly {
                    guard index == 0 || Self.isValueStart(haystack[index - 1]),
                        end == haystack.count || Self.isValueEnd(haystack[end])
                    else { continue }
                }
                if runStart == nil { runStart = index }
                runEnd = max(runEnd, end)
                // Needles are tried longest first: no shorter one here reaches further.
                break
            }
            index += 1
        }
        if let start = runStart {
            if output.isEmpty { output.reserveCapacity(haystack.count) }
            output.append(contentsOf: haystack[copied..<start])
            output.append(contentsOf: Self.maskUTF8)
            copied = runEnd
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

    /// A URL with secret values masked, and the password of its user info and the values of
    /// credential query parameters hidden: `https://ada:••••••@host/?api_key=••••••`.
    public func maskURL(_ url: String) -> String {
        var masked = mask(url)
        if let password = Self.userinfoPasswordRange(in: masked) { masked.replaceSubrange(password, with: Self.mask) }
        guard let query = Self.query(of: masked) else { return masked }
        let pairs = query.pairs.map { pair -> String in
            guard let value = pair.value else { return String(pair.name) }
            return pair.name + "=" + (CredentialNames.isSecretQueryParameter(pair.name) ? Self.mask : String(value))
        }
        return masked[..<query.start] + pairs.joined(separator: "&") + masked[query.end...]
    }

    /// Where the password of `url`'s user info is (`pw` in `https://ada:pw@host/`); nil without one,
    /// or for an empty one. A password written in a URL is a credential whatever it is, as one in
    /// `Authorization: Basic` is: it is not sent (the network policy refuses such a URL), but the
    /// attempt that says so is stored and shown.
    private static func userinfoPasswordRange(in url: String) -> Range<String.Index>? {
        // Most webhook URLs have no user info: one byte scan says so without reading the URL's parts.
        guard url.utf8.contains(UInt8(ascii: "@")), let password = URLTemplateParts(url).userinfoPassword,
            !password.isEmpty
        else { return nil }
        return password
    }

    /// The password of `url`'s user info as written and percent-decoded, as an echo may write it.
    private static func userinfoPasswords(of url: String) -> [String] {
        guard let range = userinfoPasswordRange(in: url) else { return [] }
        let password = String(url[range])
        return [password] + (password.removingPercentEncoding.map { [$0] } ?? [])
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
        values += userinfoPasswords(of: url)
        return values.filter { isLookedForInText($0) && !$0.contains(mask) }
    }

    /// Whether a credential found by where it is looks like one (8 characters or more, not
    /// letters alone), and so is masked inside any text.
    private static func isLookedForInText(_ value: String) -> Bool {
        value.count >= 8 && value.contains { !$0.isLetter }
    }

    /// The parts of `Authorization: Basic` credentials (`user:password`, the user name, the
    /// password) and the password of `url`'s user info that ``credentials(in:url:)`` leaves out as
    /// too short or plain to look for inside text (`pw`, `secret`, `ada:pw`). A password is a
    /// secret whatever its length: these are masked where they stand as a whole value
    /// (``init(secretValues:wholeValues:)``), as a receiver echoes them (`{"password": "pw"}`,
    /// `user=ada&password=pw`).
    public static func wholeValueCredentials(in headers: [HeaderField], url: String) -> [String] {
        var values: [String] = []
        for header in headers where !isPlainHeaderName(header.name) {
            if let credential = credentialPart(of: header, lowercasedName: header.name.lowercased()) {
                values += basicCredentials(of: header, encoded: credential)
            }
        }
        values += userinfoPasswords(of: url)
        return values.filter { !$0.isEmpty && !isLookedForInText($0) && !$0.contains(mask) }
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
