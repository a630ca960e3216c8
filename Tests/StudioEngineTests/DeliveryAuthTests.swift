import Foundation
import StudioEngine
import StudioModel
import Testing

/// Webhook authentication through ``RequestBuilder`` and ``Deliverer``: what goes on the wire to
/// the scripted receiver on 127.0.0.1, and that the records never hold the credentials.
@Suite(.serialized)
struct DeliveryAuthTests {
    static let clientSecret = "cs_live_4f3e2d1c0b9a"

    // MARK: - Basic and bearer

    @Test func basicAuthIsSentOnTheWireAndMaskedInTheRecord() async throws {
        let log = RequestLog()
        let receiver = try await Receiver.start { log.append($0) }
        let secrets = ["user": "acct_8675309", "pass": "pw_correct-horse"]
        let webhook = Webhook(
            id: "basic", url: receiver.baseURL + "/hook",
            auth: .basic(username: "{{secret.user}}", password: "{{secret.pass}}"), body: .json(template: #"{"a": 1}"#))
        let result = try await deliver(webhook, secrets: secrets)
        await receiver.shutdown()

        let credentials = Data("acct_8675309:pw_correct-horse".utf8).base64EncodedString()
        #expect(result.status == .succeeded)
        #expect(log.all.first?.header("Authorization") == "Basic " + credentials)
        let record = try #require(result.last)
        #expect(record.requestHeaders.first { $0.name == "Authorization" }?.value == "Basic " + SecretMasker.mask)
        let stored = String(describing: result.attempts)
        for secret in [credentials, "acct_8675309", "pw_correct-horse"] {
            #expect(!stored.contains(secret), "the record holds \(secret)")
        }
    }

    /// A Basic user name with a `:` would be read by the receiver as a shorter name and a longer
    /// password (RFC 7617 splits at the first one): refused before sending, and by validate when
    /// written literally (QA, session 21: `acct:eu` went as `base64(acct:eu:s3cret)`).
    @Test func aBasicUserNameWithAColonIsRefused() throws {
        let webhook = Webhook(
            id: "basic", url: "http://127.0.0.1:9/hook", auth: .basic(username: "{{secret.user}}", password: "{{secret.pass}}"))
        #expect(throws: RequestBuildError.self) {
            try RequestBuilder().build(
                webhook, context: TemplateContext(profile: ["email": "ada@example.com"]),
                secrets: ["user": "acct:eu", "pass": "s3cret"], deliveryID: DeliveryID.make())
        }
        let loaded = WorkspaceLoader.load(files: [
            "webhooks/basic.yaml": "id: basic\nurl: http://127.0.0.1:9/hook\nauth: {type: basic, username: 'acct:eu', password: x}\n"
        ])
        #expect(loaded.errors.map(\.message) == ["'username': a Basic user name may not contain ':' (RFC 7617)"])
    }

    /// A receiver that echoes the request (as httpbin does) sends the Basic credentials back in
    /// its body and headers, outside the Authorization header: masked there too.
    @Test func basicCredentialsEchoedByTheReceiverAreMaskedInTheRecord() async throws {
        let credentials = Data("acct_8675309:pw_correct-horse".utf8).base64EncodedString()
        let receiver = try await Receiver.start(
            script: try script(
                #"{path: /hook, response: {status: 200, headers: {X-Echo: "Basic \#(credentials)"}, body: '{"headers": {"Authorization": "Basic \#(credentials)"}}'}}"#
            )) { _ in }
        let webhook = Webhook(
            id: "basic", url: receiver.baseURL + "/hook",
            auth: .basic(username: "{{secret.user}}", password: "{{secret.pass}}"), body: .json(template: #"{"a": 1}"#))
        let result = try await deliver(webhook, secrets: ["user": "acct_8675309", "pass": "pw_correct-horse"])
        await receiver.shutdown()

        let record = try #require(result.last)
        #expect(record.status == 200)
        #expect(record.responseBody == #"{"headers": {"Authorization": "Basic \#(SecretMasker.mask)"}}"#)
        #expect(!String(describing: result.attempts).contains(credentials), "\(record.responseHeaders)")
    }

    /// Credentials written in the webhook file rather than the secrets file are masked by the
    /// header's or parameter's name; echoed back in the answer they are masked as values.
    @Test func literalCredentialsEchoedByTheReceiverAreMaskedInTheRecord() async throws {
        let receiver = try await Receiver.start(
            script: try script(
                #"{path: /hook, response: {status: 200, body: '{"args": {"api_key": "q_literal_77"}, "headers": {"X-Api-Key": "key_literal_4242"}}'}}"#
            )) { _ in }
        let webhook = Webhook(
            id: "literal", url: receiver.baseURL + "/hook?api_key=q_literal_77",
            headers: [HeaderTemplate(name: "X-API-Key", value: "key_literal_4242")])
        let result = try await deliver(webhook, secrets: [:])
        await receiver.shutdown()

        let record = try #require(result.last)
        #expect(record.status == 200)
        let mask = SecretMasker.mask
        #expect(record.responseBody == #"{"args": {"api_key": "\#(mask)"}, "headers": {"X-Api-Key": "\#(mask)"}}"#)
        #expect(record.url.hasSuffix("/hook?api_key=\(mask)"))
    }

    /// A helper's error quotes the value it could not read; when that is a secret, the error
    /// (printed by preview and send, stored by run and serve) says `••••••`.
    @Test func aBuildErrorDoesNotQuoteASecret() throws {
        let secrets = ["stamp": "tok_not_a_date_77"]
        let webhook = Webhook(id: "dated", url: "http://127.0.0.1:9/hook", body: .json(template: #"{"d": "{{dateFormat secret.stamp}}"}"#))
        let context = TemplateContext(profile: JSONObject([("email", .string("ada@example.com"))]))
        do {
            _ = try RequestBuilder().build(webhook, context: context, secrets: secrets, deliveryID: DeliveryID.make())
            Issue.record("the body rendered")
        } catch {
            #expect(error.description.contains("dateFormat cannot read '\(SecretMasker.mask)'"), "\(error)")
            #expect(!error.description.contains("tok_not_a_date_77"))
        }
    }

    @Test func bearerTokenIsSentOnTheWireAndMaskedInTheRecord() async throws {
        let log = RequestLog()
        let receiver = try await Receiver.start { log.append($0) }
        let webhook = Webhook(id: "bearer", url: receiver.baseURL + "/hook", auth: .bearer(token: "{{secret.crm}}"))
        let result = try await deliver(webhook, secrets: ["crm": "crm_tok_31337"])
        await receiver.shutdown()

        #expect(result.status == .succeeded)
        #expect(log.all.first?.header("Authorization") == "Bearer crm_tok_31337")
        let record = try #require(result.last)
        #expect(record.requestHeaders.first { $0.name == "Authorization" }?.value == "Bearer " + SecretMasker.mask)
        #expect(!String(describing: result.attempts).contains("crm_tok_31337"))
    }

    // MARK: - OAuth2 client credentials

    @Test func oauth2TokenIsFetchedOnceAndReusedForTheNextDelivery() async throws {
        let log = RequestLog()
        let receiver = try await Receiver.start(
            script: try script(Self.tokenRule(tokens: ["tok_1"]), "{path: /hook, response: {status: 200}}")) { log.append($0) }
        let results = try await deliverOAuth2(count: 2, to: receiver)
        await receiver.shutdown()

        #expect(results.map(\.status) == [.succeeded, .succeeded])
        let tokenRequests = log.all.filter { $0.path == "/oauth/token" }
        #expect(tokenRequests.count == 1)
        let tokenRequest = try #require(tokenRequests.first)
        #expect(tokenRequest.method == "POST")
        #expect(tokenRequest.body.contains("grant_type=client_credentials"))
        let basic = Data("hookline-client:\(Self.clientSecret)".utf8).base64EncodedString()
        #expect(tokenRequest.header("Authorization") == "Basic " + basic)

        let hooks = log.all.filter { $0.path == "/hook" }
        #expect(hooks.count == 2)
        #expect(hooks.allSatisfy { $0.header("Authorization") == "Bearer tok_1" })
        expectNoCredentials(in: results)
    }

    @Test func oauth2UnauthorizedRefreshesTheTokenOnceAndRetriesAtOnce() async throws {
        let log = RequestLog()
        let receiver = try await Receiver.start(
            script: try script(
                Self.tokenRule(tokens: ["tok_1", "tok_2"]), "{path: /hook, responses: [{status: 401}, {status: 200}]}")
        ) { log.append($0) }
        let clock = SteppedClock()
        let results = try await deliverOAuth2(count: 1, to: receiver, clock: clock)
        await receiver.shutdown()

        let result = try #require(results.first)
        #expect(result.status == .succeeded)
        #expect(result.attempts.compactMap(\.status) == [401, 200])
        #expect(log.all.filter { $0.path == "/oauth/token" }.count == 2)
        #expect(log.all.filter { $0.path == "/hook" }.compactMap { $0.header("Authorization") } == ["Bearer tok_1", "Bearer tok_2"])
        try #require(result.attempts.count == 2)
        #expect(result.attempts[1].trigger == .immediate)
        // The refreshed attempt is made at once, not after the schedule's first wait.
        #expect(clock.waits.isEmpty, "waited \(clock.waits) s")
        expectNoCredentials(in: results)
    }

    @Test func oauth2RepeatedUnauthorizedRefreshesOnlyOnceAndFails() async throws {
        let log = RequestLog()
        let receiver = try await Receiver.start(
            script: try script(Self.tokenRule(tokens: ["tok_1", "tok_2", "tok_3"]), "{path: /hook, response: {status: 401}}")
        ) { log.append($0) }
        let results = try await deliverOAuth2(count: 1, to: receiver, clock: ScaledClock(scale: 1))
        await receiver.shutdown()

        let result = try #require(results.first)
        guard case .failed = result.status else {
            Issue.record("expected a failure, got \(result.status)")
            return
        }
        #expect(result.attempts.compactMap(\.status) == [401, 401])
        #expect(log.all.filter { $0.path == "/oauth/token" }.count == 2)
        #expect(log.all.filter { $0.path == "/hook" }.count == 2)
        expectNoCredentials(in: results)
    }

    /// A token endpoint that is down (5xx) or rate-limiting (429) may answer later: the attempt
    /// is recorded as `oauth2_error`, the outbox row settles as retrying, and the delivery tries
    /// again on its schedule (delivery.md §8.4), `Retry-After` and the 429 floor applied.
    @Test(arguments: [
        ("{status: 500}", 4.0...6.0),
        ("{status: 429, headers: {Retry-After: '90'}}", 90.0...90.0),
    ])
    func oauth2TokenEndpointFailureThatMayPassIsRetriedOnTheSchedule(
        failure: String, wait: ClosedRange<TimeInterval>
    ) async throws {
        let log = RequestLog()
        let token = #"{status: 200, headers: {Content-Type: application/json}, body: '{"access_token":"tok_1","expires_in":3600}'}"#
        let receiver = try await Receiver.start(
            script: try script(
                "{path: /oauth/token, method: POST, responses: [\(failure), \(token)]}", "{path: /hook, response: {status: 200}}")
        ) { log.append($0) }
        let clock = SteppedClock()
        let (result, store) = try await deliverInOutbox(
            makeRequest(receiver.baseURL + "/hook"), options: oauth2Options(tokenURL: receiver.baseURL + "/oauth/token"),
            clock: clock)
        await receiver.shutdown()

        #expect(result.status == .succeeded)
        #expect(result.attempts.map(\.attempt) == [1, 2])
        #expect(result.attempts.map(\.outcome.errorClass) == ["oauth2_error", nil])
        expectWaits(clock, [wait])
        #expect(log.all.map(\.path) == ["/oauth/token", "/oauth/token", "/hook"])
        let deliveryID = try #require(result.last?.deliveryID)
        #expect(try store.attempts(deliveryID: deliveryID).map(\.outcome.errorClass) == ["oauth2_error", nil])
        #expect(try store.delivery(id: deliveryID)?.status == .succeeded)
        #expect(try store.delivery(id: deliveryID)?.attempts == 2)
        expectNoCredentials(in: [result])
    }

    /// An unreachable token endpoint is a network error like any other: retried on the schedule.
    @Test func oauth2UnreachableTokenEndpointIsRetriedOnTheSchedule() async throws {
        // Bound but not listening: connects are refused, and no other test can take the port.
        let closed = try LoopbackSocket()
        defer { closed.close() }
        let tokenURL = "http://127.0.0.1:\(try closed.bind())/oauth/token"
        var options = oauth2Options(tokenURL: tokenURL)
        options.retry = RetryPolicy(schedule: try RetrySchedule(delays: [5]))
        let clock = SteppedClock()
        let (result, store) = try await deliverInOutbox(makeRequest("http://127.0.0.1:9/hook"), options: options, clock: clock)

        #expect(result.status == .failed("oauth2: token endpoint unreachable: connection_refused"))
        #expect(result.attempts.map(\.outcome.errorClass) == ["oauth2_error", "oauth2_error"])
        expectWaits(clock, [4...6])
        let deliveryID = try #require(result.last?.deliveryID)
        #expect(try store.delivery(id: deliveryID)?.status == .failed)
        #expect(try store.delivery(id: deliveryID)?.attempts == 2)
    }

    /// A token URL the network policy refuses is not asked, and nothing is sent: the attempt is
    /// `blocked_by_policy` with the policy's reason, not retried (QA, session 21: it read
    /// `oauth2_error … unreachable: blocked_by_policy`, without the address or what to allow).
    @Test func oauth2TokenURLTheNetworkPolicyRefusesFailsAsBlockedWithItsReason() async throws {
        let log = RequestLog()
        let receiver = try await Receiver.start { log.append($0) }
        var options = oauth2Options(tokenURL: "http://10.0.0.1/oauth/token")
        options.retry = RetryPolicy(schedule: try RetrySchedule(delays: [5]))
        let clock = SteppedClock()
        let (result, store) = try await deliverInOutbox(makeRequest(receiver.baseURL + "/hook"), options: options, clock: clock)
        await receiver.shutdown()

        let reason = "10.0.0.1 is a private address; an admin can allow 10.0.0.0/8 in hookline.yaml network.allow"
        #expect(result.status == .failed("oauth2: token request not sent: \(reason)"))
        #expect(result.attempts.map(\.outcome.errorClass) == [PolicyViolation.label])
        expectWaits(clock, [])
        #expect(log.all.isEmpty)
        let deliveryID = try #require(result.last?.deliveryID)
        #expect(try store.delivery(id: deliveryID)?.status == .failed)
    }

    /// A token fetch cut short by this process stopping (its client shut down) failed the
    /// delivery for good, as an `oauth2_error`; it is left unsettled for the next start, as an
    /// attempt cut short is: the token endpoint did not fail.
    @Test func oauth2ATokenFetchCutShortByAStopLeavesTheDeliveryForTheNextStart() async throws {
        let log = RequestLog()
        let receiver = try await Receiver.start(
            script: try script(
                #"{path: /oauth/token, method: POST, response: {status: 200, delay: 30s, body: '{"access_token":"t"}'}}"#)
        ) { log.append($0) }
        let request = makeRequest(receiver.baseURL + "/hook")
        let store = try storeWithOutboxRow(for: request)
        let recorder = AttemptRecorder(store: store, feed: TrafficFeed())
        var options = oauth2Options(tokenURL: receiver.baseURL + "/oauth/token")
        options.inOutbox = true
        let client = DeliveryClient(networkPolicy: NetworkPolicy(allowlist: ["127.0.0.1/32"]))
        let deliverer = Deliverer(client: client, recorder: recorder, clock: SteppedClock())
        let delivery = Task { await deliverer.deliver(request, origin: .init(webhookID: "oauth"), options: options) }
        for _ in 0..<1_000 where log.all.isEmpty {
            try await Task.sleep(for: .milliseconds(10))
        }
        // As an engine stops: no attempt starts any more, then the client shuts down.
        deliverer.stop()
        try await client.shutdown()
        let result = await delivery.value
        recorder.flush()
        await receiver.shutdown()

        #expect(log.all.map(\.path) == ["/oauth/token"])
        #expect(result.status == .stopped)
        #expect(result.attempts.isEmpty)
        #expect(try store.delivery(id: request.deliveryID)?.status == .sending)
        #expect(try store.attemptCount() == 0)
    }

    /// A token endpoint refusing the client (`invalid_client`) will refuse it again: the
    /// delivery fails at once, and nothing is sent to the endpoint.
    @Test func oauth2InvalidClientFromTheTokenEndpointFailsTheDeliveryAtOnce() async throws {
        let log = RequestLog()
        let receiver = try await Receiver.start(
            script: try script(
                #"{path: /oauth/token, method: POST, response: {status: 401, body: '{"error":"invalid_client"}'}}"#,
                "{path: /hook, response: {status: 200}}")
        ) { log.append($0) }
        let clock = SteppedClock()
        let (result, store) = try await deliverInOutbox(
            makeRequest(receiver.baseURL + "/hook"), options: oauth2Options(tokenURL: receiver.baseURL + "/oauth/token"),
            clock: clock)
        await receiver.shutdown()

        #expect(result.status == .failed("oauth2: token endpoint answered 401"))
        #expect(result.attempts.map(\.outcome.errorClass) == ["oauth2_error"])
        #expect(clock.waits.isEmpty, "waited \(clock.waits) s")
        #expect(log.all.map(\.path) == ["/oauth/token"])
        let deliveryID = try #require(result.last?.deliveryID)
        #expect(try store.delivery(id: deliveryID)?.status == .failed)
    }

    /// A token endpoint that is gone (410) fails the delivery and pauses the webhook's endpoint,
    /// as a 410 from the endpoint itself does: the next deliveries are held, not failed one by one.
    @Test func oauth2AGoneTokenEndpointPausesTheEndpointAndHoldsTheNextDelivery() async throws {
        let log = RequestLog()
        let receiver = try await Receiver.start(
            script: try script("{path: /oauth/token, method: POST, response: {status: 410}}", "{path: /hook, response: {status: 200}}")
        ) { log.append($0) }
        var options = oauth2Options(tokenURL: receiver.baseURL + "/oauth/token")
        options.endpoint = "crm"
        let (first, second, paused) = try await DeliveryClient.withClient(
            networkPolicy: NetworkPolicy(allowlist: ["127.0.0.1/32"])
        ) { client in
            let deliverer = Deliverer(client: client, recorder: nil, clock: SteppedClock())
            let first = await deliverer.deliver(makeRequest(receiver.baseURL + "/hook"), origin: .init(webhookID: "crm"), options: options)
            let second = await deliverer.deliver(makeRequest(receiver.baseURL + "/hook"), origin: .init(webhookID: "crm"), options: options)
            return (first, second, deliverer.isPaused(endpoint: "crm"))
        }
        await receiver.shutdown()

        #expect(first.attempts.map(\.outcome.errorClass) == ["oauth2_error"])
        #expect(paused, "the endpoint is paused")
        guard case .held = second.status else {
            Issue.record("the next delivery is \(second.status), not held")
            return
        }
        #expect(second.attempts.isEmpty)
        #expect(log.all.map(\.path) == ["/oauth/token"], "one token request, nothing sent to the endpoint")
    }

    /// Concurrent deliveries of one grant wait for one token request, and the 401s they all get
    /// for that token cause one refresh, not one each: a token endpoint that keeps only its
    /// latest token valid would otherwise have all but the last delivery rejected.
    @Test func oauth2ConcurrentDeliveriesShareOneTokenRequestAndOneRefresh() async throws {
        let count = 16
        let log = RequestLog()
        // Each delivery has a path of its own, answered 401 then 200 whatever the others' order.
        let hooks = (0..<count).map { "{path: /hook/\($0), responses: [{status: 401}, {status: 200}]}" }
        let rules = [Self.tokenRule(tokens: ["tok_1", "tok_2", "tok_3"])] + hooks
        let receiver = try await Receiver.start(
            script: try ReceiverScript.parse(yaml: "rules: [\(rules.joined(separator: ", "))]")) { log.append($0) }
        let options = oauth2Options(tokenURL: receiver.baseURL + "/oauth/token")
        let results = try await DeliveryClient.withClient(networkPolicy: NetworkPolicy(allowlist: ["127.0.0.1/32"])) { client in
            let deliverer = Deliverer(client: client, recorder: nil, clock: SteppedClock())
            return await withTaskGroup(of: Deliverer.Result.self) { group in
                for index in 0..<count {
                    group.addTask {
                        await deliverer.deliver(
                            makeRequest(receiver.baseURL + "/hook/\(index)"), origin: .init(webhookID: "oauth"), options: options)
                    }
                }
                return await group.reduce(into: []) { $0.append($1) }
            }
        }
        await receiver.shutdown()

        #expect(results.count == count)
        #expect(results.allSatisfy { $0.status == .succeeded })
        #expect(results.allSatisfy { $0.attempts.compactMap(\.status) == [401, 200] })
        #expect(log.all.filter { $0.path == "/oauth/token" }.count == 2)
        let bearers = log.all.filter { $0.path.hasPrefix("/hook/") }.compactMap { $0.header("Authorization") }
        #expect(bearers.filter { $0 == "Bearer tok_1" }.count == count)
        #expect(bearers.filter { $0 == "Bearer tok_2" }.count == count)
    }

    // MARK: - Helpers

    /// Options of a delivery authorized by a token from `tokenURL`.
    private func oauth2Options(tokenURL: String) -> Deliverer.Options {
        Deliverer.Options(
            oauth2: .init(tokenURL: tokenURL, clientID: "hookline-client", clientSecret: Self.clientSecret, scope: nil))
    }

    /// Delivers `request` from an outbox row of an in-memory store, which its attempts settle.
    private func deliverInOutbox(
        _ request: PreparedRequest, options: Deliverer.Options, clock: any EngineClock
    ) async throws -> (Deliverer.Result, SQLiteStateStore) {
        let store = try storeWithOutboxRow(for: request)
        let recorder = AttemptRecorder(store: store, feed: TrafficFeed())
        var options = options
        options.inOutbox = true
        let result = try await DeliveryClient.withClient(networkPolicy: NetworkPolicy(allowlist: ["127.0.0.1/32"])) { client in
            await Deliverer(client: client, recorder: recorder, clock: clock)
                .deliver(request, origin: .init(webhookID: "oauth"), options: options)
        }
        recorder.flush()
        return (result, store)
    }

    /// An in-memory store holding `request`'s outbox row, which its attempts settle.
    private func storeWithOutboxRow(for request: PreparedRequest) throws -> SQLiteStateStore {
        let store = try SQLiteStateStore()
        try store.enqueueDeliveries(
            [
                OutboxDelivery(
                    id: request.deliveryID, kind: .step, webhookID: "oauth", snapshot: DeliverySnapshot(now: Date()),
                    status: .sending, nextAttemptAt: Date())
            ], journeys: [])
        return store
    }

    /// A token endpoint answering each token in turn, the last one for ever.
    static func tokenRule(tokens: [String]) -> String {
        let responses = tokens.map {
            #"{status: 200, headers: {Content-Type: application/json}, body: '{"access_token":"\#($0)","expires_in":3600}'}"#
        }
        return "{path: /oauth/token, method: POST, responses: [\(responses.joined(separator: ", "))]}"
    }

    private func deliver(_ webhook: Webhook, secrets: [String: String]) async throws -> Deliverer.Result {
        let context = TemplateContext(profile: JSONObject([("email", .string("ada@example.com"))]), secrets: secrets)
        let builder = RequestBuilder()
        let request = try builder.build(webhook, context: context, secrets: secrets, deliveryID: DeliveryID.make())
        let options = try builder.deliveryOptions(for: webhook, context: context, secrets: [:])
        return try await DeliveryClient.withClient(networkPolicy: NetworkPolicy(allowlist: ["127.0.0.1/32"])) { client in
            await Deliverer(client: client, recorder: nil, clock: ScaledClock(scale: 1000))
                .deliver(request, origin: .init(webhookID: webhook.id), options: options)
        }
    }

    /// `count` deliveries, one after the other, by one deliverer of an OAuth2 webhook aimed at `receiver`.
    private func deliverOAuth2(
        count: Int, to receiver: Receiver, clock: any EngineClock = ScaledClock(scale: 1000)
    ) async throws -> [Deliverer.Result] {
        let secrets = ["client_secret": Self.clientSecret]
        let webhook = Webhook(
            id: "oauth", url: receiver.baseURL + "/hook",
            auth: .oauth2ClientCredentials(
                tokenURL: receiver.baseURL + "/oauth/token", clientID: "hookline-client",
                clientSecret: "{{secret.client_secret}}", scope: nil),
            body: .json(template: #"{"a": 1}"#))
        let context = TemplateContext(profile: JSONObject([("email", .string("ada@example.com"))]), secrets: secrets)
        let builder = RequestBuilder()
        let options = try builder.deliveryOptions(for: webhook, context: context, secrets: [:])
        return try await DeliveryClient.withClient(networkPolicy: NetworkPolicy(allowlist: ["127.0.0.1/32"])) { client in
            let deliverer = Deliverer(client: client, recorder: nil, clock: clock)
            var results: [Deliverer.Result] = []
            for _ in 0..<count {
                let request = try builder.build(webhook, context: context, secrets: secrets, deliveryID: DeliveryID.make())
                results.append(await deliverer.deliver(request, origin: .init(webhookID: webhook.id), options: options))
            }
            return results
        }
    }

    private func expectNoCredentials(in results: [Deliverer.Result], sourceLocation: Testing.SourceLocation = #_sourceLocation) {
        let stored = String(describing: results.flatMap(\.attempts))
        for secret in ["tok_1", "tok_2", "tok_3", Self.clientSecret] {
            #expect(!stored.contains(secret), "the records hold \(secret)", sourceLocation: sourceLocation)
        }
    }
}

extension DeliveryAuthTests {
    /// A secret the webhook reads but the store lacks is not sent as an empty credential: the
    /// attempt fails at once, naming the secret and where to set it, and nothing goes on the wire.
    @Test func aSecretThatIsNotSetStopsTheRequestBeforeItIsSent() async throws {
        let webhook = Webhook(
            id: "basic", url: "http://127.0.0.1:9/hook", auth: .basic(username: "{{secret.user}}", password: "{{secret.pass}}"),
            body: .json(template: #"{"sig": "{{defaultIfEmpty secret.hmac_key 0}}"}"#))
        #expect(webhook.secretNames == ["user", "pass", "hmac_key"])
        // Only merge parameters name secrets: text that reads "secret." does not.
        let plain = Webhook(
            id: "files", url: "http://127.0.0.1:9/files/secret.pdf", headers: [HeaderTemplate(name: "X-Id", value: "{{account.secret.id}}")],
            body: .raw(template: "top secret.docs", contentType: "text/plain"))
        #expect(plain.secretNames == [])
        #expect(throws: Never.self) {
            try RequestBuilder().build(plain, context: TemplateContext(profile: JSONObject()), secrets: [:], deliveryID: DeliveryID.make())
        }
        let context = TemplateContext(profile: JSONObject([("email", .string("ada@example.com"))]))
        #expect {
            try RequestBuilder().build(webhook, context: context, secrets: ["user": "u"], deliveryID: DeliveryID.make())
        } throws: { error in
            "\(error)" == "auth.password: secret 'pass' not set: add it to .hookline/secrets.yaml (a running studio or serve reads it again when it changes) or set HOOKLINE_SECRET_pass before hookline starts"
        }

        let log = RequestLog()
        let receiver = try await Receiver.start { log.append($0) }
        let engine = try Engine(
            workspace: EngineFixtures.workspace(baseURL: receiver.baseURL), secrets: [:], configuration: .init(timeScale: 1_000_000))
        try engine.store.saveUsers(EngineFixtures.users)
        try engine.executor.start(workflowID: "welcome", emails: ["ada@example.com"])
        await engine.executor.waitUntilIdle()
        let letter = try #require(try engine.store.recentAttempts(limit: 10).first { $0.nodeID == "direct-mail" })
        await engine.shutdown()
        await receiver.shutdown()
        #expect(letter.outcome.errorClass == "invalid_request")
        guard case .failed(_, let message) = letter.outcome else { return }
        #expect(message == "auth.username: secret 'lob_key' not set: add it to .hookline/secrets.yaml (a running studio or serve reads it again when it changes) or set HOOKLINE_SECRET_lob_key before hookline starts")
        #expect(!log.all.contains { $0.path == "/v1/letters" })
    }

    /// A request that could not be rendered is stored with the URL as written: a literal
    /// credential in its query is hidden there as in any attempt.
    @Test func aRequestThatCouldNotBeRenderedIsStoredWithItsCredentialQueryMasked() async throws {
        let engine = try Engine(
            workspace: EngineFixtures.workspace(baseURL: "http://127.0.0.1:9", letterPath: "/v1/letters?api_key=lit_key_9"),
            secrets: [:], configuration: .init(timeScale: 1_000_000))
        try engine.store.saveUsers(EngineFixtures.users)
        try engine.executor.start(workflowID: "welcome", emails: ["ada@example.com"])
        await engine.executor.waitUntilIdle()
        let letter = try #require(try engine.store.recentAttempts(limit: 10).first { $0.nodeID == "direct-mail" })
        await engine.shutdown()
        #expect(letter.outcome.errorClass == "invalid_request")
        #expect(letter.url == "http://127.0.0.1:9/v1/letters?api_key=\(SecretMasker.mask)")
    }

    /// A password written in the url (`http://ada:pw@host/`) is refused by every send; the attempt
    /// that says so was stored, and exported, with the password in clear unless it was a known
    /// secret. It is masked as `ada:••••••@` there, in the preview and in the error.
    @Test func aPasswordInTheURLIsMaskedInTheStoredAttemptItsExportsAndThePreview() async throws {
        let password = "pw-4f9d2c"
        let workspace = EngineFixtures.workspace(baseURL: "http://ada:\(password)@127.0.0.1:9")
        let engine = try Engine(
            workspace: workspace, secrets: ["lob_key": "lob_test_1234"], configuration: .init(timeScale: 1_000_000))
        try engine.store.saveUsers(EngineFixtures.users)
        try engine.executor.start(workflowID: "welcome", emails: ["ada@example.com"])
        await engine.executor.waitUntilIdle()
        let letter = try #require(try engine.store.recentAttempts(limit: 10).first { $0.nodeID == "direct-mail" })
        await engine.shutdown()
        #expect(letter.outcome.errorClass == PolicyViolation.label)
        #expect(letter.url == "http://ada:\(SecretMasker.mask)@127.0.0.1:9/v1/letters")

        let stored = try #require(PreparedRequest(sentIn: letter))
        let webhook = try #require(workspace.webhooks.first { $0.id == "lob-letter" })
        let preview = try RequestBuilder().build(
            webhook, context: TemplateContext(profile: EngineFixtures.users[0]), secrets: ["lob_key": "lob_test_1234"],
            deliveryID: DeliveryID.make()
        ).masked
        #expect(preview.url == letter.url)
        let har = AttemptHAR.document(for: [letter], creatorVersion: "test", reasonPhrase: { _ in "OK" })
        let copies = [
            AttemptJSON.jsonLine(letter), har.jsonText, stored.curlCommand, stored.jsonValue.jsonText, "\(letter.outcome)",
            preview.curlCommand, preview.jsonValue.jsonText, preview.httpText,
        ]
        for copy in copies {
            #expect(!copy.contains(password), "\(copy)")
        }
    }
}
