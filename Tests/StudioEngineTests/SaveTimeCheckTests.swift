import StudioEngine
import StudioModel
import Testing

/// `hookline validate` (and the studio's problems list) report at its file, line and column
/// what every send of a webhook would refuse, by the same functions the send uses.
struct SaveTimeCheckTests {
    private static let webhooks: [String: String] = [
        "webhooks/many.yaml": "id: many\nurl: https://x.example/a\nretries: [\(Array(repeating: "1s", count: 21).joined(separator: ", "))]\n",
        "webhooks/long.yaml": "id: long\nurl: https://x.example/a\nretries:\n  - 8d\n",
        "webhooks/short.yaml": "id: short\nurl: https://x.example/a\nsigning: {secret: \"whsec_YWJj\"}\n",
        "webhooks/stored.yaml": "id: stored\nurl: https://x.example/a\nsigning:\n  secret: \"{{secret.bad}}\"\n",
        "webhooks/profile.yaml": "id: profile\nurl: https://x.example/a\nsigning: {secret: \"{{signKey}}\"}\n",
        "webhooks/token.yaml":
            "id: token\nurl: https://x.example/a\nauth:\n  type: oauth2cc\n  tokenUrl: http://169.254.169.254/token\n  clientId: c\n  clientSecret: s\n",
        "webhooks/fine.yaml": "id: fine\nurl: https://x.example/a\nretries: [1s, 1h]\nsigning: {secret: \"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw\"}\n",
    ]

    @Test func whatEverySendRefusesIsAnErrorAtItsLine() {
        let workspace = WorkspaceLoader.load(files: Self.webhooks)
        let text = { (path: String) in Self.webhooks[path] }
        let secrets = ["bad": "notprefixed"]
        let diagnostics =
            RequestBuilder().saveTimeDiagnostics(for: workspace, secrets: secrets, text: text)
            + NetworkPolicy(settings: workspace.settings).saveTimeDiagnostics(for: workspace, text: text)
        #expect(
            diagnostics.map(\.description).sorted() == [
                "webhooks/long.yaml:3:9: error: retries: the retry delays add up to 691200 s; the most is 604800 s (7 days)",
                "webhooks/many.yaml:3:10: error: retries: a retry schedule holds at most 20 delays, not 21",
                "webhooks/short.yaml:3:19: error: signing.secret: the signing secret decodes to 3 bytes; expected whsec_ followed by base64 of 24 to 64 random bytes",
                "webhooks/stored.yaml:4:11: error: signing.secret: the signing secret decodes to 8 bytes; expected whsec_ followed by base64 of 24 to 64 random bytes",
                "webhooks/token.yaml:5:13: error: tokenUrl: 169.254.169.254 is a cloud metadata address and can never be allowed",
            ])
    }

    /// A `tokenUrl` with merge parameters was not checked at all. The loader refuses one in its
    /// host (`{{secret.tokenHost}}`), so merge parameters stand only in its path and query, and
    /// the host is checked as written, as a webhook's `url:` is.
    @Test func aTokenURLWithMergeParametersIsCheckedByItsLiteralHost() {
        func token(_ id: String, _ url: String) -> String {
            "id: \(id)\nurl: https://x.example/a\nauth:\n  type: oauth2cc\n  tokenUrl: \"\(url)\"\n  clientId: c\n  clientSecret: s\n"
        }
        let files = [
            "webhooks/metadata.yaml": token("metadata", "http://169.254.169.254/{{secret.path}}?tenant={{tenant}}"),
            "webhooks/public.yaml": token("public", "https://auth.example.com/{{secret.path}}?tenant={{tenant}}"),
            "webhooks/host.yaml": token("host", "https://{{secret.tokenHost}}/token"),
            "webhooks/private.yaml": token("private", "http://10.0.0.5/t/{{secret.path}}"),
        ]
        let workspace = WorkspaceLoader.load(files: files)
        #expect(
            workspace.diagnostics.map(\.description) == [
                "webhooks/host.yaml:5:13: error: 'tokenUrl': URL host must be literal (templates are allowed only in the path and query)"
            ])
        let diagnostics = NetworkPolicy(settings: workspace.settings).saveTimeDiagnostics(for: workspace) { files[$0] }
        #expect(
            diagnostics.map(\.description).sorted() == [
                "webhooks/metadata.yaml:5:13: error: tokenUrl: 169.254.169.254 is a cloud metadata address and can never be allowed",
                "webhooks/private.yaml:5:13: error: tokenUrl: 10.0.0.5 is a private address; an admin can allow 10.0.0.0/8 in hookline.yaml network.allow",
            ])
    }

    /// A fragment is never sent, and a path segment `.` or `..` written in the url is sent as
    /// written though servers and proxies resolve it away: each is a warning at the url. A segment
    /// a merge makes (refused when a request is built) and dots that make no segment are not.
    @Test func aURLsFragmentAndTheDotSegmentsItWritesAreWarningsAtTheURL() {
        let files = [
            "webhooks/fragment.yaml": "id: fragment\nmethod: GET\nurl: https://x.example/profile#section\n",
            "webhooks/dots.yaml": "id: dots\nmethod: PUT\nurl: \"https://x.example/a/../b/%2E/c\"\n",
            "webhooks/merged.yaml": "id: merged\nurl: \"https://x.example/a/{{up}}/b/.{{ext}}/c/{{{raw}}}\"\n",
            "webhooks/fine.yaml": "id: fine\nurl: \"https://x.example/v1.2/.../x..?up=../.\"\n",
            "system-webhooks/bi.yaml": "id: bi\nendpoint: https://bi.example.com/in#x\nevents: [emailSend]\n",
        ]
        let workspace = WorkspaceLoader.load(files: files)
        let diagnostics = RequestBuilder().saveTimeDiagnostics(for: workspace, secrets: [:]) { files[$0] }
        let fragment = "fragment (from '#') is never sent: an HTTP request carries only the path and query "
            + "(remove it; what it says can go into the query)"
        #expect(
            diagnostics.map(\.description).sorted() == [
                "system-webhooks/bi.yaml:2:11: warning: the endpoint's " + fragment,
                "webhooks/dots.yaml:3:6: warning: the url's path segment '.' is sent as written, but servers and proxies "
                    + "resolve it away (RFC 3986 §5.2.4) (write the path it stands for)",
                "webhooks/dots.yaml:3:6: warning: the url's path segment '..' is sent as written, but servers and proxies "
                    + "resolve it away with the segment before it (RFC 3986 §5.2.4) (write the path it stands for)",
                "webhooks/fragment.yaml:3:6: warning: the url's " + fragment,
            ])
        #expect(diagnostics.allSatisfy { $0.severity == .warning })
    }

    /// A file with an error that stops its webhook loading had none of its other parts checked:
    /// a url the policy refuses showed only once a bad `method` was fixed, a `tokenUrl` only once
    /// an `Authorization` header next to OAuth2 was removed. Every problem of a file shows at once.
    @Test func aFileThatDoesNotLoadHasItsOtherPartsCheckedToo() {
        let files = [
            "webhooks/meta.yaml": "id: meta\nurl: \"http://169.254.169.254/latest\"\nmethod: FETCH\n",
            "webhooks/token.yaml":
                "id: token\nurl: https://x.example/a\nheaders:\n  Authorization: \"Bearer x\"\nauth:\n  type: oauth2cc\n"
                + "  tokenUrl: http://169.254.169.254/token\n  clientId: c\n  clientSecret: s\n",
            "webhooks/many.yaml":
                "id: many\nurl: https://x.example/a\nbody: {type: xml}\nretries: [8d]\nsigning: {secret: \"whsec_YWJj\"}\n",
            "system-webhooks/bi.yaml": "id: bi\nendpoint: http://169.254.169.254/in\nevents: emailSend\n",
        ]
        let workspace = WorkspaceLoader.load(files: files)
        #expect(workspace.webhooks.isEmpty && workspace.systemWebhooks.isEmpty)
        let text = { (path: String) in files[path] }
        let diagnostics =
            workspace.diagnostics
            + RequestBuilder().saveTimeDiagnostics(for: workspace, secrets: [:], text: text)
            + NetworkPolicy(settings: workspace.settings).saveTimeDiagnostics(for: workspace, text: text)
        let metadata = "169.254.169.254 is a cloud metadata address and can never be allowed"
        #expect(
            WorkspaceLoader.sorted(diagnostics).map(\.description) == [
                "system-webhooks/bi.yaml:2:11: error: " + metadata,
                "system-webhooks/bi.yaml:3:9: error: 'events' in system webhook must be a list, found 'emailSend'",
                "webhooks/many.yaml:3:14: error: unknown body type 'xml' (expected json, form, raw or none)",
                "webhooks/many.yaml:4:10: error: retries: the retry delays add up to 691200 s; the most is 604800 s (7 days)",
                "webhooks/many.yaml:5:19: error: signing.secret: the signing secret decodes to 3 bytes; expected whsec_ followed by base64 of 24 to 64 random bytes",
                "webhooks/meta.yaml:2:6: error: " + metadata,
                "webhooks/meta.yaml:3:9: error: unknown HTTP method 'FETCH' (expected GET, POST, PUT, PATCH or DELETE)",
                "webhooks/token.yaml:4:3: error: 'Authorization' and auth type 'oauth2cc' both set the Authorization header (keep one: remove the header or set auth: {type: none})",
                "webhooks/token.yaml:7:13: error: tokenUrl: " + metadata,
            ])
    }

    /// The studio keeps running a webhook whose file broke (``Workspace/keepingLastGood(from:)``);
    /// its checks judge what the file says now, not the copy kept running, and say it once.
    @Test func aWebhookKeptFromItsLastGoodFileIsJudgedByWhatTheFileSaysNow() {
        let running = WorkspaceLoader.load(files: ["webhooks/a.yaml": "id: a\nurl: https://x.example/a\n"])
        let broken = ["webhooks/a.yaml": "id: a\nurl: http://169.254.169.254/a\nmethod: FETCH\n"]
        let reloaded = WorkspaceLoader.load(files: broken).keepingLastGood(from: running).workspace
        #expect(reloaded.webhooks.map(\.url) == ["https://x.example/a"])
        let diagnostics = NetworkPolicy(settings: reloaded.settings).saveTimeDiagnostics(for: reloaded) { broken[$0] }
        #expect(
            diagnostics.map(\.description) == [
                "webhooks/a.yaml:2:6: error: 169.254.169.254 is a cloud metadata address and can never be allowed"
            ])
    }
}
