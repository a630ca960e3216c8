import Foundation
import NIOSSL
import StudioModel
import Testing

@testable import StudioEngine

/// delivery.md §9 row 20: a self-signed, expired or wrong-host certificate is `tls_error`, retried,
/// never bypassed; a private CA works once the webhook names it in `tls: {ca: …}`.
///
/// ``Deliverer`` runs with the real ``DeliveryClient`` (policy allowing 127.0.0.1) against
/// ``HTTPSTestServer`` on loopback, serving the fixture certificates in `Fixtures/tls`. The server
/// counts requests, so a rejected handshake is seen to let none through.
struct DeliveryTLSTests {
    @Test func selfSignedCertificateIsATLSErrorThatIsRetriedAndNoRequestIsSent() async throws {
        try await HTTPSTestServer.with(certificate: "self-signed") { server in
            let retry = RetryPolicy(schedule: try RetrySchedule(delays: [5]))
            let result = try await deliver(to: server, options: .init(retry: retry))

            guard case .failed(let reason) = result.status else {
                Issue.record("expected a failure, got \(result.status)")
                return
            }
            #expect(reason.contains("2 attempts"))
            #expect(result.attempts.map(\.attempt) == [1, 2])
            for attempt in result.attempts {
                #expect(attempt.outcome.errorClass == "tls_error", "attempt \(attempt.attempt): \(attempt.outcome)")
                #expect(DeliveryOutcomeClass.classify(attempt) == .tlsError)
                #expect(message(of: attempt).contains("not issued by a trusted CA"), "\(attempt.outcome)")
                #expect(attempt.status == nil)
            }
            #expect(DeliveryOutcomeClass.tlsError.isRetryable)
            #expect(server.requestCount == 0)
        }
    }

    @Test func selfSignedCertificateIsRejectedWithACustomCAToo() async throws {
        try await HTTPSTestServer.with(certificate: "self-signed") { server in
            let result = try await deliver(to: server, options: .init(retry: Self.once, trustRoots: try Self.testCA()))
            let attempt = try #require(result.last)
            #expect(attempt.outcome.errorClass == "tls_error")
            #expect(message(of: attempt).contains("not issued by a trusted CA (the CA in the webhook's tls.ca)"))
            #expect(server.requestCount == 0)
        }
    }

    @Test func expiredCertificateIsATLSErrorEvenFromTheTrustedCA() async throws {
        try await HTTPSTestServer.with(certificate: "expired") { server in
            let result = try await deliver(to: server, options: .init(retry: Self.once, trustRoots: try Self.testCA()))
            let attempt = try #require(result.last)
            #expect(attempt.outcome.errorClass == "tls_error")
            #expect(message(of: attempt) == "TLS: the server's certificate expired on 2021-01-01T00:00:00Z")
            #expect(server.requestCount == 0)
        }
    }

    @Test func certificateForAnotherHostIsATLSErrorEvenFromTheTrustedCA() async throws {
        try await HTTPSTestServer.with(certificate: "wrong-host") { server in
            let result = try await deliver(to: server, options: .init(retry: Self.once, trustRoots: try Self.testCA()))
            let attempt = try #require(result.last)
            #expect(attempt.outcome.errorClass == "tls_error")
            #expect(
                message(of: attempt) == "TLS: the server's certificate is not valid for 127.0.0.1 (hostname mismatch)")
            #expect(server.requestCount == 0)
        }
    }

    /// The whole path: `tls.ca` in the webhook file, read by the loader, turned into options by
    /// ``RequestBuilder``, trusted by a client of its own. Deliveries without the CA to the same
    /// address, before and after, keep failing: they never share the client that trusts it.
    @Test func privateCAFailsUntilTheWebhookNamesItThenSucceeds() async throws {
        try await HTTPSTestServer.with(certificate: "valid") { server in
            let workspace = WorkspaceLoader.load(files: [
                "webhooks/partner.yaml": "id: partner\nurl: \(server.baseURL)/hook\ntls: {ca: certs/partner-ca.pem}\n",
                "certs/partner-ca.pem": try TLSFixtures.text("ca.pem"),
            ])
            #expect(workspace.diagnostics.isEmpty, "\(workspace.diagnostics)")
            let webhook = try #require(workspace.webhook(id: "partner"))
            let builder = RequestBuilder()
            let context = TemplateContext(profile: JSONObject([]))
            var options = try builder.deliveryOptions(for: webhook, context: context, secrets: [:])
            options.retry = Self.once
            #expect(options.trustRoots == (try Self.testCA()))

            try await withDeliverer { deliverer in
                let request = try builder.build(webhook, context: context, secrets: [:], deliveryID: DeliveryID.make())
                let without = await deliverer.deliver(request, origin: .init(), options: .init(retry: Self.once))
                let with = await deliverer.deliver(request, origin: .init(), options: options)
                let againWithout = await deliverer.deliver(request, origin: .init(), options: .init(retry: Self.once))

                #expect(without.last?.outcome.errorClass == "tls_error")
                let untrusted = without.last.map(message(of:)) ?? ""
                #expect(untrusted.contains("not issued by a trusted CA (the system's CAs; a private CA goes in tls.ca)"))
                #expect(with.status == .succeeded)
                #expect(with.last?.status == 200)
                #expect(againWithout.last?.outcome.errorClass == "tls_error")
            }
            #expect(server.requestCount == 1)
        }
    }

    @Test func caFileThatDoesNotParseIsAnInvalidRequestNotASystemCAFallback() throws {
        let garbled = "-----BEGIN CERTIFICATE-----\nnot base64 at all\n-----END CERTIFICATE-----\n"
        let webhook = Webhook(
            id: "partner", url: "https://127.0.0.1/hook", tls: WebhookTLS(caFile: "certs/ca.pem", caPEM: garbled))
        let error = #expect(throws: RequestBuildError.self) {
            try RequestBuilder().deliveryOptions(
                for: webhook, context: TemplateContext(profile: JSONObject([])), secrets: [:])
        }
        #expect(error?.part == "tls.ca")
        #expect(error?.description.contains("certs/ca.pem") == true)
    }

    @Test func trustRootsFromTheSamePEMAreEqualAndFromAnotherDiffer() throws {
        let ca = try Self.testCA()
        #expect(ca.certificates.count == 1)
        #expect(ca == (try TrustRoots(pem: try TLSFixtures.text("ca.pem"))))
        let other = try TrustRoots(pem: try TLSFixtures.text("self-signed.pem"))
        #expect(ca != other)
        #expect(ca.fingerprint != other.fingerprint)
        let both = try TrustRoots(pem: try TLSFixtures.text("ca.pem") + TLSFixtures.text("self-signed.pem"))
        #expect(both.certificates.count == 2)
    }

    /// What the record says about a rejected chain comes from its dates: expired and not yet
    /// valid are named; within its dates, the issuer is what is not trusted.
    @Test func rejectedChainIsExplainedByItsDates() throws {
        let valid = try NIOSSLCertificate.fromPEMFile(try TLSFixtures.path("valid.pem"))
        let expired = try NIOSSLCertificate.fromPEMFile(try TLSFixtures.path("expired.pem"))
        let start2020 = Date(timeIntervalSince1970: 1_577_836_800)
        let start2021 = Date(timeIntervalSince1970: 1_609_459_200)

        #expect(CertificateProbe.reason(for: expired, at: Date()) == .expired(start2021))
        #expect(CertificateProbe.reason(for: valid, at: start2020.addingTimeInterval(-1)) == .notYetValid(start2020))
        #expect(CertificateProbe.reason(for: valid, at: Date()) == .untrusted)
        #expect(CertificateProbe.reason(for: [], at: Date()) == nil)
        // An expired certificate further up the chain counts too.
        #expect(CertificateProbe.reason(for: valid + expired, at: Date()) == .expired(start2021))
    }

    /// A connection is verified for one host name: a request for another name of the same
    /// address and port gets a connection and a check of its own, and fails when the certificate
    /// does not name it, though a connection verified for the first name sits idle there.
    @Test func aConnectionVerifiedForOneHostIsNeverReusedForAnother() async throws {
        try await HTTPSTestServer.with(certificate: "wrong-host") { server in
            let records = try await send(
                to: ["https://other.example:\(server.port)/a", server.baseURL + "/b"], resolving: "other.example")
            #expect(records[0].status == 200, "\(records[0].outcome)")
            #expect(records[1].outcome.errorClass == "tls_error")
            #expect(message(of: records[1]) == "TLS: the server's certificate is not valid for 127.0.0.1 (hostname mismatch)")
            #expect(server.requestCount == 1)
        }
    }

    /// A certificate for `localhost` and the address 127.0.0.1 does not name `other.test`, though
    /// the name resolves to that address and the connection goes there (RFC 9525: an address in
    /// the certificate only names an IP literal); the request is not sent.
    @Test func anAddressInTheCertificateDoesNotVouchForAHostNameThatResolvesToIt() async throws {
        try await HTTPSTestServer.with(certificate: "valid") { server in
            let record = try #require(try await send(to: ["https://other.test:\(server.port)/hook"], resolving: "other.test").first)
            #expect(record.outcome.errorClass == "tls_error")
            #expect(message(of: record) == "TLS: the server's certificate is not valid for other.test (hostname mismatch)")
            #expect(server.requestCount == 0)
        }
    }

    /// An absolute name (`other.example.`, as `curl` takes one) goes in SNI without its final
    /// dot, as RFC 6066 §3 writes a host name there ("without a trailing dot"; the dot was sent),
    /// and a certificate for `other.example` names it: the request is delivered.
    @Test func anAbsoluteHostNameIsSentInSNIWithoutItsFinalDotAndItsCertificateNamesIt() async throws {
        try await HTTPSTestServer.with(certificate: "wrong-host") { server in
            let record = try #require(
                try await send(to: ["https://other.example.:\(server.port)/hook"], resolving: "other.example").first)
            #expect(record.status == 200, "\(record.outcome)")
            #expect(server.serverNames == ["other.example"])
            #expect(server.requestCount == 1)
        }
    }

    /// The handshake that reads a rejected chain to say why sends the name the delivery's
    /// handshake sent, without the final dot too.
    @Test func theHandshakeThatExplainsARejectedChainSendsTheNameWithoutItsFinalDot() async throws {
        try await HTTPSTestServer.with(certificate: "self-signed") { server in
            let record = try #require(
                try await send(to: ["https://other.example.:\(server.port)/hook"], resolving: "other.example").first)
            #expect(record.outcome.errorClass == "tls_error")
            #expect(message(of: record).contains("not issued by a trusted CA"), "\(record.outcome)")
            #expect(server.serverNames == ["other.example", "other.example"])
            #expect(server.requestCount == 0)
        }
    }

    /// The connect timeout covers the TLS handshake as it covers the TCP connect: a server that
    /// accepts the connection and never answers the handshake is cut there, not at the deadline.
    @Test func aHandshakeThatNeverEndsIsCutAtTheConnectTimeout() async throws {
        let server = try await RawAnswerServer.start(answer: [], keepOpen: true)
        var configuration = DeliveryClient.Configuration()
        configuration.connectTimeout = .seconds(1)
        configuration.timeout = .seconds(10)
        let record = try await DeliveryClient.withClient(
            configuration: configuration, networkPolicy: NetworkPolicy(allowlist: ["127.0.0.1/32"])
        ) { client in
            await client.send(makeRequest("https://127.0.0.1:\(server.port)/hook"), origin: .init())
        }
        try await server.shutdown()

        #expect(record.status == nil)
        #expect(record.outcome.errorClass == "timeout")
        #expect(message(of: record) == "the TLS handshake did not finish within the connect timeout (1.0 s)")
    }

    // MARK: - Helpers

    static let once = RetryPolicy(schedule: .noRetries)

    static func testCA() throws -> TrustRoots {
        try TrustRoots(pem: try TLSFixtures.text("ca.pem"))
    }

    private func deliver(to server: HTTPSTestServer, options: Deliverer.Options) async throws -> Deliverer.Result {
        try await withDeliverer { deliverer in
            let id = DeliveryID.make()
            let request = PreparedRequest(
                method: .post, url: server.baseURL + "/hook",
                headers: [HeaderField("Content-Type", "application/json"), HeaderField("webhook-id", id)],
                body: #"{"email":"ada@example.com"}"#, secretValues: [], deliveryID: id)
            return await deliverer.deliver(request, origin: .init(webhookID: "tls-fault"), options: options)
        }
    }

    /// Runs `body` with a deliverer whose client may reach loopback, on a 1000× compressed schedule.
    private func withDeliverer<T: Sendable>(_ body: (Deliverer) async throws -> T) async throws -> T {
        try await DeliveryClient.withClient(networkPolicy: NetworkPolicy(allowlist: ["127.0.0.1/32"])) { client in
            try await body(Deliverer(client: client, recorder: nil, clock: ScaledClock(scale: 1000)))
        }
    }

    /// One attempt to each URL in turn, through one client that trusts the test CA and finds
    /// `name` at 127.0.0.1.
    private func send(to urls: [String], resolving name: String) async throws -> [AttemptRecord] {
        let resolver = StaticResolver(addresses: [name: [try #require(IPAddress("127.0.0.1"))]])
        let policy = NetworkPolicy(allowlist: ["127.0.0.1/32"], resolver: resolver)
        let roots = try Self.testCA()
        return try await DeliveryClient.withClient(networkPolicy: policy) { client in
            var records: [AttemptRecord] = []
            for url in urls {
                records.append(await client.send(makeRequest(url), origin: .init(), trustRoots: roots))
            }
            return records
        }
    }

    private func message(of record: AttemptRecord) -> String {
        if case .failed(_, let message) = record.outcome { return message }
        return ""
    }
}
