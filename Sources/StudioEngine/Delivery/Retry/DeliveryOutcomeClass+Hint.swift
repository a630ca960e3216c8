import Foundation
import NIOHTTP1
import StudioModel

extension DeliveryOutcomeClass {
    /// What the user can do about `record`'s outcome when it is not retried, or keeps failing
    /// (delivery.md §8.4: "fix configuration, then replay"); nil when there is nothing to do.
    /// - Parameter afterTestSend: The record is a test send's, which is neither retried nor
    ///   replayed but sent again.
    public static func hint(for record: AttemptRecord, afterTestSend: Bool = false) -> String? {
        let replay = afterTestSend ? "send again" : "replay"
        let retried = afterTestSend ? "" : "; retried meanwhile"
        return switch classify(record) {
        case .redirectNotFollowed: redirectHint(for: record, replay: replay)
        case .gone: goneHint(afterTestSend: afterTestSend)
        case .http4xx:
            "the endpoint refused the request and it is not retried: fix the webhook or the data it sends, then \(replay)"
        case .http5xxPermanent:
            "the endpoint does not implement this request (501): check the webhook's method and url"
        case .blockedByPolicy: blockedHint(for: record)
        case .invalidRequest:
            "the request could not be built: hookline validate and hookline preview show where"
        case .tlsError:
            "the certificate was not accepted: fix it, or set tls.ca on the webhook for a private CA\(retried)"
        case .invalidResponse: invalidResponseHint(for: record, retried: retried)
        case .abortedByReceiver:
            "the receiver asked not to retry (webhook-delivery: abort-message)"
        default:
            nil
        }
    }

    /// An answer in another protocol points at the url's port; an HTTP answer written wrongly
    /// (a folded header, two lengths, a head over 80 KiB) at the server that wrote it.
    private static func invalidResponseHint(for record: AttemptRecord, retried: String) -> String {
        if case .failed(_, let message) = record.outcome, message.hasPrefix(DeliveryClient.invalidAnswerPrefix),
            !HTTPParserError.otherProtocolExplanations.contains(where: message.hasSuffix)
        {
            // Not "clients must refuse": RFC 9112 has a client refuse some of these (Content-Length
            // values that differ) and only lets it refuse others (a head over its limit).
            return "the endpoint answered in HTTP that breaks RFC 9110/9112 and Hookline refuses: fix the server, or a proxy in front of it\(retried)"
        }
        return "the endpoint did not answer in HTTP: check that the url's port is the web server's (not SSH, a database or TLS on an http:// url)\(retried)"
    }

    /// network.allow opens addresses; a URL refused for its form (credentials in it) stays
    /// refused whatever it lists, so the hint names what to change in the url instead.
    private static func blockedHint(for record: AttemptRecord) -> String {
        // The stored url is masked: a password that is a known secret no longer parses, so the
        // authority is read as the policy reads it, not through a parse.
        if TargetURL.hasUserinfo(record.url) {
            return "the url holds a user name or password, which is never sent whatever network.allow says: "
                + "remove it from the webhook's url and set auth (type: basic) instead"
        }
        if NetworkPolicy.formViolation(of: record.url) != nil || isNeverAllowed(record.url) {
            return "the webhook's url is refused whatever network.allow says: fix the url"
        }
        return "the address is not allowed by the network policy: if it is yours, add it to network.allow in hookline.yaml"
    }

    /// Whether `url`'s host is an address or name no `network.allow` entry admits (metadata,
    /// link-local, unspecified): the policy offers no entry for it. A name that resolved to one
    /// is not known here; its attempt's message says so.
    private static func isNeverAllowed(_ url: String) -> Bool {
        guard let violation = NetworkPolicy().check(url: url).violation else { return false }
        return (violation.reason == .deniedAddress || violation.reason == .deniedHostName)
            && violation.suggestedAllowEntry == nil
    }

    /// A test send pauses nothing: it only says what a scheduled delivery's 410 would do.
    private static func goneHint(afterTestSend: Bool) -> String {
        guard afterTestSend else {
            return "the endpoint says it is gone, so it is paused and later deliveries are held: fix or remove the webhook, then resume the endpoint (hookline resume --endpoint)"
        }
        return "the endpoint says it is gone: a scheduled delivery would pause it and hold later ones; fix or remove the webhook"
    }

    /// A 3xx is never followed: where it points, resolved against the request's URL, is what the
    /// webhook's url should say. A 304 answers a cache's question a webhook never asks.
    private static func redirectHint(for record: AttemptRecord, replay: String) -> String {
        if record.status == 304 {
            return "304 Not Modified answers a cache's conditional request, which a webhook does not send: check the webhook's url (a cache or proxy in front?)"
        }
        guard let location = record.responseHeaders.first(where: { $0.name.lowercased() == "location" })?.value,
            !location.isEmpty
        else {
            return "the endpoint answered with a redirect but no Location, and redirects are not followed: check the webhook's url"
        }
        // An absolute Location is shown as received (masked): a parse would percent-encode the mask.
        let target =
            location.contains("://")
            ? location : URL(string: location, relativeTo: URL(string: record.url))?.absoluteString ?? location
        if TargetURL.hasUserinfo(target) || location.contains(SecretMasker.mask) {
            return "the endpoint redirects to \(target), which is not followed: it carries credentials, so check the webhook's url with its owner"
        }
        if let refused = NetworkPolicy().check(url: target).violation {
            return "the endpoint redirects to \(target), which is not followed and would be refused (\(refused.message)): check the webhook's url"
        }
        return "the endpoint redirects to \(target), which is not followed: put that into the webhook's url, then \(replay)"
    }
}
