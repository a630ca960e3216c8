import Foundation
import Testing

@testable import StudioModel

/// Editing one definition file in `$EDITOR`: literal secrets are hidden behind markers that
/// come back byte for byte (delivery.md §8.9), the edit is checked against the whole workspace,
/// and a host change with kept secrets is refused (delivery.md §9 row 48).
struct DefinitionEditTests {
    static let webhookPath = "webhooks/lob-letter.yaml"
    static let workflowPath = "workflows/welcome.yaml"

    static let webhook = """
        id: lob-letter
        name: Lob letters
        method: POST
        url: "https://api.lob.com/v1/letters"
        auth: {type: basic, username: "{{secret.x}}", password: ""}
        headers:
          Authorization: Bearer abc123
          X-Campaign: "{{workflowName}}"
        body: {type: json, template: '{"a": 1}'}

        """

    static let workflow = """
        id: welcome
        start: {kind: event, event: signup}
        nodes:
          - {id: direct-mail, type: callWebhook, webhook: lob-letter}

        """

    static let files = [
        "hookline.yaml": "name: Edit test\n",
        webhookPath: webhook,
        workflowPath: workflow,
    ]

    /// A workspace folder on disk holding `files`, removed by the caller.
    static func workspace(_ files: [String: String] = files) throws -> URL {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("hookline-edit-\(UUID().uuidString)")
        for (path, text) in files {
            let url = root.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try WorkspaceWriter.writeAtomically(text, to: url)
        }
        return root
    }

    /// A webhook file with `extra` lines (secrets) after a fixed head.
    static func webhook(url: String = "https://api.lob.com/v1/letters", _ extra: String) -> String {
        "id: lob-letter\nurl: \"\(url)\"\n" + extra
    }

    // MARK: - Source paths

    @Test func theLoaderRecordsWhereEachDefinitionLives() throws {
        var files = Self.files
        files["system-webhooks/bi.yaml"] = "id: bi\nendpoint: https://bi.example.com/in\nevents: [emailSend]\n"
        files["webhooks/broken.yaml"] = "id: broken\nmethod: [POST\n"
        let root = try Self.workspace(files)
        defer { try? FileManager.default.removeItem(at: root) }

        for workspace in [WorkspaceLoader.load(from: root), WorkspaceLoader.load(files: files)] {
            #expect(workspace.path(ofWebhook: "lob-letter") == Self.webhookPath)
            #expect(workspace.path(ofWebhook: "broken") == "webhooks/broken.yaml")
            #expect(workspace.path(ofWorkflow: "welcome") == Self.workflowPath)
            #expect(workspace.path(ofSystemWebhook: "bi") == "system-webhooks/bi.yaml")
            #expect(workspace.path(ofWorkflow: "lob-letter") == nil)
        }
    }

    @Test func anOverrideReplacesOneFilesTextWhenLoadingFromDisk() throws {
        let root = try Self.workspace()
        defer { try? FileManager.default.removeItem(at: root) }
        let renamed = Self.webhook.replacingOccurrences(of: "name: Lob letters", with: "name: Letters")
        let workspace = WorkspaceLoader.load(from: root, overriding: [Self.webhookPath: renamed])
        #expect(workspace.webhook(id: "lob-letter")?.name == "Letters")
        #expect(WorkspaceLoader.load(from: root).webhook(id: "lob-letter")?.name == "Lob letters")
    }

    // MARK: - What the editor shows

    @Test func theEditorTextHidesLiteralSecretsAndKeepsReferences() throws {
        let edit = try DefinitionEdit(path: Self.webhookPath, original: Self.webhook)
        #expect(!edit.editorText.contains("abc123"))
        #expect(edit.editorText.contains("Authorization: Bearer ••••••1\n"))
        #expect(edit.editorText.contains(#"username: "{{secret.x}}", password: """#))
        #expect(edit.editorText.contains(#"X-Campaign: "{{workflowName}}""#))
    }

    static let hidden: [(name: String, yaml: String, secret: String, shown: String)] = [
        ("basic auth", "auth: {type: basic, username: lob_user, password: 'pa''ss'}\n", "pa''ss",
         "auth: {type: basic, username: ••••••1, password: '••••••2'}\n"),
        ("bearer token", "auth:\n  type: bearer\n  token: \"tok_live_1\"\n", "tok_live_1",
         "auth:\n  type: bearer\n  token: \"••••••1\"\n"),
        ("oauth client secret", "auth: {type: oauth2cc, tokenUrl: \"https://auth.lob.com/t\", clientId: app, clientSecret: cs_1}\n",
         "cs_1", "auth: {type: oauth2cc, tokenUrl: \"https://auth.lob.com/t\", clientId: app, clientSecret: ••••••1}\n"),
        ("signing secret", "signing: {scheme: standard-webhooks, secret: whsec_1}  # rotate yearly\n", "whsec_1",
         "signing: {scheme: standard-webhooks, secret: ••••••1}  # rotate yearly\n"),
        ("credential-like header names", "headers:\n  X-Partner-Token: t0k\n  Idempotency-Key: k1\n  Cookie: 'Token s=1'\n", "t0k",
         "headers:\n  X-Partner-Token: ••••••1\n  Idempotency-Key: k1\n  Cookie: 'Token ••••••2'\n"),
        ("partly templated value", "headers: {X-Api-Key: \"k-{{secret.x}}\"}\n", "k-{{secret.x}}",
         "headers: {X-Api-Key: \"••••••1\"}\n"),
    ]

    @Test(arguments: hidden)
    func literalSecretsAreHiddenInFileOrder(_ example: (name: String, yaml: String, secret: String, shown: String)) throws {
        let original = Self.webhook(example.yaml)
        let edit = try DefinitionEdit(path: Self.webhookPath, original: original)
        #expect(edit.editorText == Self.webhook(example.shown), "\(example.name)")
        #expect(!edit.editorText.contains(example.secret), "\(example.name)")
    }

    @Test func secretQueryValuesAndURLPasswordsAreHiddenAlone() throws {
        let url = "https://ada:pw_1@api.lob.com/v1?api_key=k_1&user=ada&token={{secret.t}}&sig=s{{x}}#top"
        let edit = try DefinitionEdit(path: Self.webhookPath, original: Self.webhook(url: url, ""))
        #expect(edit.editorText == Self.webhook(url: "https://ada:••••••1@api.lob.com/v1?api_key=••••••2&user=ada&token={{secret.t}}&sig=••••••3#top", ""))
    }

    @Test func systemWebhookEndpointsAndHeadersAreHidden() throws {
        let original = "id: bi\nendpoint: https://bi.example.com/in?key=k_9\nheaders: {X-Api-Key: abc}\nevents: [emailSend]\n"
        let edit = try DefinitionEdit(path: "system-webhooks/bi.yaml", original: original)
        #expect(edit.editorText == "id: bi\nendpoint: https://bi.example.com/in?key=••••••1\nheaders: {X-Api-Key: ••••••2}\nevents: [emailSend]\n")
    }

    @Test func workflowsAndSettingsAreShownAsTheyAre() throws {
        let workflow = Self.workflow + "# password: hunter2\n"
        #expect(try DefinitionEdit(path: Self.workflowPath, original: workflow).editorText == workflow)
        let settings = "name: x\nheaders: {Authorization: Bearer abc}\n"
        #expect(try DefinitionEdit(path: "hookline.yaml", original: settings).editorText == settings)
    }

    @Test func aSecretInABlockScalarCannotBeOpened() throws {
        let original = Self.webhook("auth:\n  type: bearer\n  token: |\n    tok_live_1\n")
        let error = try #require(throws: DefinitionEdit.OpenError.self) {
            try DefinitionEdit(path: Self.webhookPath, original: original)
        }
        #expect(error.diagnostic.path == Self.webhookPath)
        #expect(error.diagnostic.line == 5)
        #expect(error.diagnostic.column == 10)
        #expect(error.description.contains("auth.token"))
        #expect(error.description.contains(".hookline/secrets.yaml"))
        #expect(error.description.contains("{{secret.name}}"))
        #expect(!error.description.contains("tok_live_1"))
    }

    /// A file with a YAML syntax error opens, to be fixed where the problems list points: its
    /// literal secrets are found line by line and hidden, and come back when it is saved.
    @Test func aWebhookThatIsNotYAMLOpensWithItsSecretsHidden() throws {
        let broken = Self.webhook.replacingOccurrences(of: "name: Lob letters", with: "name: \"Lob letters")
            .replacingOccurrences(of: "url: \"https://api.lob.com/v1/letters\"", with: "url: \"https://api.lob.com/v1/letters?api_key=k_live_9\"")
            .replacingOccurrences(of: "password: \"\"", with: "password: \"hunter22\"")
        let root = try Self.workspace([Self.webhookPath: broken])
        defer { try? FileManager.default.removeItem(at: root) }
        let edit = try DefinitionEdit.open(path: Self.webhookPath, root: root)
        for secret in ["abc123", "hunter22", "k_live_9"] { #expect(!edit.editorText.contains(secret), "\(edit.editorText)") }
        #expect(edit.editorText.contains("X-Campaign: \"{{workflowName}}\""))
        let fixed = edit.editorText.replacingOccurrences(of: "name: \"Lob letters", with: "name: Lob letters")
        guard case .valid(let text, let workspace) = edit.finish(edited: fixed, root: root) else {
            Issue.record("expected .valid, got \(edit.finish(edited: fixed, root: root))")
            return
        }
        #expect(text == broken.replacingOccurrences(of: "name: \"Lob letters", with: "name: Lob letters"))
        #expect(workspace.webhook(id: "lob-letter")?.headers.first == HeaderTemplate(name: "Authorization", value: "Bearer abc123"))
        #expect(try DefinitionEdit(path: Self.workflowPath, original: "id: x\nnodes: [a\n").editorText == "id: x\nnodes: [a\n")
    }

    /// The line-by-line search errs on the side of hiding: every literal here stays out of the
    /// editor, whatever its line ending, quoting or punctuation.
    @Test(arguments: ["\n", "\r\n"])
    func anUnparsedFilesSecretsAreHiddenWhateverTheirShape(lineEnd: String) throws {
        let lines = [
            "id: crm", "name: \"CRM", "# url: https://old.example.com/hook",
            "url: https://admin:Hunter2pass@crm.example.com/v1?api_key=k_live_9&u=1",
            "auth:", "  type: basic", "  username: admin", "  password: s3cr,et#part{x}",
            "headers:", "  Authorization: Bearer tok_abc#def", "  X-Api-Key: |", "    key_on_next_line",
            "signing:", "  secret:", "    whsec_below", "  mixed: ok",
        ]
        let broken = lines.joined(separator: lineEnd) + lineEnd
        let edit = try DefinitionEdit(path: Self.webhookPath, original: broken)
        #expect(edit.editorText.contains("https://admin:"), "a URL's user name is no secret")
        for secret in ["Hunter2pass", "k_live_9", "username: admin", "s3cr", "et#part", "tok_abc", "#def", "key_on_next_line", "whsec_below"] {
            #expect(!edit.editorText.contains(secret), "\(secret) shown: \(edit.editorText)")
        }
        #expect(edit.editorText.contains("crm.example.com/v1?api_key="))
        // Fixing the syntax gives the file back with every secret, and the comment's old URL is no host change.
        let root = try Self.workspace([Self.webhookPath: broken])
        defer { try? FileManager.default.removeItem(at: root) }
        let opened = try DefinitionEdit.open(path: Self.webhookPath, root: root)
        let fixed = opened.editorText.replacingOccurrences(of: "name: \"CRM", with: "name: CRM")
        guard case .valid(let text, _) = opened.finish(edited: fixed, root: root) else {
            Issue.record("expected .valid, got \(opened.finish(edited: fixed, root: root))")
            return
        }
        #expect(text == broken.replacingOccurrences(of: "name: \"CRM", with: "name: CRM"))
    }

    /// `X-Auth: Bearer …` is a literal credential whatever the header is called, parsed or not.
    @Test func aBearerValueInAnyHeaderIsHidden() throws {
        let webhook = "id: lob-letter\nurl: https://api.lob.com/v1\nheaders:\n  X-Auth: \"Bearer tok_literal_999\"\n"
        for text in [webhook, webhook + "name: \"unclosed\n"] {
            let edit = try DefinitionEdit(path: Self.webhookPath, original: text)
            #expect(!edit.editorText.contains("tok_literal_999"), "\(edit.editorText)")
        }
    }

    @Test func openReadsTheFileAsTheLoaderDoesAndReportsAMissingOne() throws {
        let root = try Self.workspace([Self.webhookPath: "\u{FEFF}" + Self.webhook])
        defer { try? FileManager.default.removeItem(at: root) }
        let edit = try DefinitionEdit.open(path: Self.webhookPath, root: root)
        #expect(edit == (try DefinitionEdit(path: Self.webhookPath, original: Self.webhook)))
        #expect(throws: DefinitionEdit.OpenError.self) { try DefinitionEdit.open(path: "webhooks/gone.yaml", root: root) }
    }

    // MARK: - Finishing

    @Test func anUnchangedEditIsUnchanged() throws {
        let root = try Self.workspace()
        defer { try? FileManager.default.removeItem(at: root) }
        let edit = try DefinitionEdit.open(path: Self.webhookPath, root: root)
        #expect(edit.finish(edited: edit.editorText, root: root) == .unchanged)
        // The secret typed back in place of its marker is no change either.
        #expect(edit.finish(edited: Self.webhook, root: root) == .unchanged)
    }

    @Test func aValidEditRestoresTheSecretByteForByte() throws {
        let root = try Self.workspace()
        defer { try? FileManager.default.removeItem(at: root) }
        let edit = try DefinitionEdit.open(path: Self.webhookPath, root: root)
        let edited = edit.editorText.replacingOccurrences(of: "name: Lob letters", with: "name: Letters")

        guard case .valid(let text, let workspace) = edit.finish(edited: edited, root: root) else {
            Issue.record("expected .valid, got \(edit.finish(edited: edited, root: root))")
            return
        }
        let expected = Self.webhook.replacingOccurrences(of: "name: Lob letters", with: "name: Letters")
        #expect(Array(text.utf8) == Array(expected.utf8))
        #expect(workspace.webhook(id: "lob-letter")?.name == "Letters")
        #expect(workspace.webhook(id: "lob-letter")?.headers.first == HeaderTemplate(name: "Authorization", value: "Bearer abc123"))
    }

    @Test func aDoubleQuotedSecretWithEscapesRestoresExactly() throws {
        let original = Self.webhook(#"headers: {Authorization: "Bearer a\"b\\c\u00e9", X-Api-Key: "k\tz"}"# + "\n")
        let root = try Self.workspace(["hookline.yaml": "name: x\n", Self.webhookPath: original])
        defer { try? FileManager.default.removeItem(at: root) }
        let edit = try DefinitionEdit.open(path: Self.webhookPath, root: root)
        #expect(edit.editorText == Self.webhook(#"headers: {Authorization: "Bearer ••••••1", X-Api-Key: "••••••2"}"# + "\n"))

        let edited = edit.editorText.replacingOccurrences(of: "id: lob-letter", with: "id: lob-letter\nname: Renamed")
        guard case .valid(let text, let workspace) = edit.finish(edited: edited, root: root) else {
            Issue.record("expected .valid, got \(edit.finish(edited: edited, root: root))")
            return
        }
        #expect(Array(text.utf8) == Array(original.replacingOccurrences(of: "id: lob-letter", with: "id: lob-letter\nname: Renamed").utf8))
        #expect(workspace.webhook(id: "lob-letter")?.headers.map(\.value) == ["Bearer a\"b\\cé", "k\tz"])
    }

    @Test func aYAMLSyntaxErrorIsInvalidWithTheFilesPathAndLine() throws {
        let root = try Self.workspace()
        defer { try? FileManager.default.removeItem(at: root) }
        let edit = try DefinitionEdit.open(path: Self.webhookPath, root: root)
        let edited = edit.editorText.replacingOccurrences(of: "method: POST", with: "method: [POST")

        guard case .invalid(let diagnostics) = edit.finish(edited: edited, root: root) else {
            Issue.record("expected .invalid, got \(edit.finish(edited: edited, root: root))")
            return
        }
        let first = try #require(diagnostics.first)
        #expect(first.path == Self.webhookPath)
        #expect(first.line > 0)
        #expect(first.message.hasPrefix("invalid YAML"))
    }

    @Test func renamingAWebhookThatAWorkflowCallsIsInvalidInTheWorkflow() throws {
        let root = try Self.workspace()
        defer { try? FileManager.default.removeItem(at: root) }
        let edit = try DefinitionEdit.open(path: Self.webhookPath, root: root)
        let edited = edit.editorText.replacingOccurrences(of: "id: lob-letter", with: "id: lob-letters")

        guard case .invalid(let diagnostics) = edit.finish(edited: edited, root: root) else {
            Issue.record("expected .invalid, got \(edit.finish(edited: edited, root: root))")
            return
        }
        #expect(diagnostics.contains { $0.path == Self.workflowPath && $0.message.contains("lob-letter") }, "\(diagnostics)")
    }

    @Test func errorsThatWereThereBeforeDoNotBlockASave() throws {
        var files = Self.files
        files["workflows/other.yaml"] = "id: other\nnodes: [a\n"
        let root = try Self.workspace(files)
        defer { try? FileManager.default.removeItem(at: root) }
        let edit = try DefinitionEdit.open(path: Self.webhookPath, root: root)
        let edited = "# a comment moves every line\n" + edit.editorText
        guard case .valid = edit.finish(edited: edited, root: root) else {
            Issue.record("expected .valid, got \(edit.finish(edited: edited, root: root))")
            return
        }
    }

    @Test func aMarkerThatWasNeverIssuedIsInvalidAtItsLine() throws {
        let root = try Self.workspace()
        defer { try? FileManager.default.removeItem(at: root) }
        let edit = try DefinitionEdit.open(path: Self.webhookPath, root: root)
        let edited = edit.editorText.replacingOccurrences(of: "X-Campaign: \"{{workflowName}}\"", with: "X-Campaign: ••••••7")
        #expect(edit.finish(edited: edited, root: root) == .invalid([
            Diagnostic(
                path: Self.webhookPath, line: 8, column: 15, message: "unknown secret marker '••••••7'",
                hint: "markers stand for the secrets hidden when the file was opened; type the value, or a {{secret.name}} reference, instead")
        ]))
    }

    @Test func markersAreFoundAfterExtraBulletsAndAcrossLines() throws {
        let original = Self.webhook("headers:\r\n  X-Api-Key: k1\r\n  Authorization: \"Bearer t1\"\r\n")
        let edit = try DefinitionEdit(path: Self.webhookPath, original: original)
        #expect(edit.editorText == Self.webhook("headers:\r\n  X-Api-Key: ••••••1\r\n  Authorization: \"Bearer ••••••2\"\r\n"))
        let restored = edit.markers.restore(edit.editorText.replacingOccurrences(of: "••••••1", with: "•••••••1"), path: Self.webhookPath)
        #expect(restored.text == original.replacingOccurrences(of: "k1", with: "•k1"))
        #expect(restored.kept == [1, 2])
    }

    @Test func messagesThatQuoteAKeptSecretShowItsMarker() throws {
        let original = Self.webhook(url: "https://api.lob.com/v1?api_key=k_live_42", "method: POST\n")
        let root = try Self.workspace(["hookline.yaml": "name: x\n", Self.webhookPath: original])
        defer { try? FileManager.default.removeItem(at: root) }
        let edit = try DefinitionEdit.open(path: Self.webhookPath, root: root)
        let edited = edit.editorText.replacingOccurrences(of: "method: POST", with: "method: x-••••••1")

        #expect(edit.finish(edited: edited, root: root) == .invalid([
            Diagnostic(
                path: Self.webhookPath, line: 3, column: 9, message: "unknown HTTP method 'x-••••••1'",
                hint: "expected GET, POST, PUT, PATCH or DELETE")
        ]))
    }

    @Test func aFileThatAlreadyHoldsAMarkerCannotBeOpened() throws {
        let original = Self.webhook("headers: {X-Note: \"see ••••••3\"}\n")
        #expect(throws: DefinitionEdit.OpenError.self) { try DefinitionEdit(path: Self.webhookPath, original: original) }
    }

    // MARK: - Row 48: host changes

    @Test func changingTheHostWhileASecretIsKeptIsRefused() throws {
        let original = Self.webhook("auth: {type: basic, username: lob_user, password: pw}\nheaders: {Authorization: Bearer abc123}\n")
        let root = try Self.workspace(["hookline.yaml": "name: x\n", Self.webhookPath: original])
        defer { try? FileManager.default.removeItem(at: root) }
        let edit = try DefinitionEdit.open(path: Self.webhookPath, root: root)
        // Re-entering the username still leaves the password and the header kept.
        let edited = edit.editorText
            .replacingOccurrences(of: "api.lob.com", with: "evil.example")
            .replacingOccurrences(of: "username: ••••••1", with: "username: other")

        #expect(edit.finish(edited: edited, root: root) == .refused(
            "the host changed from api.lob.com to evil.example while auth.password and headers.Authorization are kept: "
                + "re-enter them (replace ••••••2, ••••••3) or change the host back"))
    }

    @Test func aChangedPortOrSchemeIsAHostChangeToo() throws {
        let root = try Self.workspace()
        defer { try? FileManager.default.removeItem(at: root) }
        let edit = try DefinitionEdit.open(path: Self.webhookPath, root: root)
        let port = edit.editorText.replacingOccurrences(of: "api.lob.com", with: "api.lob.com:8443")
        #expect(edit.finish(edited: port, root: root) == .refused(
            "the host changed from api.lob.com to api.lob.com:8443 while headers.Authorization is kept: "
                + "re-enter it (replace ••••••1) or change the host back"))
        let scheme = edit.editorText.replacingOccurrences(of: "https://api.lob.com", with: "http://api.lob.com")
        guard case .refused(let message) = edit.finish(edited: scheme, root: root) else {
            Issue.record("expected .refused")
            return
        }
        #expect(message.hasPrefix("the host changed from https://api.lob.com to http://api.lob.com"))
        // The path and query may change freely.
        let path = edit.editorText.replacingOccurrences(of: "/v1/letters", with: "/v2/letters?x=1")
        guard case .valid = edit.finish(edited: path, root: root) else {
            Issue.record("expected .valid")
            return
        }
    }

    @Test func aHostThatCannotBeReadCountsAsAChange() throws {
        let root = try Self.workspace()
        defer { try? FileManager.default.removeItem(at: root) }
        let edit = try DefinitionEdit.open(path: Self.webhookPath, root: root)
        let edited = edit.editorText.replacingOccurrences(of: "api.lob.com", with: "evil.example:http")
        #expect(edit.finish(edited: edited, root: root) == .refused(
            "the host changed from https://api.lob.com to an unreadable URL while headers.Authorization is kept: "
                + "re-enter it (replace ••••••1) or change the host back"))
    }

    @Test func changingTheHostAfterReenteringTheSecretIsValid() throws {
        let root = try Self.workspace()
        defer { try? FileManager.default.removeItem(at: root) }
        let edit = try DefinitionEdit.open(path: Self.webhookPath, root: root)
        let edited = edit.editorText
            .replacingOccurrences(of: "api.lob.com", with: "new.example")
            .replacingOccurrences(of: "Bearer ••••••1", with: "Bearer {{secret.new_token}}")

        guard case .valid(let text, let workspace) = edit.finish(edited: edited, root: root) else {
            Issue.record("expected .valid, got \(edit.finish(edited: edited, root: root))")
            return
        }
        #expect(!text.contains("abc123"))
        #expect(workspace.webhook(id: "lob-letter")?.url == "https://new.example/v1/letters")
    }

    @Test func changingTheHostWithOnlyReferencesIsValid() throws {
        let original = Self.webhook("auth: {type: bearer, token: \"{{secret.lob}}\"}\nheaders: {Authorization: \"Bearer {{secret.x}}\"}\n")
        let root = try Self.workspace(["hookline.yaml": "name: x\n", Self.webhookPath: original])
        defer { try? FileManager.default.removeItem(at: root) }
        let edit = try DefinitionEdit.open(path: Self.webhookPath, root: root)
        #expect(edit.editorText == original)
        let edited = edit.editorText.replacingOccurrences(of: "api.lob.com", with: "new.example")
        #expect(edit.finish(edited: edited, root: root) == .valid(
            text: edited, workspace: WorkspaceLoader.load(from: root, overriding: [Self.webhookPath: edited])))
    }

    @Test func changingTheTokenURLHostWhileTheClientSecretIsKeptIsRefused() throws {
        let original = Self.webhook("auth: {type: oauth2cc, tokenUrl: \"https://auth.lob.com/t\", clientId: app, clientSecret: cs_1}\n")
        let root = try Self.workspace(["hookline.yaml": "name: x\n", Self.webhookPath: original])
        defer { try? FileManager.default.removeItem(at: root) }
        let edit = try DefinitionEdit.open(path: Self.webhookPath, root: root)
        let edited = edit.editorText.replacingOccurrences(of: "auth.lob.com", with: "evil.example")
        #expect(edit.finish(edited: edited, root: root) == .refused(
            "the auth.tokenUrl host changed from auth.lob.com to evil.example while auth.clientSecret is kept: "
                + "re-enter it (replace ••••••1) or change the host back"))
    }

    // MARK: - Pieces

    static let literals: [(value: String, isLiteral: Bool)] = [
        ("{{secret.lob_key}}", false), ("Bearer {{secret.x}}", false), ("", false), ("  ", false),
        ("{{{secret.raw}}}", false), ("Basic", false), ("token {{secret.t}}", false),
        ("abc123", true), ("Bearer abc123", true), ("k-{{secret.x}}", true), ("{{secret.x", true), ("Bearerabc", true),
    ]

    @Test(arguments: literals)
    func literalValuesAreToldFromReferences(_ example: (value: String, isLiteral: Bool)) {
        #expect(LiteralSecretRule.isLiteral(example.value) == example.isLiteral, "\(example.value)")
    }

    @Test func credentialNamesFollowTheMaskersRules() {
        #expect(CredentialNames.isCredentialHeader("Authorization"))
        #expect(CredentialNames.isCredentialHeader("X-Webhook-Secret"))
        #expect(CredentialNames.isCredentialHeader("x-partner-key"))
        #expect(!CredentialNames.isCredentialHeader("Idempotency-Key"))
        #expect(!CredentialNames.isCredentialHeader("Content-Type"))
        #expect(CredentialNames.isSecretQueryParameter("API_KEY"))
        #expect(CredentialNames.isSecretQueryParameter("api%5Fkey"))
        #expect(!CredentialNames.isSecretQueryParameter("keys"))
        // Names a credential goes by beyond delivery.md's list (QA, session 21: shown and stored in clear).
        for name in ["client_secret", "refresh_token", "x-api-key", "private_token", "id_token", "app_secret", "passwd", "jwt", "Client%5FSecret"] {
            #expect(CredentialNames.isSecretQueryParameter(name), "\(name)")
        }
        for name in ["sort_key", "page", "email", "keyword"] {
            #expect(!CredentialNames.isSecretQueryParameter(name), "\(name)")
        }
    }

    // MARK: - Secret store values pasted into a file

    @Test func aSecretStoreValueAnywhereInTheFileIsHiddenAndComesBack() throws {
        let pasted = Self.webhook.replacingOccurrences(of: #"'{"a": 1}'"#, with: #"'{"key": "sk_store_9f3e", "a": 1}'"#)
        let workflow = Self.workflow + "  - {id: mail, type: sendEmail, subject: Hi, body: \"key sk_store_9f3e\"}\n"
        let root = try Self.workspace(["hookline.yaml": "name: Edit test\n", Self.webhookPath: pasted, Self.workflowPath: workflow])
        defer { try? FileManager.default.removeItem(at: root) }

        let edit = try DefinitionEdit.open(path: Self.webhookPath, root: root, secretValues: ["sk_store_9f3e", "Lob"])
        #expect(!edit.editorText.contains("sk_store_9f3e"))
        // A value too short to be a credential is left alone rather than hiding ordinary words.
        #expect(edit.editorText.contains("name: Lob letters"))
        let renamed = edit.editorText.replacingOccurrences(of: "name: Lob letters", with: "name: Letters")
        guard case .valid(let text, _) = edit.finish(edited: renamed, root: root) else {
            Issue.record("the edit did not pass")
            return
        }
        #expect(text == pasted.replacingOccurrences(of: "name: Lob letters", with: "name: Letters"))
        // Kept while the host changes: refused like any other kept secret (row 48).
        let moved = edit.editorText.replacingOccurrences(of: "api.lob.com", with: "evil.example")
        guard case .refused = edit.finish(edited: moved, root: root) else {
            Issue.record("a host change with a kept store value was not refused")
            return
        }
        // Workflows are covered too (a sendEmail body).
        let workflowEdit = try DefinitionEdit.open(path: Self.workflowPath, root: root, secretValues: ["sk_store_9f3e"])
        #expect(!workflowEdit.editorText.contains("sk_store_9f3e"))
        #expect(workflowEdit.editorText.contains("body: \"key ••••••1\""))
    }

    // MARK: - New definitions

    @Test func theSkeletonsLoadWithoutErrorsAndNameTheirFile() {
        for kind in [DefinitionSkeleton.Kind.workflow, .webhook] {
            let id = DefinitionSkeleton.id(in: kind.skeleton)
            #expect(id == "new-\(kind.rawValue)")
            let workspace = WorkspaceLoader.load(files: ["\(kind.folder)/\(id ?? "").yaml": kind.skeleton])
            #expect(workspace.errors.isEmpty, "\(workspace.errors)")
        }
        #expect(DefinitionSkeleton.id(in: "name: x\n") == nil)
        #expect(DefinitionSkeleton.id(in: "id: [oops\n") == nil)
        #expect(DefinitionSkeleton.isFileName("signup-flow_2.v1"))
        #expect(!DefinitionSkeleton.isFileName("../escape"))
        #expect(!DefinitionSkeleton.isFileName(".hidden"))
        #expect(!DefinitionSkeleton.isFileName("a b"))
        // Letters of any script name files as well as ASCII ones do; the studio's `n` refused
        // `sys-日本`, which the loader accepted from a file.
        #expect(DefinitionSkeleton.isFileName("sys-日本"))
        #expect(DefinitionSkeleton.isFileName("re\u{301}sume\u{301}"))
        #expect(!DefinitionSkeleton.isFileName("launch-🎉"))
        #expect(!DefinitionSkeleton.isFileName("Bad Id!"))
        #expect(!DefinitionSkeleton.isFileName(""))
    }
}

