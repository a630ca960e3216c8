import Foundation
import StudioModel

/// One request the embedded receiver got, and what it answered.
public struct ReceivedRequest: Sendable {
    public var receivedAt: Date
    public var method: String
    public var path: String
    public var query: String
    public var headers: [HeaderField]
    /// The body as text; bytes that are not UTF-8 read as U+FFFD.
    public var body: String
    /// How many bytes the body had on the wire.
    public var bodySize: Int
    /// The status answered; 0 when a script closed the connection instead (``wasReset``).
    public var status: Int
    /// Whether a script closed the connection with a reset instead of answering.
    public var wasReset = false
    /// The Standard Webhooks signature check, when the receiver verifies signatures.
    public var signature: SignatureCheck?

    /// The request as the receiver shows it: credential headers and query parameters hidden, and
    /// their values masked wherever else they appear (a body that echoes the token).
    public var masked: ReceivedRequest { masked(hidingSigningSecrets: []) }

    /// The request as ``masked`` shows it, with the receiver's own signing secrets (`whsec_…`,
    /// as given to ``Receiver/start(host:port:script:verifier:timeouts:onRequest:)``) hidden too:
    /// a sender may echo them in a body or header, and the receiver's log is no place for them.
    public func masked(hidingSigningSecrets signingSecrets: [String]) -> ReceivedRequest {
        let target = query.isEmpty ? path : "\(path)?\(query)"
        // The key is also written without its prefix (bare base64, as the signer reads it).
        let ownSecrets = signingSecrets.flatMap { secret -> [String] in
            let trimmed = secret.trimmingCharacters(in: .whitespacesAndNewlines)
            guard trimmed.hasPrefix(StandardWebhooksSigner.secretPrefix) else { return [trimmed] }
            return [trimmed, String(trimmed.dropFirst(StandardWebhooksSigner.secretPrefix.count))]
        }
        let masker = SecretMasker(
            secretValues: SecretMasker.credentials(in: headers, url: target) + ownSecrets,
            wholeValues: SecretMasker.wholeValueCredentials(in: headers, url: target))
        var copy = self
        let maskedTarget = masker.maskURL(target)
        let question = query.isEmpty ? nil : maskedTarget.firstIndex(of: "?")
        copy.path = String(maskedTarget[..<(question ?? maskedTarget.endIndex)])
        copy.query = question.map { String(maskedTarget[maskedTarget.index(after: $0)...]) } ?? ""
        copy.headers = masker.mask(headers)
        copy.body = masker.mask(body)
        if case .invalid(let reason) = signature { copy.signature = .invalid(masker.mask(reason)) }
        return copy
    }

    /// One log line: `12:00:01.123 POST /v1/letters 200 312B` (`RESET` instead of a status),
    /// then `signed` or why the signature was refused when the receiver verifies them.
    public var logLine: String {
        let target = query.isEmpty ? path : "\(path)?\(query)"
        let answer = wasReset ? "RESET" : String(status)
        let line = "\(Self.timeFormatter.string(from: receivedAt)) \(method) \(target) \(answer) \(bodySize)B"
        switch signature {
        case nil: return line
        case .valid: return line + " signed"
        case .invalid(let reason): return line + " signature refused: " + reason
        }
    }

    private static let timeFormatter: DateFormatter = {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.dateFormat = "HH:mm:ss.SSS"
        return formatter
    }()
}
