extension DeliveryOutcomeClass {
    /// What the user can do about an outcome that is not retried, or that keeps failing
    /// (delivery.md §8.4: "fix configuration, then replay"); nil when there is nothing to do.
    public var hint: String? { hint(afterTestSend: false) }

    /// The hint after a test send, which is neither retried nor replayed: it is sent again.
    public var testSendHint: String? { hint(afterTestSend: true) }

    private func hint(afterTestSend: Bool) -> String? {
        let replay = afterTestSend ? "send again" : "replay"
        let retried = afterTestSend ? "" : "; retried meanwhile"
        return switch self {
        case .redirectNotFollowed:
            "the endpoint answered with a redirect, which is not followed: put the Location into the webhook's url, then \(replay)"
        case .gone:
            "the endpoint says it is gone, so it is paused and later deliveries are held: fix or remove the webhook, then resume the endpoint (hookline resume --endpoint)"
        case .http4xx:
            "the endpoint refused the request and it is not retried: fix the webhook or the data it sends, then \(replay)"
        case .http5xxPermanent:
            "the endpoint does not implement this request (501): check the webhook's method and url"
        case .blockedByPolicy:
            "the address is not allowed by the network policy: if it is yours, add it to network.allow in hookline.yaml"
        case .invalidRequest:
            "the request could not be built: hookline validate and hookline preview show where"
        case .tlsError:
            "the certificate was not accepted: fix it, or set tls.ca on the webhook for a private CA\(retried)"
        case .invalidResponse:
            "the endpoint did not answer in HTTP: check that the url's port is the web server's (not SSH, a database or TLS on an http:// url)\(retried)"
        case .abortedByReceiver:
            "the receiver asked not to retry (webhook-delivery: abort-message)"
        default:
            nil
        }
    }
}
