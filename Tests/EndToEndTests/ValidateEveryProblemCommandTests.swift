import Foundation
import Testing

/// `hookline validate` reports every problem of a file at once, each at its FILE:LINE:COL: an
/// error that stops a webhook loading no longer hides the save-time checks of its other parts.
struct ValidateEveryProblemCommandTests {
    @Test func everyIndependentErrorOfAWebhookFileIsReportedAtOnce() async throws {
        let workspace = try TestWorkspace.make()
        defer { workspace.remove() }
        try workspace.write("hookline.yaml", "name: Every problem\n")
        // A url the policy refuses beside a bad timeout, and beside a method that stops the webhook loading.
        try workspace.write("webhooks/meta.yaml", "id: meta\nurl: \"http://169.254.169.254/latest\"\ntimeout: banana\nmethod: FETCH\n")
        // An Authorization header beside OAuth2 (which stops it loading) hid a refused tokenUrl.
        try workspace.write(
            "webhooks/token.yaml",
            """
            id: token
            url: https://x.example/a
            headers:
              Authorization: "Bearer x"
            auth: {type: oauth2cc, tokenUrl: "http://169.254.169.254/token", clientId: c, clientSecret: s}

            """)
        let result = try await workspace.hookline("validate")

        #expect(result.status == 65)
        let problems = result.stderr.split(separator: "\n").filter { $0.hasPrefix("webhooks/") }.map(String.init)
        let metadata = "169.254.169.254 is a cloud metadata address and can never be allowed"
        #expect(
            problems == [
                "webhooks/meta.yaml:2:6: error: " + metadata,
                "webhooks/meta.yaml:3:10: error: invalid duration 'banana' for 'timeout' (write a number and a unit: 500ms, 90s, 5m, 2h, 2d or 1w)",
                "webhooks/meta.yaml:4:9: error: unknown HTTP method 'FETCH' (expected GET, POST, PUT, PATCH or DELETE)",
                "webhooks/token.yaml:4:3: error: 'Authorization' and auth type 'oauth2cc' both set the Authorization header (keep one: remove the header or set auth: {type: none})",
                "webhooks/token.yaml:5:34: error: tokenUrl: " + metadata,
            ], "\(result.stderr)")
        #expect(result.stdout.hasSuffix("0 workflows, 0 webhooks, 0 system webhooks: 5 errors, 0 warnings\n"), "\(result.stdout)")
    }
}
