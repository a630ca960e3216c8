#if canImport(Glibc)
import Glibc
#endif
import Foundation
import StudioModel
import Synchronization
import Testing

/// `hookline preview` and `hookline send`, run as the built binary against a temporary workspace.
@Suite(.serialized)
struct PreviewSendCommandTests {
    static let apiKey = "key_live_5e4d3c2b1a"
    static let signingSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
    static let clientSecret = "cs_7Hq2Lm9Xv4"
    static let body = #"{"name": "Ada", "email": "ada@example.com"}"#

    @Test func previewPrintsTheExactRequestAsHTTPWithSecretsMasked() async throws {
        let workspace = try await CLIWorkspace.make(port: 9)
        defer { workspace.remove() }
        let result = try await workspace.hookline("preview", "letter", "--user", "ada@example.com", "--format", "http")

        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.stdout.components(separatedBy: "\r\n")
        #expect(lines.first == "POST /v1/letters HTTP/1.1")
        #expect(lines.contains("Host: 127.0.0.1:9"))
        #expect(lines.contains("Authorization: Basic ••••••"))
        #expect(lines.contains("Content-Type: application/json"))
        #expect(lines.contains("Content-Length: \(Self.body.utf8.count)"))
        let id = try #require(lines.first { $0.hasPrefix("webhook-id: msg_") }).dropFirst("webhook-id: ".count)
        #expect(lines.contains("Idempotency-Key: \(id)"))
        #expect(lines.contains { $0.hasPrefix("webhook-signature: v1,") })
        // Byte-exact: what follows the head is the body Content-Length counts, nothing more.
        #expect(result.stdout.hasSuffix("\r\n\r\n" + Self.body))
        expectNoSecrets(in: result.stdout)
    }

    /// Users are stored lowercase, as Iterable stores them, so `--user` finds one in any case.
    @Test func previewFindsTheUserWhateverTheCaseGiven() async throws {
        let workspace = try await CLIWorkspace.make(port: 9)
        defer { workspace.remove() }
        let result = try await workspace.hookline("preview", "letter", "--user", "Ada@Example.COM", "--format", "json")

        #expect(result.status == 0, "\(result.stderr)")
        #expect(try JSONValue.parse(result.stdout)["body"] == .string(Self.body))
    }

    /// A header or body that reads `{{workflowName}}` rendered empty in a preview, so it was not
    /// the request a journey sends; `--workflow` renders it as that workflow's step.
    @Test func previewAsAWorkflowStepFillsTheJourneysFields() async throws {
        let workspace = try await CLIWorkspace.make(port: 9)
        defer { workspace.remove() }
        let letter = workspace.root.appendingPathComponent("webhooks/letter.yaml")
        let text = try String(contentsOf: letter, encoding: .utf8)
        try workspace.write("webhooks/letter.yaml", text + "headers: {X-Campaign: \"{{workflowName}}/{{nodeId}}/{{eventName}}\"}\n")

        let alone = try await workspace.hookline("preview", "letter", "--user", "ada@example.com")
        #expect(alone.stdout.contains("X-Campaign: //\r\n"), "\(alone.stdout)")
        let asStep = try await workspace.hookline("preview", "letter", "--user", "ada@example.com", "--workflow", "welcome")
        #expect(asStep.status == 0, "\(asStep.stderr)")
        #expect(asStep.stdout.contains("X-Campaign: Welcome/call/signup\r\n"), "\(asStep.stdout)")

        let wrongStep = try await workspace.hookline("preview", "letter", "--user", "ada@example.com", "--workflow", "welcome", "--step", "nope")
        #expect(wrongStep.status == 64)
        #expect(wrongStep.stderr == "error: workflow 'welcome' has no step 'nope' that calls webhook 'letter'; the steps that call it: call\n", "\(wrongStep.stderr)")
        let noWorkflow = try await workspace.hookline("preview", "letter", "--user", "ada@example.com", "--step", "call")
        #expect(noWorkflow.status == 64)
        #expect(noWorkflow.stderr.contains("--step needs --workflow"), "\(noWorkflow.stderr)")
    }

    @Test func previewWithRevealSecretsShowsTheCredentials() async throws {
        let workspace = try await CLIWorkspace.make(port: 9)
        defer { workspace.remove() }
        let result = try await workspace.hookline("preview", "letter", "--user", "ada@example.com", "--reveal-secrets")

        #expect(result.status == 0, "\(result.stderr)")
        let basic = Data("\(Self.apiKey):".utf8).base64EncodedString()
        #expect(result.stdout.contains("\r\nAuthorization: Basic \(basic)\r\n"))
    }

    @Test func previewAsCurlQuotesTheMaskedRequestForAShell() async throws {
        let workspace = try await CLIWorkspace.make(port: 9)
        defer { workspace.remove() }
        let result = try await workspace.hookline("preview", "letter", "--user", "ada@example.com", "--format", "curl")

        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.hasPrefix("curl --globoff -X POST 'http://127.0.0.1:9/v1/letters' -H 'User-Agent: Hookline/"))
        #expect(result.stdout.contains(" -H 'Authorization: Basic ••••••' "))
        #expect(result.stdout.hasSuffix(" --data-raw '\(Self.body)'\n"))
        expectNoSecrets(in: result.stdout)
    }

    @Test func previewAsJSONHoldsTheExactBodyAndMaskedHeaders() async throws {
        let workspace = try await CLIWorkspace.make(port: 9)
        defer { workspace.remove() }
        let result = try await workspace.hookline("preview", "letter", "--user", "ada@example.com", "--format", "json")

        #expect(result.status == 0, "\(result.stderr)")
        let json = try JSONValue.parse(result.stdout)
        #expect(json["method"]?.stringValue == "POST")
        #expect(json["url"]?.stringValue == "http://127.0.0.1:9/v1/letters")
        #expect(json["body"]?.stringValue == Self.body)
        let headers = json["headers"]?.arrayValue?.compactMap { pair -> [String]? in
            pair.arrayValue?.compactMap(\.stringValue)
        } ?? []
        #expect(headers.contains(["Authorization", "Basic ••••••"]))
        #expect(headers.contains { $0.first == "webhook-id" && $0.last == json["deliveryId"]?.stringValue })
        expectNoSecrets(in: result.stdout)
    }

    @Test func aRefusedTestSendSaysWhatToDo() async throws {
        let server = try LoopbackServer(status: 422, body: #"{"error":"bad zip"}"#).start()
        defer { server.close() }
        let workspace = try await CLIWorkspace.make(port: server.port)
        defer { workspace.remove() }
        let result = try await workspace.hookline("send", "letter", "--user", "ada@example.com")

        #expect(result.status == 1)
        #expect(result.stdout.contains("HTTP/1.1 422 Unprocessable Entity"))
        #expect(result.stdout.contains("hint: the endpoint refused the request and it is not retried"))
        #expect(result.stdout.contains("then send again"))
        #expect(!result.stdout.contains("replay"))
    }

    /// An answer coded with gzip (which Hookline does not ask for) was printed as 64 KiB of base64
    /// of the coded bytes: it is shown decoded, as the HAR export gives it.
    @Test func aTestSendShowsAGzipCodedAnswerDecoded() async throws {
        let coded = "H4sIAAAAAAACA6tWys9WsiopKk3VUcrLL0lVslLKSM3JyVegP6lUCwAedPx7jQAAAA=="
        let workspace = try await LiveWorkspace.make(script: """
            rules:
              - path: /v1/letters
                response:
                  headers: {Content-Type: application/json, Content-Encoding: gzip}
                  bodyBase64: \(coded)

            """)
        defer { workspace.remove() }
        let users = try workspace.write("users.csv", "email,plan\nada@example.com,pro\n")
        #expect(try await workspace.hookline("users", "import", users.path).status == 0)
        let result = try await workspace.hookline("send", "letter", "--user", "ada@example.com")

        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        let text = #"{"ok":true,"note":""# + String(repeating: "hello ", count: 20) + #""}"#
        #expect(result.stdout.contains("Content-Encoding: gzip"), "\(result.stdout)")
        #expect(result.stdout.contains("(decoded from its Content-Encoding: \(text.utf8.count) bytes)\n\(text)"), "\(result.stdout)")
        #expect(!result.stdout.contains(coded))
    }

    /// A receiver's answer reached the terminal raw: ESC[2J cleared the screen, an OSC retitled
    /// the window and a CR let it overwrite its own line with a forged `HTTP/1.1 200 OK`.
    @Test func aTestSendShowsTheAnswersControlCharactersInsteadOfObeyingThem() async throws {
        let server = try LoopbackServer(status: 500, body: "\u{1B}[2J\u{1B}]0;pwned\u{07}oops\rHTTP/1.1 200 OK\r\nline two").start()
        defer { server.close() }
        let workspace = try await CLIWorkspace.make(port: server.port)
        defer { workspace.remove() }
        let result = try await workspace.hookline("send", "letter", "--user", "ada@example.com")

        #expect(result.status == 1)
        #expect(result.stdout.contains("␛[2J␛]0;pwned·oops·HTTP/1.1 200 OK\r\nline two"), "\(result.stdout)")
        #expect(!result.stdout.unicodeScalars.contains { $0 == "\u{1B}" || $0 == "\u{07}" })
        #expect(result.stdout.contains("HTTP/1.1 500 "))
    }

    /// A url with a user name or password is refused by every send whatever network.allow says:
    /// preview, which prints the request, says so, and send's hint names the url, not the allowlist.
    @Test func previewWarnsOfCredentialsInTheURLAndSendsHintNamesThem() async throws {
        let workspace = try await CLIWorkspace.make(port: 9)
        defer { workspace.remove() }
        let letter = workspace.root.appendingPathComponent("webhooks/letter.yaml")
        let text = try String(contentsOf: letter, encoding: .utf8)
        try workspace.write("webhooks/letter.yaml", text.replacingOccurrences(of: "//127.0.0.1:9/", with: "//u:p@127.0.0.1:9/"))

        let preview = try await workspace.hookline("preview", "letter", "--user", "ada@example.com")
        #expect(preview.status == 0, "\(preview.stderr)")
        #expect(
            preview.stderr.contains("warning: hookline send refuses this request: the URL contains a user name or password"),
            "\(preview.stderr)")
        let send = try await workspace.hookline("send", "letter", "--user", "ada@example.com")
        #expect(send.status == 1)
        #expect(send.stdout.contains("hint: the url holds a user name or password, which is never sent"), "\(send.stdout)")
        #expect(!send.stdout.contains("add it to network.allow"))
    }

    /// A url the network policy refuses printed as a clean request: preview warns as validate
    /// errs, for IP literals whatever network.allow says or as it says, and for ports past Int,
    /// which went to port 80. No name is looked up.
    @Test(arguments: [
        ("http://169.254.169.254/v1/letters", "169.254.169.254 is a cloud metadata address and can never be allowed"),
        ("http://0.0.0.0/v1/letters", "0.0.0.0 is the unspecified address and can never be allowed"),
        ("http://[fe80::1]/v1/letters", "fe80::1 is a link-local address and can never be allowed"),
        ("http://10.0.0.5/v1/letters", "10.0.0.5 is a private address; an admin can allow 10.0.0.0/8 in hookline.yaml network.allow"),
        (
            "http://[64:ff9b::127.0.0.1]:9/v1/letters",
            "64:ff9b::7f00:1 is a NAT64 address: it carries 127.0.0.1, but the connection goes to 64:ff9b::7f00:1, "
                + "not to 127.0.0.1; an admin can allow 64:ff9b::/96 in hookline.yaml network.allow"
        ),
        ("http://127.0.0.1:18446744073709551625/v1/letters", "the URL has an invalid port"),
    ])
    func previewWarnsOfWhatTheNetworkPolicyRefusesAsValidateDoes(url: String, message: String) async throws {
        let workspace = try await CLIWorkspace.make(port: 9)
        defer { workspace.remove() }
        let letter = workspace.root.appendingPathComponent("webhooks/letter.yaml")
        let text = try String(contentsOf: letter, encoding: .utf8)
        try workspace.write("webhooks/letter.yaml", text.replacingOccurrences(of: "http://127.0.0.1:9/v1/letters", with: url))

        let preview = try await workspace.hookline("preview", "letter", "--user", "ada@example.com")
        #expect(preview.status == 0, "\(preview.stderr)")
        #expect(preview.stderr == "warning: hookline send refuses this request: \(message)\n", "\(preview.stderr)")
        let validate = try await workspace.hookline("validate")
        #expect(validate.status == 65)
        let reported = validate.stdout + validate.stderr
        #expect(reported.contains("webhooks/letter.yaml:3:6: error: \(message)\n"), "\(reported)")
        let send = try await workspace.hookline("send", "letter", "--user", "ada@example.com")
        #expect(send.status == 1)
        #expect(send.stdout.contains("no response: "), "\(send.stdout)")
        #expect(send.stdout.contains(": \(message)\n"), "\(send.stdout)")
    }

    /// preview is byte-exact: its `Host` was the url's spelling (`%31%32%37.0.0.1:00PORT`) while
    /// send put `127.0.0.1:PORT` on the wire. Both now come from one function.
    @Test func previewShowsTheHostSendPutsOnTheWire() async throws {
        let server = try LoopbackServer(status: 201, body: "{}").start()
        defer { server.close() }
        let workspace = try await CLIWorkspace.make(port: server.port)
        defer { workspace.remove() }
        let letter = workspace.root.appendingPathComponent("webhooks/letter.yaml")
        let text = try String(contentsOf: letter, encoding: .utf8)
        try workspace.write(
            "webhooks/letter.yaml",
            text.replacingOccurrences(of: "//127.0.0.1:\(server.port)/", with: "//%31%32%37.0.0.1:00\(server.port)/"))

        let preview = try await workspace.hookline("preview", "letter", "--user", "ada@example.com")
        let send = try await workspace.hookline("send", "letter", "--user", "ada@example.com")

        #expect(preview.status == 0, "\(preview.stderr)")
        #expect(preview.stderr.isEmpty, "\(preview.stderr)")
        #expect(send.status == 0, "\(send.stdout)")
        let wire = try #require(server.requests.first)
        let host = wire.components(separatedBy: "\r\n").first { $0.lowercased().hasPrefix("host:") }
        #expect(host == "Host: 127.0.0.1:\(server.port)")
        #expect(preview.stdout.components(separatedBy: "\r\n").contains("Host: 127.0.0.1:\(server.port)"), "\(preview.stdout)")
        #expect(send.stdout.components(separatedBy: "\r\n").contains("Host: 127.0.0.1:\(server.port)"), "\(send.stdout)")
    }

    /// A password written in the url was printed in clear wherever the url is: a preview as curl
    /// or JSON, the attempt send stores, and its export by `logs`. Each says `u:••••••@`.
    @Test func aPasswordInTheURLIsMaskedInThePreviewTheSendAndTheLogs() async throws {
        let password = "pw-4f9d2c"
        let workspace = try await CLIWorkspace.make(port: 9)
        defer { workspace.remove() }
        let letter = workspace.root.appendingPathComponent("webhooks/letter.yaml")
        let text = try String(contentsOf: letter, encoding: .utf8)
        try workspace.write(
            "webhooks/letter.yaml", text.replacingOccurrences(of: "//127.0.0.1:9/", with: "//u:\(password)@127.0.0.1:9/"))

        let curl = try await workspace.hookline("preview", "letter", "--user", "ada@example.com", "--format", "curl")
        #expect(curl.stdout.contains(" 'http://u:••••••@127.0.0.1:9/v1/letters' "), "\(curl.stdout)")
        let json = try await workspace.hookline("preview", "letter", "--user", "ada@example.com", "--format", "json")
        #expect(try JSONValue.parse(json.stdout)["url"]?.stringValue == "http://u:••••••@127.0.0.1:9/v1/letters")
        let send = try await workspace.hookline("send", "letter", "--user", "ada@example.com")
        #expect(send.status == 1)
        let logs = [
            try await workspace.hookline("logs"), try await workspace.hookline("logs", "--format", "har"),
            try await workspace.hookline("logs", "--format", "curl"),
        ]
        #expect(logs.allSatisfy { $0.status == 0 && $0.stdout.contains("u:••••••@127.0.0.1:9") }, "\(logs.map(\.stdout))")
        for result in [curl, json, send] + logs {
            #expect(!result.stdout.contains(password) && !result.stderr.contains(password), "\(result.stdout)\(result.stderr)")
        }
    }

    /// A secret the webhook reads but nobody set is placed where the template that reads it
    /// is, as `validate` places it, with the line and a caret: it was `webhooks/letter.yaml:
    /// error: …`, with no line or column. Nothing is sent.
    @Test(arguments: ["preview", "send"])
    func aSecretNotSetIsPlacedAtTheTemplateThatReadsIt(command: String) async throws {
        let server = try LoopbackServer(status: 201, body: "{}").start()
        defer { server.close() }
        let workspace = try await CLIWorkspace.make(port: server.port)
        defer { workspace.remove() }
        try workspace.writeSecrets(["s": Self.signingSecret, "c": Self.clientSecret])
        let result = try await workspace.hookline(command, "letter", "--user", "ada@example.com")

        #expect(result.status == 65)
        let lines = result.stderr.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(
            lines.first?.hasPrefix("webhooks/letter.yaml:4:31: error: auth.username: secret 'k' not set: add it to "
                + ".hookline/secrets.yaml") == true, "\(result.stderr)")
        #expect(lines.dropFirst().first == #"auth: {type: basic, username: "{{secret.k}}", password: ""}"#)
        #expect(lines.dropFirst(2).first == String(repeating: " ", count: 30) + "^")
        #expect(server.requests.isEmpty)
    }

    @Test func sendMakesOneRealAttemptAndPrintsTheResponse() async throws {
        let server = try LoopbackServer(status: 201, body: #"{"id":"ltr_42"}"#).start()
        defer { server.close() }
        let workspace = try await CLIWorkspace.make(port: server.port)
        defer { workspace.remove() }
        let result = try await workspace.hookline("send", "letter", "--user", "ada@example.com")

        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("HTTP/1.1 201 Created"))
        #expect(result.stdout.contains(#"{"id":"ltr_42"}"#))
        expectNoSecrets(in: result.stdout)

        let requests = server.requests
        #expect(requests.count == 1)
        let wire = try #require(requests.first)
        #expect(wire.hasPrefix("POST /v1/letters HTTP/1.1\r\n"))
        let basic = Data("\(Self.apiKey):".utf8).base64EncodedString()
        #expect(wire.lowercased().contains("\r\nauthorization: basic \(basic.lowercased())\r\n"))
        #expect(wire.hasSuffix("\r\n\r\n" + Self.body))
    }

    @Test func sendPrintsTheRequestAsItWentOutWithItsTimestampAndSignature() async throws {
        let server = try LoopbackServer(status: 201, body: "{}").start()
        defer { server.close() }
        let workspace = try await CLIWorkspace.make(port: server.port)
        defer { workspace.remove() }
        let result = try await workspace.hookline("send", "letter", "--user", "ada@example.com")

        #expect(result.status == 0, "\(result.stderr)")
        let wire = try #require(server.requests.first)
        for name in ["webhook-id", "webhook-timestamp", "webhook-signature"] {
            let line = try #require(wire.components(separatedBy: "\r\n").first { $0.lowercased().hasPrefix(name + ":") })
            #expect(result.stdout.contains(line + "\r\n"), "the printed request lacks the sent \(line)")
        }
    }

    @Test func previewOfAnOAuth2WebhookShowsTheAuthorizationAnAttemptAddsWithoutFetchingAToken() async throws {
        let server = try LoopbackServer(status: 200, body: #"{"access_token":"tok_never","expires_in":3600}"#).start()
        defer { server.close() }
        let workspace = try await CLIWorkspace.make(port: server.port, oauth2: true)
        defer { workspace.remove() }
        let masked = try await workspace.hookline("preview", "letter", "--user", "ada@example.com")
        let revealed = try await workspace.hookline("preview", "letter", "--user", "ada@example.com", "--reveal-secrets")

        #expect(masked.status == 0, "\(masked.stderr)")
        #expect(masked.stdout.contains("\r\nAuthorization: Bearer ••••••\r\n"))
        #expect(!masked.stdout.contains(Self.clientSecret))
        #expect(revealed.stdout.contains("\r\nAuthorization: Bearer <token from http://127.0.0.1:\(server.port)/oauth/token>\r\n"))
        #expect(server.requests.isEmpty, "a preview sent \(server.requests.count) requests")
    }

    @Test func sendOfAnOAuth2WebhookPrintsTheBearerHeaderItSentMasked() async throws {
        // One server for both: the token endpoint's answer is also the webhook's.
        let server = try LoopbackServer(status: 200, body: #"{"access_token":"tok_e2e_91","expires_in":3600}"#).start()
        defer { server.close() }
        let workspace = try await CLIWorkspace.make(port: server.port, oauth2: true)
        defer { workspace.remove() }
        let result = try await workspace.hookline("send", "letter", "--user", "ada@example.com")

        #expect(result.status == 0, "\(result.stderr)")
        #expect(server.requests.count == 2)
        #expect(server.requests.last?.contains("\r\nAuthorization: Bearer tok_e2e_91\r\n") == true)
        #expect(result.stdout.contains("\r\nAuthorization: Bearer ••••••\r\n"))
        #expect(!result.stdout.contains("tok_e2e_91"))
        #expect(!result.stdout.contains(Self.clientSecret))
    }

    /// An unknown name is a mistake about the workspace, not about the command line's shape: one
    /// line saying where the name was looked for, with the nearest name, and no usage text.
    @Test(arguments: ["preview", "send"])
    func unknownWebhookSaysWhereItLookedAndSuggestsTheNearestName(command: String) async throws {
        let workspace = try await CLIWorkspace.make(port: 9)
        defer { workspace.remove() }
        let result = try await workspace.hookline(command, "lettr", "--user", "ada@example.com")

        #expect(result.status == 64)
        #expect(result.stdout.isEmpty)
        let webhooks = workspace.root.appendingPathComponent("webhooks").path
        #expect(result.stderr == "error: no webhook 'lettr' in \(webhooks)/ (did you mean 'letter'?)\n")
    }

    @Test(arguments: ["preview", "send"])
    func unknownWebhookFarFromEveryNameListsTheFewThereAre(command: String) async throws {
        let workspace = try await CLIWorkspace.make(port: 9)
        defer { workspace.remove() }
        let result = try await workspace.hookline(command, "postcard", "--user", "ada@example.com")

        #expect(result.status == 64)
        #expect(result.stderr.hasSuffix("/webhooks/ (expected letter)\n"), "\(result.stderr)")
        #expect(!result.stderr.contains("USAGE"))
    }

    @Test(arguments: ["preview", "send"])
    func unknownUserSaysWhichStoreItLookedInAndSuggestsTheNearestAddress(command: String) async throws {
        let workspace = try await CLIWorkspace.make(port: 9)
        defer { workspace.remove() }
        let result = try await workspace.hookline(command, "letter", "--user", "ada@exmple.com")

        #expect(result.status == 64)
        #expect(result.stdout.isEmpty)
        let store = workspace.root.appendingPathComponent(".hookline/state.sqlite").path
        #expect(result.stderr == "error: no user 'ada@exmple.com' in \(store) (did you mean 'ada@example.com'?)\n")
    }

    /// An event file holding `[1]` or a string was read as no data fields, so the request went
    /// out with every event field empty.
    @Test(arguments: ["preview", "send"], ["[1]", #""signup""#])
    func anEventFileThatIsNotAJSONObjectIsBadInput(command: String, event: String) async throws {
        let workspace = try await CLIWorkspace.make(port: 9)
        defer { workspace.remove() }
        let file = try workspace.write("event.json", event)
        let result = try await workspace.hookline(command, "letter", "--user", "ada@example.com", "--event", file.path)

        #expect(result.status == 65)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr == "error: \(file.path): not a JSON object; write the fields as {\"name\": value, …}\n")
    }

    private func expectNoSecrets(in output: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) {
        let basic = Data("\(Self.apiKey):".utf8).base64EncodedString()
        for secret in [Self.apiKey, basic, Self.signingSecret] {
            #expect(!output.contains(secret), "the output shows \(secret)", sourceLocation: sourceLocation)
        }
    }
}

/// A temporary workspace with one signed, basic-auth webhook `letter` aimed at 127.0.0.1:`port`
/// and one user, ada@example.com, in its store.
private enum CLIWorkspace {
    /// - Parameter oauth2: OAuth2 client credentials (token from `/oauth/token` on the same port)
    ///   instead of basic auth.
    static func make(port: Int, oauth2: Bool = false) async throws -> TestWorkspace {
        let workspace = try TestWorkspace.make()
        try workspace.write("hookline.yaml", "name: CLI test\nnetwork:\n  allow: [127.0.0.1/32]\n")
        try workspace.write(
            "webhooks/letter.yaml",
            """
            id: letter
            method: POST
            url: "http://127.0.0.1:\(port)/v1/letters"
            auth: \(oauth2
                ? "{type: oauth2cc, tokenUrl: \"http://127.0.0.1:\(port)/oauth/token\", clientId: app, clientSecret: \"{{secret.c}}\"}"
                : "{type: basic, username: \"{{secret.k}}\", password: \"\"}")
            body:
              type: json
              template: '\(PreviewSendCommandTests.body.replacingOccurrences(of: "\"Ada\"", with: "\"{{firstName}}\"").replacingOccurrences(of: "\"ada@example.com\"", with: "\"{{email}}\""))'
            signing:
              secret: "{{secret.s}}"

            """)
        try workspace.writeWelcomeWorkflow(calling: "letter")
        try workspace.writeSecrets([
            "k": PreviewSendCommandTests.apiKey, "s": PreviewSendCommandTests.signingSecret,
            "c": PreviewSendCommandTests.clientSecret,
        ])
        try await workspace.createStore()
        _ = try await workspace.sqlite(
            #"INSERT INTO user (email, profile) VALUES ('ada@example.com', '{"email":"ada@example.com","firstName":"Ada"}')"#)
        return workspace
    }
}

/// A one-answer HTTP/1.1 server on 127.0.0.1 (port 0) that keeps the raw requests it reads.
///
/// This test target links only StudioModel, so the engine's `Receiver` is out of reach; a
/// blocking accept loop on its own thread keeps the cooperative pool free.
private final class LoopbackServer: Sendable {
    let port: Int
    private let descriptor: Int32
    private let received = Mutex<[String]>([])
    private let response: [UInt8]

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    init(status: Int, body: String) throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        descriptor = fd
        guard fd >= 0 else { throw Failure(description: "socket: errno \(errno)") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0
            }
        }
        guard bound, listen(fd, 8) == 0 else { throw Failure(description: "bind/listen: errno \(errno)") }
        port = Int(UInt16(bigEndian: address.sin_port))
        let reasons = [200: "OK", 201: "Created", 422: "Unprocessable Entity", 500: "Internal Server Error"]
        let response = "HTTP/1.1 \(status) \(reasons[status] ?? "Status")\r\nContent-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n"
            + "Connection: close\r\n\r\n" + body
        self.response = Array(response.utf8)
    }

    /// Starts answering, on a thread of its own.
    func start() -> Self {
        Thread { [self] in serve() }.start()
        return self
    }

    var requests: [String] { received.withLock { $0 } }

    /// Stops accepting: `accept` in the serving thread fails and the thread ends.
    func close() {
        shutdown(descriptor, Int32(SHUT_RDWR))
        _ = Glibc.close(descriptor)
    }

    private func serve() {
        while true {
            let connection = accept(descriptor, nil, nil)
            guard connection >= 0 else { return }
            let request = readRequest(connection)
            received.withLock { $0.append(request) }
            _ = response.withUnsafeBytes { send(connection, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            _ = Glibc.close(connection)
        }
    }

    /// Reads the head, then as many body bytes as `Content-Length` says.
    private func readRequest(_ connection: Int32) -> String {
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = buffer.withUnsafeMutableBytes { recv(connection, $0.baseAddress, $0.count, 0) }
            guard count > 0 else { break }
            bytes += buffer[0..<count]
            let text = String(decoding: bytes, as: UTF8.self)
            guard let headEnd = text.range(of: "\r\n\r\n") else { continue }
            let head = text[..<headEnd.lowerBound].lowercased()
            let length = head.split(separator: "\r\n").first { $0.hasPrefix("content-length:") }
                .flatMap { Int($0.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces)) } ?? 0
            if text[headEnd.upperBound...].utf8.count >= length { break }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
