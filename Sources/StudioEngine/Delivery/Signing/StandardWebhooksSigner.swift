import Crypto
import Foundation
import StudioModel

/// Signs deliveries as Standard Webhooks v1 does: HMAC-SHA256 over `id.timestamp.body`
/// (https://www.standardwebhooks.com, delivery.md §1 and §8.7).
///
/// Secrets are `whsec_` followed by base64 of 24–64 bytes; plain base64 is accepted too. During
/// a rotation the signer holds several secrets and sends one `v1,` signature per secret,
/// space-separated, so receivers holding either secret verify the message.
///
/// ```swift
/// let signer = try StandardWebhooksSigner(secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
/// signer.signature(id: "msg_p5jXN8AQM9LWM0D4loKWxJek", timestamp: 1_614_265_330, body: #"{"test": 2432232314}"#)
/// // "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
/// ```
public struct StandardWebhooksSigner: Sendable, CustomStringConvertible {
    /// The prefix of a serialized symmetric secret.
    public static let secretPrefix = "whsec_"
    /// Allowed key sizes in bytes: 24 (192 bits) to 64 (512 bits), as the spec requires.
    public static let keyByteRange: ClosedRange<Int> = 24...64
    /// How far a timestamp may be from now when verifying: 5 minutes, in seconds, as the official libraries use.
    public static let defaultTolerance: TimeInterval = 300

    private let keys: [SymmetricKey]

    /// A signer with one secret.
    /// - Throws: ``SigningSecretError`` when the secret is empty, not base64 or not 24–64 bytes.
    public init(secret: String) throws(SigningSecretError) {
        try self.init(secrets: [secret])
    }

    /// A signer for a rotation window: one signature per secret, in this order (put the newest first).
    /// - Throws: ``SigningSecretError`` for the first bad secret, or ``SigningSecretError/empty`` for no secrets.
    public init(secrets: [String]) throws(SigningSecretError) {
        guard !secrets.isEmpty else { throw .empty }
        var keys: [SymmetricKey] = []
        for secret in secrets {
            keys.append(SymmetricKey(data: try Self.decodeSecret(secret)))
        }
        self.keys = keys
    }

    /// Decodes `whsec_<base64>` or bare base64 into key bytes.
    /// - Throws: ``SigningSecretError``.
    public static func decodeSecret(_ secret: String) throws(SigningSecretError) -> [UInt8] {
        var text = Substring(secret.trimmingCharacters(in: .whitespacesAndNewlines))
        if text.hasPrefix(secretPrefix) { text = text.dropFirst(secretPrefix.count) }
        guard !text.isEmpty else { throw .empty }
        // Some generators drop the padding; restore it rather than refuse an otherwise valid key.
        let padded = String(text) + String(repeating: "=", count: (4 - text.count % 4) % 4)
        guard let data = Data(base64Encoded: padded) else { throw .notBase64 }
        guard keyByteRange.contains(data.count) else { throw .wrongLength(data.count) }
        return Array(data)
    }

    /// A fresh secret: `whsec_` + base64 of 32 bytes from the system's CSPRNG.
    public static func generateSecret() -> String {
        let key = SymmetricKey(size: .bits256)
        return secretPrefix + key.withUnsafeBytes { Data($0).base64EncodedString() }
    }

    /// How many secrets the signer holds (2 during a rotation).
    public var secretCount: Int { keys.count }

    public var description: String { "StandardWebhooksSigner(\(counted(keys.count, "secret")))" }

    /// The `webhook-signature` value: `v1,<base64 HMAC-SHA256(key, "id.timestamp.body")>` per secret, space-separated.
    /// - Parameters:
    ///   - id: The `webhook-id`; it should contain no `.`.
    ///   - timestamp: Unix seconds of this attempt (`webhook-timestamp`).
    ///   - body: The exact bytes sent; empty for a request without a body.
    public func signature(id: String, timestamp: Int, body: some DataProtocol) -> String {
        let content = Self.signedContent(id: id, timestamp: timestamp, body: body)
        return keys.map { key in
            let mac = HMAC<SHA256>.authenticationCode(for: content, using: key)
            return "v1," + Data(mac).base64EncodedString()
        }.joined(separator: " ")
    }

    /// ``signature(id:timestamp:body:)`` for a body sent as UTF-8 text.
    public func signature(id: String, timestamp: Int, body: String) -> String {
        signature(id: id, timestamp: timestamp, body: Data(body.utf8))
    }

    /// The three headers to add to every attempt: `webhook-id`, `webhook-timestamp`, `webhook-signature`.
    public func headers(id: String, timestamp: Int, body: some DataProtocol) -> [HeaderField] {
        [
            HeaderField("webhook-id", id),
            HeaderField("webhook-timestamp", String(timestamp)),
            HeaderField("webhook-signature", signature(id: id, timestamp: timestamp, body: body)),
        ]
    }

    /// ``headers(id:timestamp:body:)`` for a body sent as UTF-8 text.
    public func headers(id: String, timestamp: Int, body: String) -> [HeaderField] {
        headers(id: id, timestamp: timestamp, body: Data(body.utf8))
    }

    /// Checks a `webhook-signature` header as a receiver would: passes when a `v1,` entry matches
    /// one of this signer's secrets (compared in constant time) before any entry the reference
    /// verifier refuses (``SignatureScan``) and, when `now` is given, the timestamp is within
    /// `tolerance` of it. Other schemes (`v1a`, `v2`) are skipped.
    /// - Parameters:
    ///   - now: The receiver's clock; nil skips the timestamp check. Default: nil.
    ///   - tolerance: Seconds either side of `now`. Default: 300.
    public func verify(
        signatureHeader: String, id: String, timestamp: Int, body: some DataProtocol, now: Date? = nil,
        tolerance: TimeInterval = defaultTolerance
    ) -> Bool {
        if let now, abs(now.timeIntervalSince1970 - TimeInterval(timestamp)) > tolerance { return false }
        return scan(signatureHeader: signatureHeader, id: id, timestamp: timestamp, body: body) == .matched
    }

    /// ``verify(signatureHeader:id:timestamp:body:now:tolerance:)`` for a UTF-8 text body.
    public func verify(
        signatureHeader: String, id: String, timestamp: Int, body: String, now: Date? = nil,
        tolerance: TimeInterval = defaultTolerance
    ) -> Bool {
        verify(signatureHeader: signatureHeader, id: id, timestamp: timestamp, body: Data(body.utf8), now: now,
               tolerance: tolerance)
    }

    /// What a `webhook-signature` header holds for a message, read entry by entry as the
    /// reference verifier (`standardwebhooks` 1.1.0) reads it.
    public enum SignatureScan: Sendable, Hashable {
        /// A `v1` entry matches one of the secrets, and no entry before it was refused.
        case matched
        /// Every entry was read, and none is a `v1` signature.
        case noVersion1
        /// Every entry was read, and no `v1` signature matches.
        case noMatch
        /// An entry that is not `version,signature`, one comma in all; entries are separated by
        /// single spaces, so two spaces in a row make an empty entry. The reference raises there.
        case malformed(entry: String)
        /// A `v1` entry whose signature Python's `base64.b64decode` refuses (a character that is
        /// not ASCII, or missing padding); it skips other characters outside the alphabet.
        case notBase64(entry: String)
    }

    /// Reads the entries in order, as the reference does: the first match passes, and the first
    /// entry it refuses fails the header, even when a later entry would match.
    public func scan(signatureHeader: String, id: String, timestamp: Int, body: some DataProtocol) -> SignatureScan {
        let content = Self.signedContent(id: id, timestamp: timestamp, body: body)
        var sawVersion1 = false
        // Split on the bytes, not on Characters: a space followed by a combining mark is one
        // Character in Swift, and still a separator to Python's `str.split(" ")`.
        for entry in signatureHeader.utf8.split(separator: UInt8(ascii: " "), omittingEmptySubsequences: false) {
            let text = Substring(entry)
            let parts = entry.split(separator: UInt8(ascii: ","), omittingEmptySubsequences: false)
            guard parts.count == 2 else { return .malformed(entry: String(text)) }
            guard parts[0].elementsEqual("v1".utf8) else { continue }
            sawVersion1 = true
            guard let mac = ReferenceHeaderParsing.base64Decoded(Substring(parts[1])) else {
                return .notBase64(entry: String(text))
            }
            for key in keys where HMAC<SHA256>.isValidAuthenticationCode(mac, authenticating: content, using: key) {
                return .matched
            }
        }
        return sawVersion1 ? .noMatch : .noVersion1
    }

    /// `id.timestamp.body`, the bytes that are signed.
    static func signedContent(id: String, timestamp: Int, body: some DataProtocol) -> Data {
        var content = Data("\(id).\(timestamp).".utf8)
        content.append(contentsOf: body)
        return content
    }
}
