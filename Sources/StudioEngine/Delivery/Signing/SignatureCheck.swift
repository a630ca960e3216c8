import Foundation
import StudioModel

/// What a receiver makes of a request's Standard Webhooks headers (`webhook-id`,
/// `webhook-timestamp`, `webhook-signature`): valid, or why not, in words an operator can act on.
///
/// ```swift
/// let check = SignatureCheck(headers: request.headers, body: bytes, verifier: signer, now: Date())
/// if case .invalid(let reason) = check { print("401: \(reason)") }
/// ```
public enum SignatureCheck: Sendable, Hashable {
    case valid
    case invalid(String)

    /// Checks the headers as the official libraries do: the timestamp within
    /// ``StandardWebhooksSigner/defaultTolerance`` of `now` (an old message replayed fails), and
    /// a `v1` signature over `id.timestamp.body` that one of `verifier`'s secrets made.
    public init(
        headers: [HeaderField], body: some DataProtocol, verifier: StandardWebhooksSigner, now: Date,
        tolerance: TimeInterval = StandardWebhooksSigner.defaultTolerance
    ) {
        func header(_ name: String) -> String? { headers.first { $0.name.lowercased() == name }?.value }
        guard let id = header("webhook-id"), !id.isEmpty else { self = .invalid("no webhook-id header"); return }
        guard let stamp = header("webhook-timestamp") else { self = .invalid("no webhook-timestamp header"); return }
        guard let timestamp = Int(stamp.trimmingCharacters(in: .whitespaces)) else {
            self = .invalid("webhook-timestamp '\(stamp)' is not Unix seconds")
            return
        }
        guard let signature = header("webhook-signature") else { self = .invalid("no webhook-signature header"); return }
        // In Double: a crafted timestamp near Int.min or Int.max must not overflow.
        let skew = now.timeIntervalSince1970 - TimeInterval(timestamp)
        guard abs(skew) <= tolerance else {
            let seconds = abs(skew) < 1e15 ? "\(Int(abs(skew).rounded())) s" : "ages"
            let when = skew > 0 ? "\(seconds) old" : "\(seconds) in the future"
            self = .invalid("webhook-timestamp is \(when), more than \(Int(tolerance)) s from now (a replayed message, or a clock off)")
            return
        }
        guard signature.split(separator: " ").contains(where: { $0.hasPrefix("v1,") }) else {
            self = .invalid("webhook-signature has no v1 signature")
            return
        }
        guard verifier.verify(signatureHeader: signature, id: id, timestamp: timestamp, body: body) else {
            self = .invalid("no v1 signature matches: another secret, or the id, timestamp or body changed on the way")
            return
        }
        self = .valid
    }
}
