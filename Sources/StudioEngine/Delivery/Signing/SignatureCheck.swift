import Foundation
import StudioModel

/// What a receiver makes of a request's Standard Webhooks headers (`webhook-id`,
/// `webhook-timestamp`, `webhook-signature`): valid, or why not, in words an operator can act on.
///
/// It accepts and refuses exactly what the reference verifier does (the Standard Webhooks
/// project's Python library, `standardwebhooks` 1.1.0, `Webhook.verify`); see
/// ``ReferenceHeaderParsing`` and ``StandardWebhooksSigner/SignatureScan`` for how it reads them.
///
/// ```swift
/// let check = SignatureCheck(headers: request.headers, body: bytes, verifier: signer, now: Date())
/// if case .invalid(let reason) = check { print("401: \(reason)") }
/// ```
public enum SignatureCheck: Sendable, Hashable {
    case valid
    case invalid(String)

    /// The longest header text quoted in a reason.
    static let quotedLength = 64

    /// Checks the headers as the reference library does: all three present and not empty; the
    /// timestamp (fractions and Python's other number forms taken, to the microsecond) within
    /// `tolerance` of `now`, both ends included, so an old message replayed fails; a body that is
    /// UTF-8; and a `v1` signature over `id.seconds.body` that one of `verifier`'s secrets made,
    /// `seconds` being the timestamp rounded down, before any entry the library refuses.
    public init(
        headers: [HeaderField], body: some DataProtocol, verifier: StandardWebhooksSigner, now: Date,
        tolerance: TimeInterval = StandardWebhooksSigner.defaultTolerance
    ) {
        func header(_ name: String) -> String? {
            // The library takes an empty header for a missing one.
            headers.first { $0.name.lowercased() == name }.map(\.value).flatMap { $0.isEmpty ? nil : $0 }
        }
        guard let id = header("webhook-id") else { self = .invalid("no webhook-id header"); return }
        guard let stamp = header("webhook-timestamp") else { self = .invalid("no webhook-timestamp header"); return }
        guard let signature = header("webhook-signature") else {
            self = .invalid("no webhook-signature header")
            return
        }
        guard let microseconds = ReferenceHeaderParsing.timestampMicroseconds(stamp) else {
            self = .invalid("webhook-timestamp '\(Self.quoted(stamp))' is not Unix seconds")
            return
        }
        // In whole microseconds, as Python's `datetime` compares them; both are within years 1–9999.
        let nowMicroseconds = Int64((now.timeIntervalSince1970 * 1_000_000).rounded(.down))
        let skew = nowMicroseconds - microseconds
        guard skew.magnitude <= UInt64((max(0, tolerance) * 1_000_000).rounded(.down)) else {
            let seconds = "\(Int((Double(skew.magnitude) / 1_000_000).rounded())) s"
            let when = skew > 0 ? "\(seconds) old" : "\(seconds) in the future"
            self = .invalid("webhook-timestamp is \(when), more than \(Int(tolerance)) s from now (a replayed message, or a clock off)")
            return
        }
        // The library verifies text: it decodes the body as UTF-8 first, and raises if it is not.
        guard String(validating: body, as: UTF8.self) != nil else {
            self = .invalid("the body is not UTF-8, which the Standard Webhooks reference verifier refuses")
            return
        }
        // Rounded down, as the library's `floor(timestamp.timestamp())`.
        let (quotient, remainder) = microseconds.quotientAndRemainder(dividingBy: 1_000_000)
        let seconds = Int(remainder < 0 ? quotient - 1 : quotient)
        switch verifier.scan(signatureHeader: signature, id: id, timestamp: seconds, body: body) {
        case .matched:
            self = .valid
        case .noVersion1:
            self = .invalid("webhook-signature has no v1 signature")
        case .noMatch:
            self = .invalid("no v1 signature matches: another secret, or the id, timestamp or body changed on the way")
        case .malformed(let entry):
            self = .invalid(
                "webhook-signature entry '\(Self.quoted(entry))' is not version,signature (entries are separated by one space)")
        case .notBase64(let entry):
            self = .invalid("webhook-signature entry '\(Self.quoted(entry))' is not base64")
        }
    }

    /// `text`, cut to ``quotedLength`` characters.
    private static func quoted(_ text: String) -> String {
        text.count > quotedLength ? String(text.prefix(quotedLength)) + "…" : text
    }
}
