import Foundation
import Testing

@testable import StudioModel

struct WorkspaceLoaderTests {
    @Test func validWorkspaceLoadsIntoValues() {
        let workspace = WorkspaceLoader.load(files: WorkspaceTestFiles.valid)
        #expect(workspace.diagnostics.map(\.description) == [])

        #expect(workspace.settings.name == "Test")
        #expect(workspace.settings.delivery.timeout.seconds == 20)
        #expect(workspace.settings.delivery.connectTimeout.seconds == 5)
        #expect(workspace.settings.delivery.maxInFlight == 8)
        #expect(workspace.settings.networkAllowlist == ["127.0.0.1/32", "localhost"])

        let webhook = Webhook(
            id: "hook", name: "Test hook", method: .post, url: "https://example.com/hooks/{{email}}",
            auth: .bearer(token: "{{secret.token}}"),
            headers: [HeaderTemplate(name: "X-One", value: "1"), HeaderTemplate(name: "X-Two", value: "{{plan}}")],
            body: .json(template: #"{"email": "{{email}}"}"#), timeout: WorkflowDuration(seconds: 10, text: "10s"))
        #expect(workspace.webhooks == [webhook])

        #expect(workspace.systemWebhooks == [
            SystemWebhook(id: "sys", endpoint: "https://bi.example.com/email", events: ["emailSend", "emailOpen"])
        ])

        let workflow = Workflow(
            id: "flow", name: "Flow", start: .event("signup"), limits: WorkflowLimits(lifetime: 1),
            nodes: [
                WorkflowNode(
                    id: "call", kind: .callWebhook(webhook: "hook", onError: .exit), next: .single("wait"),
                    location: SourceLocation(line: 6, column: 5)),
                WorkflowNode(
                    id: "wait", kind: .delay(WorkflowDuration(seconds: 172_800, text: "2d")), next: .single("check"),
                    location: SourceLocation(line: 10, column: 5)),
                WorkflowNode(
                    id: "check",
                    kind: .yesNo(
                        Condition(.all, [.init(field: "plan", op: .equals, value: "pro"), .init(field: "age", op: .greaterThan, value: 30)])),
                    next: .branches(["yes": "mail"]), location: SourceLocation(line: 14, column: 5)),
                WorkflowNode(
                    id: "mail", kind: .sendEmail(subject: "Hi", body: ""), location: SourceLocation(line: 18, column: 5)),
            ])
        #expect(workspace.workflows == [workflow])
    }

    /// A `.yml` file was skipped in silence, so its workflow never ran and validate said nothing.
    @Test func ymlFilesLoadLikeYamlFilesAndOneIdInBothIsADuplicate() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("hookline-yml-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        for (path, text) in WorkspaceTestFiles.valid.map({ ($0.key.replacingOccurrences(of: ".yaml", with: ".yml"), $0.value) }) {
            let url = root.appendingPathComponent(path == "hookline.yml" ? "hookline.yaml" : path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(text.utf8).write(to: url)
        }
        let workspace = WorkspaceLoader.load(from: root)
        #expect(workspace.diagnostics.map(\.description) == [])
        #expect(workspace.workflows.map(\.id) == ["flow"])
        #expect(workspace.webhooks.map(\.id) == ["hook"])
        #expect(workspace.systemWebhooks.map(\.id) == ["sys"])

        try Data(WorkspaceTestFiles.workflow.utf8).write(to: root.appendingPathComponent("workflows/flow.yaml"))
        #expect(WorkspaceLoader.load(from: root).diagnostics.map(\.description) == [
            "workflows/flow.yml:1:5: error: duplicate workflow id 'flow'; this file is skipped (also defined in workflows/flow.yaml)"
        ])
    }

    @Test func missingSettingsFileUsesDefaults() {
        var files = WorkspaceTestFiles.valid
        files["hookline.yaml"] = nil
        let workspace = WorkspaceLoader.load(files: files)
        #expect(workspace.diagnostics.isEmpty)
        #expect(workspace.settings == WorkspaceSettings())
    }

    @Test func otherBodyAndAuthShapesLoad() {
        var files = WorkspaceTestFiles.valid
        files["webhooks/form.yaml"] = """
            id: form
            method: put
            url: http://10.0.0.1:8080/x?y={{email}}
            auth: {type: oauth2cc, tokenUrl: "https://auth.example.com/token", clientId: a, clientSecret: "{{secret.b}}"}
            body: {type: form, fields: {email: "{{email}}", plan: pro}}
            signing: {secret: "{{secret.sign}}"}
            """
        files["webhooks/raw.yaml"] = """
            id: raw
            url: https://example.com
            auth: {type: basic, username: u}
            body: {type: raw, template: "hello {{firstName}}", contentType: text/csv}
            """
        let workspace = WorkspaceLoader.load(files: files)
        #expect(workspace.diagnostics.map(\.description) == [])
        let form = workspace.webhook(id: "form")
        #expect(form?.method == .put)
        #expect(
            form?.auth
                == .oauth2ClientCredentials(
                    tokenURL: "https://auth.example.com/token", clientID: "a", clientSecret: "{{secret.b}}", scope: nil))
        #expect(form?.body == .form(fields: [.init(name: "email", value: "{{email}}"), .init(name: "plan", value: "pro")]))
        #expect(form?.signing == WebhookSigning(secret: "{{secret.sign}}"))
        let raw = workspace.webhook(id: "raw")
        #expect(raw?.auth == .basic(username: "u", password: ""))
        #expect(raw?.body == .raw(template: "hello {{firstName}}", contentType: "text/csv"))
    }

    /// A part written wrongly makes its webhook not load, as a bad url or body does: a `signing:`
    /// without its secret loaded the webhook unsigned, a bad `timeout:` or `retries:` with the
    /// defaults, a system webhook's `enabled: flase` enabled, so `serve` sent what `validate`
    /// called an error. Absent, or null, they are the defaults as before.
    @Test(arguments: [
        "signing: {scheme: standard-webhooks}", "signing: {scheme: hmac, secret: \"{{secret.s}}\"}", "timeout: soon",
        "timeout: 0s", "retries: [10s, later]", "retries: sometimes",
    ])
    func aWebhookWithAPartWrittenWronglyDoesNotLoad(part: String) {
        var files = WorkspaceTestFiles.valid
        files["webhooks/broken.yaml"] = "id: broken\nurl: https://example.com/x\n\(part)\n"
        files["webhooks/plain.yaml"] = "id: plain\nurl: https://example.com/x\nsigning: null\ntimeout: null\nretries: null\n"
        let workspace = WorkspaceLoader.load(files: files)
        #expect(workspace.webhook(id: "broken") == nil)
        #expect(workspace.webhook(id: "plain") != nil)
        #expect(workspace.diagnostics.contains { $0.path == "webhooks/broken.yaml" && $0.severity == .error })
    }

    @Test func aSystemWebhookWithAFlagWrittenWronglyDoesNotLoad() {
        var files = WorkspaceTestFiles.valid
        files["system-webhooks/off.yaml"] = "id: off\nendpoint: https://example.com/e\nevents: [emailSend]\nenabled: flase\n"
        let workspace = WorkspaceLoader.load(files: files)
        #expect(!workspace.systemWebhooks.contains { $0.id == "off" })
        #expect(workspace.diagnostics.contains { $0.path == "system-webhooks/off.yaml" && $0.severity == .error })
    }

    @Test func webhookNodeBranchesAndAnyConditions() {
        let files = WorkspaceTestFiles.withWorkflow(
            """
              - id: a
                type: updateProfileWebhook
                webhook: hook
                mergeNestedObjects: true
                onError: branch
                next: {ok: b, error: c}
              - id: b
                type: yesNo
                condition: {any: [{field: vip, op: exists}, {field: tags, op: contains, value: "1"}]}
                next: c
              - id: c
                type: sendSMS
                body: "hi {{firstName}}"
                next: exit
            """)
        let workspace = WorkspaceLoader.load(files: files)
        #expect(workspace.diagnostics.map(\.description) == [
            "workflows/w.yaml:5:14: warning: Update Profile webhook 'hook' uses POST; Iterable saves only GET responses (set 'method: GET' in webhooks/hook.yaml)"
        ])
        let workflow = workspace.workflow(id: "w")
        #expect(workflow?.nodes.map(\.kind) == [
            .updateProfileWebhook(webhook: "hook", mergeNestedObjects: true, onError: .branch),
            .yesNo(Condition(.any, [.init(field: "vip", op: .exists), .init(field: "tags", op: .contains, value: "1")])),
            .sendSMS(body: "hi {{firstName}}"),
        ])
        #expect(workflow?.nodes.map(\.next) == [.branches(["next": "b", "error": "c"]), .single("c"), NodeNext.none])
    }

    @Test func syntaxErrorInOneFileLetsOthersLoad() {
        var files = WorkspaceTestFiles.valid
        files["workflows/broken.yaml"] = "id: broken\nnodes: [a, b\n"
        let workspace = WorkspaceLoader.load(files: files)
        #expect(workspace.diagnostics.map(\.description) == [
            "workflows/broken.yaml:3:1: error: invalid YAML: did not find expected ',' or ']' (while parsing a flow sequence that starts at line 2, column 8)"
        ])
        #expect(workspace.workflows.map(\.id) == ["flow"])
        #expect(workspace.webhooks.map(\.id) == ["hook"])
        #expect(workspace.systemWebhooks.map(\.id) == ["sys"])
    }

    @Test func columnsCountCharactersNotScalars() {
        var files = WorkspaceTestFiles.valid
        files["hookline.yaml"] = "name: \"e\u{301}e\u{301}\"\nnetwork: {allow: [\"e\u{301}\", bad host]}\n"
        let workspace = WorkspaceLoader.load(files: files)
        #expect(workspace.diagnostics.map(\.description) == [
            "hookline.yaml:2:19: error: invalid network allow entry 'e\u{301}' (use a CIDR such as 10.0.0.0/8 or 127.0.0.1/32, an IP address, or a host name)",
            "hookline.yaml:2:24: error: invalid network allow entry 'bad host' (use a CIDR such as 10.0.0.0/8 or 127.0.0.1/32, an IP address, or a host name)",
        ])
    }

    /// A fully qualified name is a host name: `localhost.` was refused as an invalid entry.
    @Test func aHostNameAllowEntryMayEndInADot() {
        var files = WorkspaceTestFiles.valid
        files["hookline.yaml"] = "name: x\nnetwork: {allow: [localhost., Only127.Test., crm.internal]}\n"
        let workspace = WorkspaceLoader.load(files: files)
        #expect(workspace.diagnostics.map(\.description) == [])
        #expect(workspace.settings.networkAllowlist == ["localhost.", "Only127.Test.", "crm.internal"])
    }

    @Test func loadFromDiskMatchesLoadFromMemory() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("hookline-loader-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        var files = WorkspaceTestFiles.valid
        files["workflows/broken.yaml"] = "id: broken\nnodes: [a, b\n"
        files["workflows/notes.txt"] = "ignored"
        for (path, contents) in files {
            let url = root.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try WorkspaceWriter.writeAtomically(contents, to: url)
        }
        #expect(WorkspaceLoader.load(from: root) == WorkspaceLoader.load(files: files))
        #expect(WorkspaceLoader.load(from: root.appendingPathComponent("missing")) == Workspace())
    }
}
