import Foundation
import StudioEngine
import StudioModel
import Testing

/// Outcome classes of delivery.md §8.4: every status class, every transport error, the receiver's abort.
struct DeliveryOutcomeClassTests {
    @Test(arguments: [
        (200, "ok", false), (201, "ok", false), (202, "ok", false), (204, "ok", false), (299, "ok", false),
        (300, "redirect_not_followed", false), (301, "redirect_not_followed", false),
        (302, "redirect_not_followed", false), (303, "redirect_not_followed", false),
        (307, "redirect_not_followed", false), (308, "redirect_not_followed", false),
        (408, "http_4xx_retryable", true), (409, "http_4xx_retryable", true), (425, "http_4xx_retryable", true),
        (429, "http_4xx_retryable", true),
        (410, "gone", false),
        (400, "http_4xx", false), (401, "http_4xx", false), (403, "http_4xx", false), (404, "http_4xx", false),
        (405, "http_4xx", false), (413, "http_4xx", false), (422, "http_4xx", false), (451, "http_4xx", false),
        (499, "http_4xx", false),
        (500, "http_5xx", true), (502, "http_5xx", true), (503, "http_5xx", true), (504, "http_5xx", true),
        (505, "http_5xx", true), (599, "http_5xx", true),
        (501, "http_5xx_permanent", false),
        // RFC 9110 §15: "Values outside the range 100..599 are invalid." A stored attempt with such a
        // status (the client records none since) is the server's protocol error, not a 5xx.
        (0, "invalid_response", true), (99, "invalid_response", true), (600, "invalid_response", true),
        (999, "invalid_response", true),
    ])
    func statusIsClassifiedAsSection84Says(status: Int, label: String, retryable: Bool) {
        let outcome = DeliveryOutcomeClass.classify(status: status, headers: [], transportErrorClass: nil)
        #expect(outcome.label == label, "status \(status)")
        #expect(outcome.isRetryable == retryable, "status \(status)")
        #expect(outcome.isSuccess == (200..<300).contains(status))
    }

    /// A redirect is not followed: the hint says where it points, a relative Location resolved
    /// against the request's URL, and says so when there is none; a 304 gets no redirect advice.
    @Test(arguments: [
        (302, "/v2/events", "the endpoint redirects to https://hooks.example.com/v2/events, which is not followed"),
        (301, "https://new.example.com/in", "the endpoint redirects to https://new.example.com/in, which is not followed"),
        // Where no url should point: not advised as the webhook's url (QA, session 21), and a
        // masked Location is shown as masked, not percent-encoded.
        (302, "http://169.254.169.254/latest/meta-data/",
         "the endpoint redirects to http://169.254.169.254/latest/meta-data/, which is not followed and would be refused (169.254.169.254 is a cloud metadata address"),
        (302, "http://user:••••••@10.0.0.1/cb?token=••••••",
         "the endpoint redirects to http://user:••••••@10.0.0.1/cb?token=••••••, which is not followed: it carries credentials"),
        (307, nil, "the endpoint answered with a redirect but no Location"),
        (304, nil, "304 Not Modified answers a cache's conditional request"),
    ] as [(Int, String?, String)])
    func aRedirectsHintSaysWhereItPoints(status: Int, location: String?, expected: String) throws {
        let record = AttemptRecord(
            startedAt: Date(), deliveryID: "msg_1", method: "POST", url: "https://hooks.example.com/v1/events?x=1",
            status: status, responseHeaders: location.map { [HeaderField("Location", $0)] } ?? [],
            outcome: .httpError)
        let hint = try #require(DeliveryOutcomeClass.hint(for: record, afterTestSend: true))
        #expect(hint.hasPrefix(expected), "\(hint)")
        let advisesTheLocation = hint.hasSuffix("put that into the webhook's url, then send again")
        #expect(advisesTheLocation == (location != nil && !hint.contains("would be refused") && !hint.contains("credentials")))
    }

    /// A test send of a 410 pauses nothing, so its hint must not say the endpoint is paused.
    @Test(arguments: [
        (false, "the endpoint says it is gone, so it is paused and later deliveries are held"),
        (true, "the endpoint says it is gone: a scheduled delivery would pause it and hold later ones"),
    ])
    func aGoneHintSaysThePauseOnlyForAScheduledDelivery(afterTestSend: Bool, expected: String) throws {
        let record = AttemptRecord(
            startedAt: Date(), deliveryID: "msg_1", method: "POST", url: "https://hooks.example.com/v1/events",
            status: 410, outcome: .httpError)
        let hint = try #require(DeliveryOutcomeClass.hint(for: record, afterTestSend: afterTestSend))
        #expect(hint.hasPrefix(expected), "\(hint)")
    }

    /// A url with a user name or password is refused whatever network.allow says, so its hint
    /// names the url, not the allowlist; an address the policy denies still gets the allowlist.
    @Test(arguments: [
        ("http://u:p@127.0.0.1:9/hook", "the url holds a user name or password, which is never sent whatever network.allow says"),
        ("http://u:••••••@hooks.example.com/hook", "the url holds a user name or password"),
        ("http://10.0.0.5/hook", "the address is not allowed by the network policy: if it is yours, add it to network.allow"),
        // No entry opens these (QA, session 21: the hint said to add one, which validate refuses).
        ("http://169.254.169.254/latest", "the webhook's url is refused whatever network.allow says"),
        ("http://0.0.0.0:9/hook", "the webhook's url is refused whatever network.allow says"),
        ("http://[fe80::1]/hook", "the webhook's url is refused whatever network.allow says"),
        ("http://metadata.google.internal/x", "the webhook's url is refused whatever network.allow says"),
        ("http://localhost:9/hook", "the address is not allowed by the network policy: if it is yours, add it to network.allow"),
    ])
    func aBlockedAttemptsHintNamesWhatNetworkAllowCannotOpen(url: String, expected: String) throws {
        let record = AttemptRecord(
            startedAt: Date(), deliveryID: "msg_1", method: "POST", url: url,
            outcome: .failed(errorClass: PolicyViolation.label, message: "refused"))
        let hint = try #require(DeliveryOutcomeClass.hint(for: record, afterTestSend: true))
        #expect(hint.hasPrefix(expected), "\(hint)")
    }

    @Test func tooManyRequestsIsRateLimitedAndWaitsTheOverloadFloor() {
        let outcome = DeliveryOutcomeClass.classify(status: 429, headers: [], transportErrorClass: nil)
        #expect(outcome == .rateLimited)
        #expect(outcome != .http4xxRetryable)
        #expect(outcome.isOverload)
        #expect(!DeliveryOutcomeClass.http4xxRetryable.isOverload)
    }

    @Test(arguments: [
        ("connect", DeliveryOutcomeClass.connectionRefused), ("connect-timeout", .timeout), ("timeout", .timeout),
        ("reset", .connectionReset), ("dns", .dnsError), ("tls", .tlsError), ("bad-url", .invalidRequest),
        ("network", .networkUnreachable), ("template", .invalidRequest), ("config", .invalidRequest),
        ("blocked", .blockedByPolicy), ("blocked_by_policy", .blockedByPolicy), ("something-new", .networkUnreachable),
        ("invalid_response", .invalidResponse),
    ])
    func transportErrorClassMapsToItsOutcome(errorClass: String, expected: DeliveryOutcomeClass) {
        #expect(DeliveryOutcomeClass.classify(status: nil, headers: [], transportErrorClass: errorClass) == expected)
    }

    @Test(arguments: [
        (DeliveryOutcomeClass.ok, false), (.redirectNotFollowed, false), (.http4xxRetryable, true), (.rateLimited, true),
        (.gone, false), (.http4xx, false), (.http5xx, true), (.http5xxPermanent, false), (.dnsError, true),
        (.connectionRefused, true), (.connectionReset, true), (.networkUnreachable, true), (.invalidResponse, true), (.timeout, true),
        (.tlsError, true), (.blockedByPolicy, false), (.invalidRequest, false), (.abortedByReceiver, false),
        (.cancelled, false),
    ])
    func eachClassIsRetriedOnlyWhereSection84Retries(outcome: DeliveryOutcomeClass, retryable: Bool) {
        #expect(outcome.isRetryable == retryable, "\(outcome.label)")
    }

    @Test func labelsAreTheSnakeCaseNamesOfSection84() {
        let labels = DeliveryOutcomeClass.allClasses.map(\.label)
        #expect(labels == [
            "ok", "redirect_not_followed", "http_4xx_retryable", "http_4xx_retryable", "gone", "http_4xx", "http_5xx",
            "http_5xx_permanent", "dns_error", "connection_refused", "connection_reset", "network_unreachable",
            "invalid_response", "timeout", "tls_error", "blocked_by_policy", "invalid_request", "aborted_by_receiver",
            "cancelled",
        ])
    }

    @Test func storedLabelsReadBackToTheirClass() {
        for outcome in DeliveryOutcomeClass.allClasses where outcome != .rateLimited {
            #expect(DeliveryOutcomeClass(label: outcome.label) == outcome)
        }
        #expect(DeliveryOutcomeClass(label: "http_4xx_retryable") == .http4xxRetryable)
        #expect(DeliveryOutcomeClass(label: "teapot") == nil)
    }

    @Test(arguments: [500, 503, 404, 429, 302])
    func abortMessageHeaderStopsRetries(status: Int) {
        let headers = [HeaderField("Content-Type", "text/plain"), HeaderField("Webhook-Delivery", " Abort-Message ")]
        let outcome = DeliveryOutcomeClass.classify(status: status, headers: headers, transportErrorClass: nil)
        #expect(outcome == .abortedByReceiver)
        #expect(outcome.label == "aborted_by_receiver")
        #expect(!outcome.isRetryable)
    }

    @Test func abortMessageDoesNotOverrideSuccessOrGone() {
        let headers = [HeaderField("webhook-delivery", "abort-message")]
        #expect(DeliveryOutcomeClass.classify(status: 200, headers: headers, transportErrorClass: nil) == .ok)
        #expect(DeliveryOutcomeClass.classify(status: 410, headers: headers, transportErrorClass: nil) == .gone)
    }

    @Test func otherWebhookDeliveryValuesAreIgnored() {
        let headers = [HeaderField("webhook-delivery", "please-retry")]
        #expect(DeliveryOutcomeClass.classify(status: 500, headers: headers, transportErrorClass: nil) == .http5xx)
    }

    @Test func aReceivedStatusWinsOverALaterBodyError() {
        // §8.2: once a 2xx status line arrives, a failure while reading the body is only noted.
        #expect(DeliveryOutcomeClass.classify(status: 200, headers: [], transportErrorClass: "reset") == .ok)
        #expect(DeliveryOutcomeClass.classify(status: 503, headers: [], transportErrorClass: "timeout") == .http5xx)
    }

    @Test func recordsAreClassifiedFromStatusHeadersAndErrorClass() {
        let date = Date(timeIntervalSince1970: 0)
        let refused = AttemptRecord(
            startedAt: date, deliveryID: "msg_1", method: "POST", url: "http://127.0.0.1:9/",
            outcome: .failed(errorClass: "connect", message: "refused"))
        let aborted = AttemptRecord(
            startedAt: date, deliveryID: "msg_2", method: "POST", url: "http://127.0.0.1:9/", status: 500,
            responseHeaders: [HeaderField("webhook-delivery", "abort-message")], outcome: .httpError)
        #expect(DeliveryOutcomeClass.classify(refused) == .connectionRefused)
        #expect(DeliveryOutcomeClass.classify(aborted) == .abortedByReceiver)
    }
}
