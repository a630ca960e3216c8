import StudioModel

/// Replaces secret values and credentials with `••••••` in anything that is stored or shown.
///
/// Which header and query parameter names are credentials is decided by `CredentialNames`.
public struct SecretMasker: Sendable {
    public static let mask = "••••••"

    private let secretValues: [String]

    /// - Parameter secretValues: Values to hide wherever they appear, as written and as a merge tag
    ///   writes them in each template mode (JSON-escaped, form- and percent-encoded, HTML-escaped).
    ///   Values shorter than 4 characters are skipped: masking them would scramble ordinary text
    ///   and reveal little.
    public init(secretValues: [String]) {
        var forms: Set<String> = []
        for value in secretValues where value.count >= 4 {
            forms.insert(value)
            if value.utf8.contains(where: { !Self.isWrittenAsIs($0) }) {
                for mode in OutputMode.allCases { forms.insert(mode.escaped(value)) }
            }
        }
        self.secretValues = forms.sorted { $0.count > $1.count }
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
        guard !secretValues.isEmpty, !text.isEmpty else { return text }
        var result = text
        for secret in secretValues {
            if let masked = Self.replacing(secret, in: result) { result = masked }
        }
        return result
    }

    /// Raw bytes (a body that may not be text) with every secret value's UTF-8 replaced by the mask.
    public func mask(bytes: [UInt8]) -> [UInt8] {
        guard !secretValues.isEmpty, !bytes.isEmpty else { return bytes }
        var result = bytes
        for secret in secretValues {
            if let masked = result.withUnsafeBufferPointer({ Self.replacing(Array(secret.utf8), in: $0) }) {
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
        for secret in secretValues {
            let needle = Array(secret.utf8)
            for length in stride(from: min(needle.count - 1, masked.count), to: cut, by: -1)
            where masked.suffix(length).elementsEqual(needle.prefix(length)) {
                cut = length
                break
            }
        }
        return Array(masked.dropLast(cut))
    }

    /// `text` with every occurrence of `secret` replaced by the mask, compared byte for byte in
    /// UTF-8, left to right without overlaps; nil when `secret` does not occur.
    private static func replacing(_ secret: String, in text: String) -> String? {
        let needle = Array(secret.utf8)
        guard !needle.isEmpty else { return nil }
        let bytes = text.utf8.withContiguousStorageIfAvailable { replacing(needle, in: $0) }
            ?? Array(text.utf8).withUnsafeBufferPointer { replacing(needle, in: $0) }
        return bytes.map { String(decoding: $0, as: UTF8.self) }
    }

    private static func replacing(_ needle: [UInt8], in haystack: UnsafeBufferPointer<UInt8>) -> [UInt8]? {
        guard haystack.count >= needle.count else { return nil }
        let first = needle[0]
        let last = haystack.count - needle.count
        var output: [UInt8] = []
        var copied = 0
        var index = 0
        while index <= last {
            if haystack[index] == first, needle.indices.allSatisfy({ haystack[index + $0] == needle[$0] }) {
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

    /// A URL with secret values masked and the values of credential query parameters hidden.
    public func maskURL(_ url: String) -> String {
        let masked = mask(url)
        // Most webhook URLs have no query: one byte scan says so without walking characters.
        guard masked.utf8.contains(UInt8(ascii: "?")), let question = masked.firstIndex(of: "?") else { return masked }
        let query = masked[masked.index(after: question)...]
        let fragmentStart = query.firstIndex(of: "#") ?? query.endIndex
        let pairs = query[..<fragmentStart].split(separator: "&", omittingEmptySubsequences: false).map { pair -> String in
            guard let equals = pair.firstIndex(of: "=") else { return String(pair) }
            return CredentialNames.isSecretQueryParameter(pair[..<equals]) ? pair[..<equals] + "=" + Self.mask : String(pair)
        }
        return masked[...question] + pairs.joined(separator: "&") + query[fragmentStart...]
    }

    /// Headers Hookline itself adds to requests, and the usual ones of responses, none of them a
    /// credential: recognised by plain comparison instead of lowercasing each name and looking it
    /// up in the credential sets.
    private static let plainHeaderNames = [
        "User-Agent", "webhook-id", "Idempotency-Key", "Content-Type", "webhook-timestamp", "webhook-signature",
        "Server", "Date", "Connection", "Content-Length", "Keep-Alive", "Transfer-Encoding", "Cache-Control", "Vary",
        "ETag", "Last-Modified", "Location",
    ]

    /// Byte for byte (`==` on strings compares canonical equivalence), lengths first.
    private static func isPlainHeaderName(_ name: String) -> Bool {
        let length = name.utf8.count
        return plainHeaderNames.contains { $0.utf8.count == length && $0.utf8.elementsEqual(name.utf8) }
    }

    /// Headers with credentials hidden and secret values masked, in their values and, since a
    /// receiver may echo a secret into a header's name, in their names too.
    public func mask(_ headers: [HeaderField]) -> [HeaderField] {
        headers.map { original in
            if Self.isPlainHeaderName(original.name) { return HeaderField(original.name, mask(original.value)) }
            let header = HeaderField(mask(original.name), original.value)
            let name = header.name.lowercased()
            if CredentialNames.credentialHeaders.contains(name) {
                if let space = header.value.firstIndex(of: " "), name.hasSuffix("authorization") {
                    return HeaderField(header.name, header.value[..<space] + " " + Self.mask)
                }
                return HeaderField(header.name, Self.mask)
            }
            if CredentialNames.isCredentialHeader(lowercased: name) {
                return HeaderField(header.name, Self.mask)
            }
            // `X-Auth: Bearer tok_…` is a credential whatever the header's name.
            if let scheme = CredentialNames.credentialSchemeLength(in: header.value) {
                return HeaderField(header.name, String(header.value.prefix(scheme)) + " " + Self.mask)
            }
            return HeaderField(header.name, mask(header.value))
        }
    }
}

import Foundation
