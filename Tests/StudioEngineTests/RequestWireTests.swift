import Foundation
import StudioEngine
import StudioModel
import Testing

/// What a webhook's rendered request puts on the wire (delivery.md §5.2), read byte for byte by a
/// raw server on 127.0.0.1: the request line, the headers the client owns and those a webhook
/// may replace, the size caps, and what the stored record says about them.
struct RequestWireTests {
    private static let ok = Array("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n".utf8)
    private static let eve: JSONObject = ["email": "eve@example.com", "firstName": "Eve"]

    private struct Sent {
        var record: AttemptRecord?
        var failure: Executor.TestSendError?
        var port: Int
        /// Every byte the server read.
        var wire: String
        /// The request head's lines, when something arrived.
        var lines: [String] { wire.components(separatedBy: "\r\n\r\n").first?.components(separatedBy: "\r\n") ?? [] }
    }

    /// One test send (the path `send`, `preview` and the studio's `t` share with journeys: the
    /// request builder, then the delivery client) of `webhook` for a user with `profile`.
    private func send(
        _ webhook: (String) -> Webhook, profile: JSONObject = eve, secrets: [String: String] = [:],
        answer: [UInt8] = ok
    ) async throws -> Sent {
        let server = try await RawAnswerServer.start(answer: answer, keepOpen: true)
        let hook = webhook(server.baseURL)
        let engine = try Engine(
            workspace: Workspace(settings: WorkspaceSettings(name: "t", networkAllowlist: ["127.0.0.1/32"]), webhooks: [hook]),
            secrets: secrets, configuration: .init())
        try engine.store.saveUsers([profile])
        var sent = Sent(port: server.port, wire: "")
        do {
            sent.record = try await engine.executor.testSend(webhookID: hook.id, email: profile["email"]?.stringValue)
        } catch {
            sent.failure = error
        }
        engine.recorder.flush()
        await engine.shutdown()
        try await server.shutdown()
        sent.wire = server.received
        return sent
    }

    private func failedPart(_ sent: Sent) -> String? {
        guard case .invalidRequest(_, let error) = sent.failure else { return nil }
        return error.part
    }

    // MARK: - The request line (F1)

    /// A `{{{x}}}` is not encoded, so a profile value with CR/LF once ended the request line and
    /// smuggled a second request with its own Authorization. Nothing is sent now.
    @Test(arguments: ["/crm/{{{firstName}}}", "/crm?name={{& firstName}}"])
    func aLineBreakFromARawMergeSendsNothing(path: String) async throws {
        let smuggler: JSONObject = [
            "email": "eve@example.com",
            "firstName": "a HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\n\r\nGET /smuggled-admin HTTP/1.1\r\nAuthorization: Bearer attacker",
        ]
        let sent = try await send({ Webhook(id: "lookup", url: $0 + path) }, profile: smuggler)
        #expect(failedPart(sent) == "url")
        #expect(sent.failure?.description.contains("control character") == true, "\(String(describing: sent.failure))")
        #expect(sent.wire.isEmpty, "\(sent.wire)")
    }

    /// A space, a non-ASCII letter or `<` written in the URL or merged raw is percent-encoded
    /// (UTF-8), as browsers and curl send them; a valid `%XX` is left alone, a lone `%` encoded.
    @Test func whatARequestTargetMayNotHoldIsPercentEncoded() async throws {
        let profile: JSONObject = ["email": "eve@example.com", "firstName": "Zoë ☃", "q": "a<b>|c"]
        let sent = try await send(
            { Webhook(id: "lookup", url: $0 + "/café/{{{firstName}}}/x?r=a b&q={{{q}}}&pct=50%&ok=%41#frag") },
            profile: profile)
        let target = "/caf%C3%A9/Zo%C3%AB%20%E2%98%83/x?r=a%20b&q=a%3Cb%3E%7Cc&pct=50%25&ok=%41"
        #expect(sent.lines.first == "POST \(target) HTTP/1.1")
        // What is stored and shown is what was sent: the fragment never is.
        #expect(sent.record?.url.hasSuffix(target) == true, "\(String(describing: sent.record?.url))")
    }

    /// nginx and Apache refuse a request line over 8 KiB; such a URL is refused before sending.
    @Test func aURLOver8KiBIsRefusedBeforeSending() async throws {
        let profile: JSONObject = ["email": "eve@example.com", "note": .string(String(repeating: "n", count: 9000))]
        let sent = try await send({ Webhook(id: "lookup", url: $0 + "/p/{{note}}") }, profile: profile)
        #expect(failedPart(sent) == "url")
        #expect(sent.failure?.description.contains("the limit is 8 KiB") == true)
        #expect(sent.wire.isEmpty)
    }

    /// delivery.md §8.4: a URL that does not parse is a request that cannot be made, not a policy refusal.
    @Test func aMalformedURLIsAnInvalidRequest() async throws {
        let record = try await DeliveryClient.withClient(networkPolicy: NetworkPolicy(allowlist: ["127.0.0.1/32"])) { client in
            await client.send(makeRequest("http://127.0.0.1:18080:80/a"), origin: .init())
        }
        #expect(record.outcome.errorClass == "invalid_request", "\(record.outcome)")
    }

    // MARK: - Headers (F2, F5, F8)

    /// RFC 9112 §3.2: `Host` is the first field line. A configured `Content-Type`, `User-Agent`
    /// and `Authorization` replace Hookline's own, once each (RFC 9110 §5.3: singleton fields).
    @Test func hostComesFirstAndAConfiguredDefaultHeaderReplacesHooklines() async throws {
        let sent = try await send { base in
            Webhook(
                id: "crm", url: base + "/in", auth: .bearer(token: "Tok-12345678"),
                headers: [
                    HeaderTemplate(name: "content-type", value: "application/vnd.api+json"),
                    HeaderTemplate(name: "Authorization", value: "Token other-credential"),
                    HeaderTemplate(name: "User-Agent", value: "partner/1"),
                ],
                body: .json(template: #"{"a": 1}"#))
        }
        #expect(sent.lines.dropFirst().first == "Host: 127.0.0.1:\(sent.port)", "\(sent.lines)")
        let names = sent.lines.dropFirst().compactMap { $0.split(separator: ":").first?.lowercased() }
        for name in ["host", "content-type", "authorization", "user-agent", "webhook-id", "idempotency-key", "content-length"] {
            #expect(names.filter { $0 == name }.count == 1, "\(name) in \(sent.lines)")
        }
        #expect(sent.lines.contains("content-type: application/vnd.api+json"))
        #expect(sent.lines.contains("Authorization: Token other-credential"))
        #expect(sent.lines.contains("User-Agent: partner/1"))
    }

    /// delivery.md §5.2: the client's framing and routing headers and the Standard Webhooks ones
    /// cannot come from a webhook (nor from profile data through one); nothing is sent.
    @Test(arguments: ["Host", "webhook-id", "Content-Length", "Transfer-Encoding", "Connection", "Upgrade", "Proxy-Authorization"])
    func aReservedHeaderIsRefusedBeforeSending(name: String) async throws {
        let sent = try await send { base in
            Webhook(id: "crm", url: base + "/in", headers: [HeaderTemplate(name: name, value: "{{firstName}}.internal")])
        }
        #expect(failedPart(sent) == "headers.\(name)")
        #expect(sent.wire.isEmpty)
    }

    /// A header field over 8 KiB (nginx: 400, Apache: `LimitRequestFieldSize` 8,190) and a line
    /// break merged into a header are refused before sending, naming the header, not the value.
    @Test func anOversizedOrBrokenHeaderIsRefusedBeforeSending() async throws {
        let profile: JSONObject = [
            "email": "eve@example.com", "note": .string(String(repeating: "n", count: 9000)), "evil": "a\r\nX-Evil: 1",
        ]
        for (template, message) in [("{{note}}", "the limit is 8 KiB"), ("{{{evil}}}", "CR, LF or NUL")] {
            let sent = try await send(
                { Webhook(id: "crm", url: $0 + "/in", headers: [HeaderTemplate(name: "X-Note", value: template)]) },
                profile: profile)
            #expect(failedPart(sent) == "headers.X-Note")
            #expect(sent.failure?.description.contains(message) == true, "\(String(describing: sent.failure))")
            #expect(sent.failure?.description.contains("X-Evil") == false)
            #expect(sent.wire.isEmpty)
        }
    }

    /// A masked body is shorter or longer than the one sent; the record, its HTTP text and its
    /// HAR entry say the sent length.
    @Test func theStoredContentLengthIsTheSentBodysLength() async throws {
        let secret = "SecretsFileValue123"
        let sent = try await send(
            { Webhook(id: "crm", url: $0 + "/in", body: .json(template: #"{"k": "{{secret.k}}"}"#)) }, secrets: ["k": secret])
        let body = #"{"k": "\#(secret)"}"#
        #expect(sent.lines.contains("Content-Length: \(body.utf8.count)"))
        let record = try #require(sent.record)
        #expect(!record.requestBody.contains(secret))
        #expect(PreparedRequest(sentIn: record)?.httpText.contains("\r\nContent-Length: \(body.utf8.count)\r\n") == true)
        let har = AttemptHAR.document(for: [record], creatorVersion: "test", reasonPhrase: { _ in "OK" })
        #expect(har["log"]?["entries"]?.arrayValue?.first?["request"]?["bodySize"] == .int(body.utf8.count))
    }

    // MARK: - Masking (F3)

    /// README: a request's Basic credentials are masked as a receiver echoing them writes them
    /// back, literal ones (no secret store holds them) as much as `{{secret.…}}` ones.
    @Test func literalBasicCredentialsEchoedBackAreMasked() async throws {
        let echo = "user LitBasicUser77 pw LitBasicPw123 pair LitBasicUser77:LitBasicPw123"
        let answer = Array("HTTP/1.1 401 Unauthorized\r\nContent-Length: \(echo.utf8.count)\r\n\r\n\(echo)".utf8)
        let sent = try await send(
            { Webhook(id: "basic", url: $0 + "/in", auth: .basic(username: "LitBasicUser77", password: "LitBasicPw123")) },
            answer: answer)
        let record = try #require(sent.record)
        #expect(record.status == 401, "\(record.outcome)")
        #expect(!record.responseBody.contains("LitBasicUser77"), "\(record.responseBody)")
        #expect(!record.responseBody.contains("LitBasicPw123"), "\(record.responseBody)")
    }
}
