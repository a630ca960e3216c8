import Foundation
import StudioModel
import Testing
@testable import StudioTUI

/// `e`: which file it opens, and what happens to the draft and the file after the editor.
struct EditTests {
    static let settings = "name: Edit test\nnetwork:\n  allow: [127.0.0.1/32]\n"
    static let webhook = """
        id: lob-letter
        method: POST
        url: "https://api.lob.com/v1/letters"
        headers:
          Authorization: "Bearer sk_live_abc123"
        body: {type: json, template: '{"a": 1}'}

        """
    static let workflow = """
        id: welcome
        start: {kind: event, event: signup}
        nodes:
          - {id: direct-mail, type: callWebhook, webhook: lob-letter}

        """

    /// A workspace folder on disk with one webhook (a literal bearer token) and one workflow.
    static func workspaceFolder() throws -> URL {
        try Fixtures.folder([("hookline.yaml", settings), ("webhooks/lob.yaml", webhook), ("workflows/welcome.yaml", workflow)])
    }

    /// An "editor" that applies `change` to the draft's text and exits with `status`.
    static func editor(status: Int32 = 0, _ change: @escaping (String) -> String) -> (URL) -> Result<Int32, ExternalEditor.EditorError> {
        { url in
            let text = (try? String(contentsOf: url, encoding: .utf8)) ?? ""
            try? change(text).write(to: url, atomically: true, encoding: .utf8)
            return .success(status)
        }
    }

    static func read(_ root: URL, _ path: String) throws -> String {
        try String(contentsOf: root.appendingPathComponent(path), encoding: .utf8)
    }

    // MARK: - Which file `e` opens

    @Test func eOpensTheWorkflowInTheListAndTheStepsWebhookInTheTree() throws {
        let root = try Self.workspaceFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        var state = AppState(workspace: WorkspaceLoader.load(from: root), size: Size(width: 80, height: 24))
        #expect(reduce(&state, .key(.char("e"))) == [.edit(path: "workflows/welcome.yaml")])
        Fixtures.focus(.workflow, in: &state)
        // Row 0 is the start, row 1 the direct-mail step, which calls lob-letter (webhooks/lob.yaml).
        #expect(reduce(&state, .key(.char("e"))) == [.edit(path: "workflows/welcome.yaml")])
        _ = reduce(&state, .key(.char("j")))
        #expect(reduce(&state, .key(.char("e"))) == [.edit(path: "webhooks/lob.yaml")])
        #expect(state.status?.text == "editing webhooks/lob.yaml…")
    }

    @Test func readonlyStudiosDoNotEdit() throws {
        let root = try Self.workspaceFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        var state = AppState(workspace: WorkspaceLoader.load(from: root), size: Size(width: 80, height: 24), readonly: true)
        #expect(reduce(&state, .key(.char("e"))).isEmpty)
        #expect(reduce(&state, .command(.edit)).isEmpty)
        #expect(state.status?.level == .warning)
    }

    // MARK: - After the editor

    @Test func aValidEditIsSavedWithTheKeptSecretAndTheNewWorkspaceComesBack() throws {
        let root = try Self.workspaceFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        let drafts = DraftEditing(root: root)
        var shown = ""
        let result = drafts.edit("webhooks/lob.yaml", with: Self.editor { text in
            shown = text
            return text.replacingOccurrences(of: "/v1/letters", with: "/v2/letters")
        })
        #expect(!shown.contains("sk_live_abc123"), "the editor saw the secret")
        #expect(result.message == StatusMessage("saved webhooks/lob.yaml"))
        #expect(result.workspace?.webhook(id: "lob-letter")?.url == "https://api.lob.com/v2/letters")
        let saved = try Self.read(root, "webhooks/lob.yaml")
        #expect(saved == Self.webhook.replacingOccurrences(of: "/v1/letters", with: "/v2/letters"))
        #expect(!FileManager.default.fileExists(atPath: drafts.draftURL(for: "webhooks/lob.yaml").path))
    }

    @Test func aFileChangedOnDiskWhileEditingIsNotOverwrittenAndTheUsersTextIsKept() throws {
        let root = try Self.workspaceFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        let drafts = DraftEditing(root: root)
        let pulled = Self.webhook.replacingOccurrences(of: "method: POST", with: "method: PUT")
        let result = drafts.edit("webhooks/lob.yaml", with: Self.editor { text in
            // While the user edits, someone else changes the file (a git pull).
            try? pulled.write(to: root.appendingPathComponent("webhooks/lob.yaml"), atomically: true, encoding: .utf8)
            return text.replacingOccurrences(of: "/v1/letters", with: "/v2/letters")
        })
        #expect(result.workspace == nil)
        #expect(result.message.level == .error)
        #expect(result.message.text.hasPrefix("webhooks/lob.yaml changed on disk while you edited it: your save was refused; your text is in .hookline/drafts/webhooks/lob.yaml."), "\(result.message.text)")
        #expect(try Self.read(root, "webhooks/lob.yaml") == pulled)
        // The user's text is beside the draft, secrets still hidden.
        let kept = try #require(Self.setAside(in: root, for: "webhooks/lob.yaml").first)
        let text = try String(contentsOf: kept, encoding: .utf8)
        #expect(text.contains("/v2/letters"))
        #expect(!text.contains("sk_live_abc123"))
        #expect(result.message.text.contains(kept.lastPathComponent))
    }

    @Test func aKeptDraftOfAnOlderVersionIsSetAsideNotReplaced() throws {
        let root = try Self.workspaceFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        let drafts = DraftEditing(root: root)
        _ = drafts.edit("webhooks/lob.yaml", with: Self.editor { $0.replacingOccurrences(of: "method: POST", with: "method: [POST") })
        // The file changes on disk after the failed save; the next `e` opens it as it is now.
        let pulled = Self.webhook.replacingOccurrences(of: "/v1/letters", with: "/v3/letters")
        try pulled.write(to: root.appendingPathComponent("webhooks/lob.yaml"), atomically: true, encoding: .utf8)
        var opened = ""
        let result = drafts.edit("webhooks/lob.yaml", with: Self.editor { text in
            opened = text
            return text
        })
        #expect(opened.contains("/v3/letters"))
        #expect(!opened.contains("[POST"))
        #expect(result.message.text.hasPrefix("no changes to webhooks/lob.yaml · your unsaved draft of an older version is in "))
        let kept = try #require(Self.setAside(in: root, for: "webhooks/lob.yaml").first)
        #expect(try String(contentsOf: kept, encoding: .utf8).contains("method: [POST"))
    }

    /// Drafts of `path` set aside beside its draft (`<name>.<time>`).
    static func setAside(in root: URL, for path: String) -> [URL] {
        let draft = DraftEditing(root: root).draftURL(for: path)
        let folder = draft.deletingLastPathComponent()
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return names.filter { $0.hasPrefix(draft.lastPathComponent + ".") && !$0.hasSuffix(".base") }
            .map { folder.appendingPathComponent($0) }
    }

    @Test func anInvalidEditKeepsTheFileAndReopensTheUsersDraft() throws {
        let root = try Self.workspaceFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        let drafts = DraftEditing(root: root)
        let broken = drafts.edit("webhooks/lob.yaml", with: Self.editor { $0.replacingOccurrences(of: "method: POST", with: "method: [POST") })
        #expect(broken.workspace == nil)
        #expect(broken.message.level == .error)
        #expect(broken.message.text.hasPrefix("webhooks/lob.yaml:"), "\(broken.message.text)")
        #expect(try Self.read(root, "webhooks/lob.yaml") == Self.webhook)

        // The next `e` opens what the user typed, not the file.
        var reopened = ""
        let fixed = drafts.edit("webhooks/lob.yaml", with: Self.editor { text in
            reopened = text
            return text.replacingOccurrences(of: "method: [POST", with: "method: PUT")
        })
        #expect(reopened.contains("method: [POST"))
        #expect(fixed.message == StatusMessage("saved webhooks/lob.yaml"))
        #expect(try Self.read(root, "webhooks/lob.yaml").contains("method: PUT"))
    }

    @Test func row48AHostChangeWithTheSecretKeptIsRefusedUntilItIsReentered() throws {
        let root = try Self.workspaceFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        let drafts = DraftEditing(root: root)
        let moved = drafts.edit("webhooks/lob.yaml", with: Self.editor { $0.replacingOccurrences(of: "api.lob.com", with: "evil.example") })
        #expect(moved.workspace == nil)
        #expect(moved.message.level == .error)
        #expect(moved.message.text.contains("evil.example"), "\(moved.message.text)")
        #expect(try Self.read(root, "webhooks/lob.yaml") == Self.webhook)

        // Re-entering the token (here a reference to the secret store) lets the save through.
        let reentered = drafts.edit("webhooks/lob.yaml", with: Self.editor { text in
            text.replacing(#/Bearer [^"]*/#, with: "Bearer {{secret.lob_token}}")
        })
        #expect(reentered.message == StatusMessage("saved webhooks/lob.yaml"))
        let saved = try Self.read(root, "webhooks/lob.yaml")
        #expect(saved.contains("https://evil.example/v1/letters"))
        #expect(!saved.contains("sk_live_abc123"))
    }

    @Test func anEditorThatFailsSavesNothing() throws {
        let root = try Self.workspaceFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        let drafts = DraftEditing(root: root)
        let cancelled = drafts.edit("webhooks/lob.yaml", with: Self.editor(status: 1) { $0 + "\n# changed\n" })
        #expect(cancelled.workspace == nil)
        #expect(cancelled.message.level == .warning)
        #expect(try Self.read(root, "webhooks/lob.yaml") == Self.webhook)
        let unchanged = drafts.edit("webhooks/lob.yaml", with: Self.editor { $0 })
        #expect(unchanged.message == StatusMessage("no changes to webhooks/lob.yaml"))
    }

    /// An SSH drop hangs up the editor with the studio (status 128 + SIGHUP): what it had
    /// written to the draft is the user's text, not a cancel like `:cq`, so the draft is kept and
    /// the next `e` reopens it.
    @Test func anEditorStoppedByASignalKeepsWhatItWroteForTheNextE() throws {
        let root = try Self.workspaceFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        let drafts = DraftEditing(root: root)
        let hungUp = drafts.edit("webhooks/lob.yaml", with: Self.editor(status: 128 + SIGHUP) { $0 + "# mine\n" })
        #expect(hungUp.workspace == nil)
        #expect(try Self.read(root, "webhooks/lob.yaml") == Self.webhook)
        let kept = try #require(hungUp.keptDraft)
        #expect(kept == ".hookline/drafts/webhooks/lob.yaml")
        #expect(hungUp.message.text.contains("stopped by signal \(SIGHUP)") && hungUp.message.text.contains(kept), "\(hungUp.message)")
        #expect(try Self.read(root, kept).hasSuffix("# mine\n"))

        var reopened = ""
        _ = drafts.edit("webhooks/lob.yaml", with: Self.editor(status: 128 + SIGHUP) { text in
            reopened = text
            return text
        })
        #expect(reopened.hasSuffix("# mine\n"))
        // Stopped before anything was written: there is no text of the user's to keep.
        let fresh = try Self.workspaceFolder()
        defer { try? FileManager.default.removeItem(at: fresh) }
        let untouched = DraftEditing(root: fresh).edit("webhooks/lob.yaml", with: Self.editor(status: 128 + SIGTERM) { $0 })
        #expect(untouched.keptDraft == nil)
        #expect(!FileManager.default.fileExists(atPath: fresh.appendingPathComponent(kept).path))
    }

    // MARK: - New definitions

    @Test func nStartsAWorkflowInTheListAndAWebhookInTheTree() throws {
        let root = try Self.workspaceFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        var state = AppState(workspace: WorkspaceLoader.load(from: root), size: Size(width: 80, height: 24))
        #expect(reduce(&state, .key(.char("n"))) == [.create(.workflow)])
        Fixtures.focus(.workflow, in: &state)
        #expect(reduce(&state, .key(.char("n"))) == [.create(.webhook)])
        state.readonly = true
        #expect(reduce(&state, .key(.char("n"))).isEmpty)
    }

    @Test func nOnTheSystemWebhooksScreenCreatesOneThatLoadsDisabled() throws {
        let root = try Self.workspaceFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        var state = AppState(workspace: WorkspaceLoader.load(from: root), size: Size(width: 80, height: 24))
        _ = reduce(&state, .key(.char("3")))
        #expect(reduce(&state, .key(.char("n"))) == [.create(.systemWebhook)])
        let created = DraftEditing(root: root).create(
            .systemWebhook, with: Self.editor { $0.replacingOccurrences(of: "id: new-system-webhook", with: "id: bi") })
        #expect(created.message == StatusMessage("created system-webhooks/bi.yaml"))
        let hook = try #require(created.workspace?.systemWebhooks.first { $0.id == "bi" })
        #expect(!hook.enabled && hook.events == ["emailSend"])
    }

    @Test func aNewWorkflowIsNamedAfterItsIDAndCheckedLikeAnEdit() throws {
        let root = try Self.workspaceFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        let drafts = DraftEditing(root: root)
        // Same id as an existing workflow: refused, the draft kept.
        let taken = drafts.create(.workflow, with: Self.editor { $0.replacingOccurrences(of: "id: new-workflow", with: "id: welcome") })
        #expect(taken.workspace == nil)
        #expect(taken.message.text.contains("workflows/welcome.yaml already exists"), "\(taken.message.text)")
        // The draft comes back; an unknown webhook in a step is an error with its location.
        var reopened = ""
        let broken = drafts.create(.workflow, with: Self.editor { text in
            reopened = text
            return text.replacingOccurrences(of: "id: welcome", with: "id: signup-flow")
                .replacingOccurrences(of: "type: exit ", with: "type: callWebhook\n    webhook: nope ")
        })
        #expect(reopened.contains("id: welcome"))
        #expect(broken.message.text.hasPrefix("workflows/signup-flow.yaml:"), "\(broken.message.text)")
        #expect(!FileManager.default.fileExists(atPath: root.appendingPathComponent("workflows/signup-flow.yaml").path))
        // Fixed: created, and the workspace has it.
        let created = drafts.create(.workflow, with: Self.editor { $0.replacingOccurrences(of: "webhook: nope", with: "webhook: lob-letter") })
        #expect(created.message == StatusMessage("created workflows/signup-flow.yaml"))
        #expect(created.workspace?.workflow(id: "signup-flow") != nil)
        #expect(try Self.read(root, "workflows/signup-flow.yaml").contains("webhook: lob-letter"))
        // An untouched skeleton creates nothing.
        let nothing = drafts.create(.webhook, with: Self.editor { $0 })
        #expect(nothing.workspace == nil)
        #expect(nothing.message == StatusMessage("no changes: no webhook created"))
    }

    // MARK: - Test send

    @Test func tTestSendsTheSelectedStepsWebhookAndItsExchangeOpens() throws {
        let root = try Self.workspaceFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        var state = AppState(workspace: WorkspaceLoader.load(from: root), size: Size(width: 80, height: 24))
        Fixtures.focus(.workflow, in: &state)
        // Row 0 is the start: no webhook to send.
        #expect(reduce(&state, .key(.char("t"))).isEmpty)
        #expect(state.status?.level == .warning)
        _ = reduce(&state, .key(.char("j")))
        // `t` asks whom for; Enter on an empty line sends for the first stored user.
        #expect(reduce(&state, .key(.char("t"))).isEmpty)
        #expect(state.stepUserInput?.email == "")
        #expect(
            reduce(&state, .key(.enter))
                == [.testSend(webhookID: "lob-letter", workflowID: "welcome", nodeID: "direct-mail", email: nil)])
        #expect(state.stepUserInput == nil)
        let record = AttemptRecord(
            startedAt: Date(), deliveryID: "msg_test", attempt: 1, webhookID: "lob-letter", method: "POST",
            url: "https://api.lob.com/v1/letters", status: 201, outcome: .success, trigger: .test)
        _ = reduce(&state, .showExchange(record))
        #expect(state.details?.record.deliveryID == "msg_test")
        state.details = nil
        state.readonly = true
        #expect(reduce(&state, .key(.char("t"))).isEmpty)
        #expect(state.stepUserInput == nil)
    }

    @Test func aTestSendGoesToTheAddressTypedWhichTheNextOneOffersAgain() throws {
        let root = try Self.workspaceFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        var state = AppState(workspace: WorkspaceLoader.load(from: root), size: Size(width: 80, height: 24))
        Fixtures.focus(.workflow, in: &state)
        _ = reduce(&state, .key(.char("j")))
        _ = reduce(&state, .key(.char("t")))
        let empty = renderApp(state)
        #expect(empty.rowText(empty.size.height - 2).contains("test send lob-letter to ▏(first stored user)  ⏎ send  Esc cancel"))
        for character in "bob@example.comm" { _ = reduce(&state, .key(.char(character))) }
        _ = reduce(&state, .key(.backspace))
        // The prompt and the keys that finish it are in the hint row.
        let grid = renderApp(state)
        let screen = (0..<grid.size.height).map(grid.rowText).joined(separator: "\n")
        #expect(screen.contains("test send lob-letter to bob@example.com"))
        #expect(screen.contains("⏎ send  Esc cancel"))
        #expect(
            reduce(&state, .key(.enter))
                == [.testSend(webhookID: "lob-letter", workflowID: "welcome", nodeID: "direct-mail", email: "bob@example.com")])
        // Offered again; Esc sends nothing.
        _ = reduce(&state, .key(.char("t")))
        #expect(state.stepUserInput?.email == "bob@example.com")
        #expect(reduce(&state, .key(.escape)).isEmpty)
        #expect(state.stepUserInput == nil)
        // Keys go to the prompt while it is open: `q` is a letter of the address, not quit.
        _ = reduce(&state, .key(.char("t")))
        _ = reduce(&state, .key(.ctrl("u")))
        #expect(reduce(&state, .key(.char("q"))).isEmpty)
        #expect(state.stepUserInput?.email == "q")
    }

    @Test func pPreviewsTheStepsRequestForTheUserNamedWithoutSendingIt() throws {
        let root = try Self.workspaceFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        var state = AppState(workspace: WorkspaceLoader.load(from: root), size: Size(width: 80, height: 24), readonly: true)
        Fixtures.focus(.workflow, in: &state)
        _ = reduce(&state, .key(.char("j")))
        // A preview sends nothing, so read-only studios have it too.
        _ = reduce(&state, .key(.char("p")))
        #expect(state.stepUserInput?.purpose == .preview)
        let prompt = renderApp(state)
        #expect(prompt.rowText(prompt.size.height - 2).contains("preview lob-letter for ▏(first stored user)  ⏎ preview  Esc cancel"))
        for character in "ada@example.com" { _ = reduce(&state, .key(.char(character))) }
        #expect(
            reduce(&state, .key(.enter))
                == [.preview(webhookID: "lob-letter", workflowID: "welcome", nodeID: "direct-mail", email: "ada@example.com")])

        let request = AttemptRecord(
            startedAt: Date(), deliveryID: "msg_preview", workflowID: "welcome", nodeID: "direct-mail",
            webhookID: "lob-letter", userEmail: "ada@example.com", method: "POST", url: "https://api.lob.com/v1/letters",
            requestHeaders: [HeaderField("Authorization", "Basic ••••••")], requestBody: #"{"to":"Ada"}"#, outcome: .success)
        _ = reduce(&state, .showPreview(request))
        let grid = renderApp(state)
        let screen = (0..<grid.size.height).map(grid.rowText).joined(separator: "\n")
        #expect(screen.contains("Preview · not sent"))
        #expect(screen.contains("POST https://api.lob.com/v1/letters"))
        #expect(screen.contains("preview for ada@example.com · welcome/direct-mail"))
        #expect(screen.contains("Authorization: Basic ••••••"))
        #expect(screen.contains("Not sent. Esc, then t, test sends it for the same user."))
        #expect(!screen.contains("Response"))
        #expect(!screen.contains("R replay"))
        // Nothing to replay; Esc closes it, and the next `t` offers the same user.
        state.readonly = false
        #expect(reduce(&state, .key(.char("R"))).isEmpty)
        #expect(state.status?.text == "a preview was not sent: nothing to replay")
        _ = reduce(&state, .key(.escape))
        #expect(state.details == nil)
        _ = reduce(&state, .key(.char("t")))
        #expect(state.stepUserInput == StepUserInput(
            purpose: .testSend, webhookID: "lob-letter", workflowID: "welcome", nodeID: "direct-mail", email: "ada@example.com"))
    }
}

