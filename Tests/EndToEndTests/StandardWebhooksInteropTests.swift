import Foundation
import Testing

/// The signatures `hookline send` puts on the wire, checked by the Standard Webhooks project's
/// own Python verifier (`standardwebhooks` on PyPI, which `.ci/run` installs): the exact bytes
/// received, with the library's 5-minute timestamp tolerance (delivery.md §1.2 and §9 rows 1
/// and 26).
@Suite(.serialized)
struct StandardWebhooksInteropTests {
    static let newSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
    static let oldSecret = "whsec_AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="

    @Test func aJSONBodyWithUnicodeVerifies() async throws {
        let answer = try await send(
            body: "{type: json, template: '{\"name\": \"{{firstName}}\", \"city\": \"Zürich 🏔\", \"n\": 1}'}",
            signing: "{{secret.new}}", verifierSecrets: [Self.newSecret])
        #expect(answer.verified, "\(answer.output)")
    }

    @Test func aFormBodyVerifies() async throws {
        let answer = try await send(
            body: "{type: form, fields: {name: \"{{firstName}}\", note: \"a&b=c d\"}}",
            signing: "{{secret.new}}", verifierSecrets: [Self.newSecret])
        #expect(answer.verified, "\(answer.output)")
    }

    @Test func duringARotationAVerifierHoldingEitherSecretPasses() async throws {
        let signing = "{{secret.new}} {{secret.old}}"
        let body = "{type: json, template: '{\"email\": \"{{email}}\"}'}"
        let withNew = try await send(body: body, signing: signing, verifierSecrets: [Self.newSecret])
        #expect(withNew.verified, "\(withNew.output)")
        let withOld = try await send(body: body, signing: signing, verifierSecrets: [Self.oldSecret])
        #expect(withOld.verified, "\(withOld.output)")
    }

    /// The check above means something: the same verifier refuses a request signed with
    /// another secret.
    @Test func theVerifierRefusesAnotherSecret() async throws {
        let answer = try await send(
            body: "{type: json, template: '{\"email\": \"{{email}}\"}'}", signing: "{{secret.old}}",
            verifierSecrets: [Self.newSecret])
        #expect(!answer.verified)
        #expect(answer.output.contains("No matching signature found"), "\(answer.output)")
    }

    /// `hookline send` of a signed webhook to a one-request Python server that answers 204 when
    /// `standardwebhooks.Webhook(secret).verify` passes for every one of `verifierSecrets`, and
    /// 400 with the library's message when one does not.
    private func send(body: String, signing: String, verifierSecrets: [String]) async throws
        -> (verified: Bool, output: String)
    {
        let workspace = try TestWorkspace.make()
        defer { workspace.remove() }
        let script = try workspace.write("verifier.py", Self.verifierScript)
        let verifier = try BinaryRunner.start("/usr/bin/env", ["python3", script.path] + verifierSecrets)
        defer {
            verifier.signal(SIGKILL)
            verifier.removeOutput()
        }
        let port = try await LiveWorkspace.waitFor("the verifier's port (stderr: \(verifier.stderr))") {
            verifier.stdout.firstMatch(of: /port (\d+)\n/).flatMap { Int($0.1) }
        }
        try workspace.write("hookline.yaml", "name: Interop\nnetwork:\n  allow: [127.0.0.1/32]\n")
        try workspace.write(
            "webhooks/signed.yaml",
            """
            id: signed
            method: POST
            url: "http://127.0.0.1:\(port)/hook"
            body: \(body)
            signing:
              secret: "\(signing)"

            """)
        try workspace.writeWelcomeWorkflow(calling: "signed")
        try workspace.writeSecrets(["new": Self.newSecret, "old": Self.oldSecret])
        try await workspace.createStore()
        _ = try await workspace.sqlite(
            #"INSERT INTO user (email, profile) VALUES ('ada@example.com', '{"email":"ada@example.com","firstName":"Ada"}')"#)
        let result = try await workspace.hookline("send", "signed", "--user", "ada@example.com")
        let output = result.stdout + result.stderr + verifier.stderr
        return (result.stdout.contains("HTTP/1.1 204"), output)
    }

    static let verifierScript = #"""
        import http.server, sys
        import standardwebhooks

        secrets = sys.argv[1:]

        class Verifier(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                failures = []
                for secret in secrets:
                    try:
                        standardwebhooks.Webhook(secret).verify(body, dict(self.headers.items()), json_parse=False)
                    except Exception as error:
                        failures.append(f"{type(error).__name__}: {error}")
                answer = "; ".join(failures).encode()
                self.send_response(400 if failures else 204)
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, *arguments):
                pass

        server = http.server.HTTPServer(("127.0.0.1", 0), Verifier)
        # How long it waits for hookline's one request: a bound for a hang, not a measure; a
        # full parallel run on two loaded cores took over 30 s to start `hookline send`.
        server.timeout = 120
        print(f"port {server.server_address[1]}", flush=True)
        server.handle_request()
        """#
}
