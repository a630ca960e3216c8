import Foundation
import StudioModel
import Testing
@testable import StudioTUI

/// `b` on the Webhooks screen: the body template edited in the studio beside its live preview,
/// saved into the file alone.
struct BodyEditorTests {
    static let webhook = """
        # Letters to Lob.
        id: lob-letter
        method: POST
        url: "https://api.lob.com/v1/letters"
        headers:
          Authorization: "Bearer sk_live_abc123"
        body:
          type: json
          template: |
            {"name": "{{firstName}}", "age": {{age}}}
        timeout: 10s  # kept

        """

    static func workspaceFolder() throws -> URL {
        try Fixtures.folder([("hookline.yaml", "name: Body test\n"), ("webhooks/lob.yaml", webhook)])
    }

    static let ada = StoredUser(
        email: "ada@example.com", profile: JSONObject([("firstName", .string("Ada")), ("age", .int(36))]))

    /// The state with the editor open on lob-letter's template, as the runtime opens it.
    static func editing(_ root: URL) -> AppState {
        var state = AppState(workspace: WorkspaceLoader.load(from: root), size: Size(width: 80, height: 24))
        _ = reduce(&state, .key(.char("2")))
        let drafts = DraftEditing(root: root)
        guard case .read(let template, let type, let fileText) = drafts.bodyTemplate(of: "webhooks/lob.yaml") else {
            return state
        }
        _ = reduce(&state, .bodyEditorOpened(
            OpenedBody(webhookID: "lob-letter", path: "webhooks/lob.yaml", type: type, template: template, fileText: fileText)))
        _ = reduce(&state, .previewUserLoaded(ada))
        return state
    }

    /// The webhook file as the body editor opens it.
    static func fileText(_ drafts: DraftEditing) -> String? {
        guard case .read(_, _, let fileText) = drafts.bodyTemplate(of: "webhooks/lob.yaml") else { return nil }
        return fileText
    }

    static func type(_ text: String, into state: inout AppState) {
        for character in text { _ = reduce(&state, .key(character == "\n" ? .enter : .char(character))) }
    }

    @Test func bOpensTheSelectedWebhooksBodyAndAsksForThePreviewsUser() throws {
        let root = try Self.workspaceFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        var state = AppState(workspace: WorkspaceLoader.load(from: root), size: Size(width: 80, height: 24))
        _ = reduce(&state, .key(.char("2")))
        #expect(reduce(&state, .key(.char("b"))) == [.openBodyEditor(webhookID: "lob-letter", path: "webhooks/lob.yaml")])
        let opened = OpenedBody(webhookID: "lob-letter", path: "webhooks/lob.yaml", type: "json", template: "{}\n", fileText: "")
        #expect(reduce(&state, .bodyEditorOpened(opened)) == [.loadPreviewUser(email: nil)])
        state.readonly = true
        state.bodyEditor = nil
        #expect(reduce(&state, .key(.char("b"))) == [])
    }

    @Test func thePreviewFollowsTheTypingAndLocatesItsProblems() throws {
        let root = try Self.workspaceFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        var state = Self.editing(root)
        var text = (0..<24).map { renderApp(state).rowText($0) }.joined(separator: "\n")
        #expect(text.contains("for ada@example.com"))
        #expect(text.contains("\"name\": \"Ada\","))
        #expect(text.contains("✓ renders to valid JSON"))
        // A missing comma after the first value: JSON no longer parses, and the line is named.
        _ = reduce(&state, .key(.end))
        Self.type("\n{\"vip\": true}", into: &state)
        text = (0..<24).map { renderApp(state).rowText($0) }.joined(separator: "\n")
        #expect(text.contains("✗ 2:"))
        #expect(text.contains("modified"))
        // An unclosed tag is a template error at its line and column.
        Self.type(" {{#if", into: &state)
        let rendered = renderApp(state)
        text = (0..<24).map { rendered.rowText($0) }.joined(separator: "\n")
        #expect(text.contains("✗ 2:"))
        Snapshot.assert(rendered, named: "body-editor-80x24")
    }

    @Test func secretsInTheTemplateShowAsTheMaskInThePreview() {
        let preview = BodyPreview.render(
            "{\"key\": \"{{secret.lob_key}}\", \"n\": \"{{firstName}}\"}", type: "json", user: Self.ada, now: Date())
        #expect(preview.problem == nil)
        #expect(preview.lines.joined().contains("\"key\": \"••••••\""))
    }

    @Test func ctrlSSavesTheTemplateAloneKeepingCommentsAndSecrets() throws {
        let root = try Self.workspaceFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        var state = Self.editing(root)
        _ = reduce(&state, .key(.ctrl("e")))
        _ = reduce(&state, .key(.left))
        Self.type(", \"plan\": \"{{plan}}\"", into: &state)
        let effects = reduce(&state, .key(.ctrl("s")))
        guard case .saveBody(let save)? = effects.first else {
            Issue.record("no save: \(effects)")
            return
        }
        #expect(save.template == "{\"name\": \"{{firstName}}\", \"age\": {{age}}, \"plan\": \"{{plan}}\"}\n")
        let outcome = DraftEditing(root: root).saveBodyTemplate(save.template, in: save.path, openedFrom: save.fileText)
        #expect(outcome.result.message.text == "saved webhooks/lob.yaml")
        let file = try String(contentsOf: root.appendingPathComponent("webhooks/lob.yaml"), encoding: .utf8)
        #expect(file == Self.webhook.replacingOccurrences(of: "{{age}}}", with: "{{age}}, \"plan\": \"{{plan}}\"}"))
        #expect(outcome.result.workspace?.webhook(id: "lob-letter").map { $0.body == .json(template: save.template) } == true)
        // Once saved, Esc closes without asking.
        _ = reduce(&state, .bodySaved(fileText: outcome.fileText ?? ""))
        _ = reduce(&state, .key(.escape))
        #expect(state.bodyEditor == nil)
    }

    @Test func aTemplateThatDoesNotParseIsNotSaved() throws {
        let root = try Self.workspaceFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        let drafts = DraftEditing(root: root)
        let fileText = try #require(Self.fileText(drafts))
        let outcome = drafts.saveBodyTemplate("{\"a\": {{#if x}}\n", in: "webhooks/lob.yaml", openedFrom: fileText)
        #expect(outcome.fileText == nil)
        #expect(outcome.result.message.level == .error)
        #expect(outcome.result.message.text.hasPrefix("webhooks/lob.yaml:"))
        #expect(try String(contentsOf: root.appendingPathComponent("webhooks/lob.yaml"), encoding: .utf8) == Self.webhook)
    }

    @Test func aFileChangedOnDiskMeanwhileIsNotWrittenOver() throws {
        let root = try Self.workspaceFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        let drafts = DraftEditing(root: root)
        let fileText = try #require(Self.fileText(drafts))
        let pulled = Self.webhook.replacingOccurrences(of: "timeout: 10s", with: "timeout: 20s")
        try pulled.write(to: root.appendingPathComponent("webhooks/lob.yaml"), atomically: true, encoding: .utf8)
        let outcome = drafts.saveBodyTemplate("{}\n", in: "webhooks/lob.yaml", openedFrom: fileText)
        #expect(outcome.fileText == nil)
        #expect(outcome.result.message.text.contains("changed on disk"))
        #expect(try String(contentsOf: root.appendingPathComponent("webhooks/lob.yaml"), encoding: .utf8) == pulled)
    }

    /// QA F3: a dropped SSH connection (SIGHUP) lost the body editor's typing without trace.
    @Test func aSignalKeepsUnsavedTypingAsTheDraftTheNextEOpens() throws {
        let root = try Self.workspaceFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        var state = Self.editing(root)
        Self.type("x", into: &state)
        let effects = reduce(&state, .terminate(signal: SIGHUP))
        let typing = try #require(state.bodyEditor?.typing)
        #expect(effects == [.keepBodyDraft(path: "webhooks/lob.yaml", typing, replacing: nil, announced: true), .quit(code: 129)])

        let drafts = DraftEditing(root: root)
        #expect(drafts.keepBodyDraft(typing, of: "webhooks/lob.yaml") == ".hookline/drafts/webhooks/lob.yaml")
        var opened = ""
        _ = drafts.edit("webhooks/lob.yaml", with: EditTests.editor { text in
            opened = text
            return text
        })
        #expect(opened.contains("x{\"name\""), "\(opened)")
        #expect(opened.contains("timeout: 10s  # kept"))
        #expect(!opened.contains("sk_live_abc123"))
    }


    /// A crash or `kill -9` of the studio lost the body editor's typing: it is kept in the draft
    /// each second while it changes, in place of what was kept before, and the draft goes once
    /// the typing is saved or given up.
    @Test func typingIsKeptAsTheDraftEachSecondAndTheDraftGoesWithTheTyping() throws {
        let root = try Self.workspaceFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        let drafts = DraftEditing(root: root)
        let draft = drafts.draftURL(for: "webhooks/lob.yaml")
        func run(_ effects: [Effect]) {
            for effect in effects {
                switch effect {
                case .keepBodyDraft(let path, let body, let earlier, _): _ = drafts.keepBodyDraft(body, of: path, replacing: earlier)
                case .discardBodyDraft(let path, let body): drafts.discardBodyDraft(body, of: path)
                default: Issue.record("unexpected \(effect)")
                }
            }
        }
        var state = Self.editing(root)
        #expect(reduce(&state, .tick(Date())) == [], "nothing typed, nothing kept")
        Self.type("x", into: &state)
        let first = try #require(state.bodyEditor?.typing)
        var effects = reduce(&state, .tick(Date()))
        #expect(effects == [.keepBodyDraft(path: "webhooks/lob.yaml", first, replacing: nil, announced: false)])
        run(effects)
        #expect(try String(contentsOf: draft, encoding: .utf8).contains("x{\"name\""))
        #expect(reduce(&state, .tick(Date())) == [], "unchanged since the last tick")

        Self.type("y", into: &state)
        let second = try #require(state.bodyEditor?.typing)
        effects = reduce(&state, .tick(Date()))
        #expect(effects == [.keepBodyDraft(path: "webhooks/lob.yaml", second, replacing: first, announced: false)])
        run(effects)
        #expect(try String(contentsOf: draft, encoding: .utf8).contains("xy{\"name\""))
        let folder = draft.deletingLastPathComponent().path
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder).sorted() == ["lob.yaml", "lob.yaml.base"],
            "the earlier typing is replaced, not set aside")

        _ = reduce(&state, .key(.escape))
        effects = reduce(&state, .key(.char("y")))
        #expect(state.bodyEditor == nil)
        #expect(effects == [.discardBodyDraft(path: "webhooks/lob.yaml", second)])
        run(effects)
        #expect(!FileManager.default.fileExists(atPath: draft.path), "given up, the typing leaves no draft for e to reopen")
    }

    /// After a crash the body editor opens with the typing it kept, unsaved, and goes on keeping
    /// it in the same draft; a draft of an older file, or with other changes, is not taken for it.
    @Test func theTypingKeptBeforeACrashIsWhatTheEditorOpensWith() throws {
        let root = try Self.workspaceFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        let drafts = DraftEditing(root: root)
        let fileText = try #require(Self.fileText(drafts))
        #expect(drafts.keptBodyTyping(of: "webhooks/lob.yaml", fileText: fileText) == nil)
        var state = Self.editing(root)
        Self.type("x", into: &state)
        let typing = try #require(state.bodyEditor?.typing)
        _ = drafts.keepBodyDraft(typing, of: "webhooks/lob.yaml")
        let restored = try #require(drafts.keptBodyTyping(of: "webhooks/lob.yaml", fileText: fileText))
        #expect(restored == typing)
        #expect(drafts.keptBodyTyping(of: "webhooks/lob.yaml", fileText: fileText + "# pulled\n") == nil, "the file changed since")

        var reopened = AppState(workspace: WorkspaceLoader.load(from: root), size: Size(width: 80, height: 24))
        _ = reduce(&reopened, .bodyEditorOpened(OpenedBody(
            webhookID: "lob-letter", path: "webhooks/lob.yaml", type: "json", template: "{}", fileText: fileText, restored: restored)))
        #expect(reopened.bodyEditor?.buffer.text == typing.template)
        #expect(reopened.bodyEditor?.isDirty == true)
        #expect(reduce(&reopened, .tick(Date())) == [], "already kept")

        let draft = drafts.draftURL(for: "webhooks/lob.yaml")
        try (fileText + "extra: line\n").write(to: draft, atomically: true, encoding: .utf8)
        #expect(drafts.keptBodyTyping(of: "webhooks/lob.yaml", fileText: fileText) == nil, "an $EDITOR draft is e's to reopen")
    }

    @Test func aSavedBodyTakesItsDraftAwayAndADraftOfOtherTextStays() throws {
        let root = try Self.workspaceFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        let drafts = DraftEditing(root: root)
        var state = Self.editing(root)
        Self.type("x", into: &state)
        let typing = try #require(state.bodyEditor?.typing)
        _ = reduce(&state, .tick(Date()))
        #expect(state.bodyEditor?.keptDraft == typing)
        let saved = try #require(typing.draftText)
        #expect(reduce(&state, .bodySaved(fileText: saved)) == [.discardBodyDraft(path: "webhooks/lob.yaml", typing)])
        #expect(reduce(&state, .tick(Date())) == [], "saved: nothing to keep")

        // An edit in $EDITOR that did not pass left this draft: the body editor's discard keeps it.
        let draft = drafts.draftURL(for: "webhooks/lob.yaml")
        try FileManager.default.createDirectory(at: draft.deletingLastPathComponent(), withIntermediateDirectories: true)
        try "id: lob-letter\nname: from the editor\n".write(to: draft, atomically: true, encoding: .utf8)
        drafts.discardBodyDraft(typing, of: "webhooks/lob.yaml")
        #expect(try String(contentsOf: draft, encoding: .utf8) == "id: lob-letter\nname: from the editor\n")
    }
    @Test func ctrlZSuspendsWithTheTypingKept() throws {
        let root = try Self.workspaceFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        var state = Self.editing(root)
        Self.type("x", into: &state)
        #expect(reduce(&state, .key(.ctrl("z"))) == [.suspend])
        #expect(state.bodyEditor?.buffer.text.hasPrefix("x{") == true)
    }

    /// QA F12: Ctrl+C did nothing in the body editor; it quits, asking first over unsaved typing.
    @Test func ctrlCAsksBeforeQuittingOverUnsavedTyping() throws {
        let root = try Self.workspaceFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        var state = Self.editing(root)
        Self.type("x", into: &state)
        #expect(reduce(&state, .key(.ctrl("c"))) == [])
        #expect(renderApp(state).rowText(22).contains("y discards them and quits"))
        #expect(reduce(&state, .key(.char("n"))) == [])
        #expect(state.bodyEditor?.buffer.text.hasPrefix("x{") == true)
        _ = reduce(&state, .key(.ctrl("c")))
        #expect(reduce(&state, .key(.char("y"))) == [.quit(code: 0)])
        // Unchanged, it quits at once.
        var clean = Self.editing(root)
        #expect(reduce(&clean, .key(.ctrl("c"))) == [.quit(code: 0)])
    }

    /// QA F11: under the "too small" notice `q` keeps unsaved typing, so the notice must not offer it.
    @Test func theTooSmallNoticeDoesNotOfferQOverUnsavedTyping() throws {
        let root = try Self.workspaceFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        var state = Self.editing(root)
        Self.type("x", into: &state)
        _ = reduce(&state, .resize(Size(width: 60, height: 20)))
        let screen = (0..<20).map { renderApp(state).rowText($0) }.joined(separator: "\n")
        #expect(!screen.contains("q quits"))
        #expect(screen.contains("enlarge it to go back to your unsaved typing"))
        #expect(reduce(&state, .key(.char("q"))) == [])
    }

    @Test func aSignalWithNothingUnsavedJustQuits() throws {
        let root = try Self.workspaceFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        var state = Self.editing(root)
        #expect(reduce(&state, .terminate(signal: SIGHUP)) == [.quit(code: 129)])
    }

    @Test func escWithUnsavedChangesAsksFirst() throws {
        let root = try Self.workspaceFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        var state = Self.editing(root)
        Self.type("x", into: &state)
        _ = reduce(&state, .key(.escape))
        #expect(state.bodyEditor?.confirmingDiscard == true)
        // QA F10: the whole question shows at 80 columns, the path after it.
        #expect(renderApp(state).rowText(22).contains("unsaved changes: y discards them, any other key goes back to them · "))
        _ = reduce(&state, .key(.char("n")))
        #expect(state.bodyEditor?.buffer.text.hasPrefix("x{") == true)
        _ = reduce(&state, .key(.escape))
        _ = reduce(&state, .key(.char("y")))
        #expect(state.bodyEditor == nil)
    }

    @Test func ctrlOAsksForAnotherUserForThePreview() throws {
        let root = try Self.workspaceFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        var state = Self.editing(root)
        _ = reduce(&state, .key(.ctrl("o")))
        Self.type("bob@example.com", into: &state)
        #expect(renderApp(state).rowText(22).contains("preview for bob@example.com"))
        #expect(reduce(&state, .key(.enter)) == [.loadPreviewUser(email: "bob@example.com")])
        #expect(state.bodyEditor?.buffer.text.contains("bob") == false)
    }

    @Test func theBufferEditsAcrossLines() {
        var buffer = TextBuffer("ab\ncd")
        buffer.moveRight()
        buffer.breakLine()
        #expect(buffer.text == "a\nb\ncd")
        buffer.deleteBackward()
        #expect(buffer.text == "ab\ncd" && buffer.line == 0 && buffer.column == 1)
        buffer.moveToLineEnd()
        buffer.deleteForward()
        #expect(buffer.text == "abcd")
        buffer.insert("é")
        #expect(buffer.text == "abé" + "cd" && buffer.column == 3)
        buffer.moveLines(5)
        #expect(buffer.line == 0)
        buffer.deleteToLineStart()
        #expect(buffer.text == "cd" && buffer.column == 0)
    }

    @Test func afterASaveTheTemplateIsReadBackFromTheFileAsSaved() {
        // Hidden secrets are numbered anew in file order when the saved file is read again: the
        // editor must hold the markers as they now are, or a second save would swap secrets.
        var editor = BodyEditor(webhookID: "w", path: "webhooks/w.yaml", type: "raw", template: "a ••••••2\n", fileText: "")
        editor.buffer = TextBuffer("a ••••••2\n")
        editor.saved(as: "id: w\nbody:\n  type: raw\n  template: |\n    a ••••••1\n")
        #expect(editor.buffer.text == "a ••••••1\n")
        #expect(!editor.isDirty)
    }
}

extension BodyEditorTests {
    /// After a paste of 15,000 lines the line numbers are whole: 14999 and 15000 read apart.
    @Test func lineNumbersOfALongTemplateAreWhole() throws {
        let root = try Self.workspaceFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        var state = Self.editing(root)
        _ = reduce(&state, .paste((1...15_000).map { "\"line\($0)\": \($0)," }.joined(separator: "\n")))
        let rows = (0..<24).map(renderApp(state).rowText)
        #expect(rows.contains { $0.contains("14999 \"line14999\": 14999,") }, "\(rows.joined(separator: "\n"))")
        #expect(rows.contains { $0.contains("15000 \"line15000\": 15000,") })
    }

    @Test func aPasteGoesIntoTheTemplateWholeAndIsNeverTakenForKeys() throws {
        let root = try Self.workspaceFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        var state = Self.editing(root)
        _ = reduce(&state, .key(.ctrl("u")))
        _ = reduce(&state, .key(.delete))
        #expect(reduce(&state, .paste("{\"q\": \"d\",\n \"esc\": 1}")) == [])
        #expect(state.bodyEditor?.buffer.text.hasPrefix("{\"q\": \"d\",\n \"esc\": 1}") == true)
        #expect(state.bodyEditor?.buffer.line == 1)
        // Outside a place that takes text, a paste does nothing but say so.
        state.bodyEditor = nil
        #expect(reduce(&state, .paste("q")) == [])
        #expect(state.status?.level == .warning)
        // A prompt takes it on its line.
        _ = reduce(&state, .key(.char("/")))
        _ = reduce(&state, .paste("status:5xx\nuser:ada"))
        #expect(state.traffic.filterInput == "status:5xx user:ada")
    }
}

extension BodyEditorTests {
    @Test func aPastedBlockIsSplicedInAtTheCursor() {
        var buffer = TextBuffer("ab\ncd")
        buffer.moveRight()
        buffer.insert(contentsOf: "X\nYY\nZ")
        #expect(buffer.text == "aX\nYY\nZb\ncd")
        #expect(buffer.line == 2 && buffer.column == 1)
        buffer.insert(contentsOf: "--")
        #expect(buffer.text == "aX\nYY\nZ--b\ncd" && buffer.column == 3)
        buffer.insert(contentsOf: "")
        #expect(buffer.text == "aX\nYY\nZ--b\ncd")
    }
}

extension BodyEditorTests {
    /// QA: a line of about 2,000 characters was drawn from its start (it was capped, as a field
    /// from the network is), so the caret and what was typed at its end were off screen; saved
    /// right. The cursor's line scrolls sideways, its cut start marked `…`, with characters of
    /// several bytes and wide ones alike.
    @Test(arguments: ["x", "é", "e\u{301}", "日本"])
    func aLongLineScrollsSidewaysToKeepTheCaretInView(unit: String) throws {
        let root = try Self.workspaceFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        var state = Self.editing(root)
        state.size = Size(width: 120, height: 30)
        _ = reduce(&state, .key(.end))
        _ = reduce(&state, .paste(String(repeating: unit, count: 2_100 / unit.count)))
        Self.type("END", into: &state)
        let editor = try #require(state.bodyEditor)
        #expect(editor.buffer.lines[0].hasSuffix(unit + "END"))
        let layout = BodyEditorView.Layout(state.size, lineCount: editor.buffer.lines.count)
        let textX = layout.editor.x + layout.gutterWidth
        var grid = renderApp(state)
        let y = layout.editor.y
        let caretX = try #require((textX..<layout.editor.maxX).first { grid[$0, y].token == .selection }, "\(grid.rowText(y))")
        #expect((caretX - 3..<caretX).map { grid[$0, y].grapheme }.joined() == "END", "\(grid.rowText(y))")
        #expect(grid.rowText(y).contains(String(unit.last ?? " ") + "END"), "\(grid.rowText(y))")
        #expect(grid[textX, y].grapheme == "…")
        // Home shows the start again, its cut end marked.
        _ = reduce(&state, .key(.home))
        grid = renderApp(state)
        #expect(grid.rowText(y).contains("1 {\"name\""), "\(grid.rowText(y))")
        #expect(grid[textX, y].token == .selection)
        #expect(grid[layout.editor.maxX - 1, y].grapheme == "…")
        // A narrower window keeps the caret in view before the next key.
        _ = reduce(&state, .key(.end))
        state.size = Size(width: 80, height: 24)
        grid = renderApp(state)
        let narrow = BodyEditorView.Layout(state.size, lineCount: editor.buffer.lines.count)
        #expect((narrow.editor.x + narrow.gutterWidth..<narrow.editor.maxX).contains { grid[$0, narrow.editor.y].token == .selection })
        #expect(grid.rowText(narrow.editor.y).contains("END"), "\(grid.rowText(narrow.editor.y))")
    }

    @Test func theViewFollowsTheCaretWithoutPuttingItUnderAMark() {
        // The line fits with the caret after its end: no scrolling.
        #expect(HorizontalScroll.offset(0, caret: 9, lineWidth: 9, width: 10) == 0)
        #expect(HorizontalScroll.offset(0, caret: 10, lineWidth: 10, width: 10) == 2)
        // Kept while the caret is in view and off the marks; else moved.
        #expect(HorizontalScroll.offset(5, caret: 10, lineWidth: 40, width: 10) == 5)
        #expect(HorizontalScroll.offset(5, caret: 5, lineWidth: 40, width: 10) == 0)
        #expect(HorizontalScroll.offset(20, caret: 12, lineWidth: 40, width: 10) == 7)
        #expect(HorizontalScroll.offset(5, caret: 14, lineWidth: 40, width: 10) == 6)
        // A wide character cut by an edge is a space; the marks take one cell each.
        #expect(HorizontalScroll.window(of: "日本語です", from: 2, width: 6) == "… 語 …")
        #expect(HorizontalScroll.window(of: "日本語です", from: 3, width: 6) == "…語で…")
        #expect(HorizontalScroll.window(of: "abcdef", from: 0, width: 6) == "abcdef")
        #expect(HorizontalScroll.window(of: "abcdefg", from: 0, width: 6, marks: .ascii) == "abcde>")
        #expect(HorizontalScroll.window(of: "abcdefg", from: 2, width: 6, marks: .ascii) == "<defg")
    }
}

extension BodyEditorTests {
    /// QA: `e`, Left, then two combining accents crashed the studio (index out of range), the
    /// typing lost: an accent merges with the character before it, so a line can hold fewer
    /// Characters after a key than the cursor counted.
    @Test func combiningAccentsMergeWithTheirNeighboursAndTheCursorStaysOnTheLine() throws {
        let root = try Self.workspaceFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        var state = Self.editing(root)
        _ = reduce(&state, .key(.ctrl("u")))
        _ = reduce(&state, .key(.end))
        _ = reduce(&state, .key(.ctrl("u")))
        Self.type("e", into: &state)
        _ = reduce(&state, .key(.left))
        // One key each: typed together they would be one Character.
        for key in ["\u{301}", "\u{301}", "x", "\u{301}"] as [Character] { _ = reduce(&state, .key(.char(key))) }
        let editor = try #require(state.bodyEditor)
        #expect(editor.buffer.lines[0] == "\u{301}\u{301}x\u{301}e")
        #expect(editor.buffer.column == 2, "after the x its accent joined")
        #expect(renderApp(state).rowText(BodyEditorView.Layout(state.size).editor.y).contains("x\u{301}e"))
    }

    @Test func editsThatJoinCharactersCountTheCursorOnTheJoinedLine() {
        var buffer = TextBuffer("e\u{301}")
        #expect(buffer.lines[0].count == 1)
        buffer.moveToLineEnd()
        buffer.insert("\u{301}")
        #expect(buffer.text == "e\u{301}\u{301}" && buffer.column == 1)
        // Deleting the tab between `e` and an accent (an accent after a tab stands alone) joins
        // them: the cursor is after the é.
        buffer = TextBuffer("e\t\u{301}")
        #expect(buffer.lines[0].count == 3)
        buffer.moveRight()
        buffer.deleteForward()
        #expect(buffer.text == "e\u{301}" && buffer.column == 1)
        buffer = TextBuffer("e\t\u{301}")
        buffer.moveRight()
        buffer.moveRight()
        buffer.deleteBackward()
        #expect(buffer.text == "e\u{301}" && buffer.column == 1)
        buffer.moveToLineEnd()
        #expect(buffer.column == 1)
        // A line starting with an accent joins the `e` ending the line above.
        buffer = TextBuffer("e\n\u{301}a")
        buffer.moveLines(1)
        buffer.deleteBackward()
        #expect(buffer.text == "e\u{301}a" && buffer.line == 0 && buffer.column == 1)
        buffer.moveToLineEnd()
        #expect(buffer.column == 2)
        buffer = TextBuffer("e")
        buffer.moveToLineEnd()
        buffer.insert(contentsOf: "\u{301}\n\u{301}")
        #expect(buffer.text == "e\u{301}\n\u{301}" && buffer.line == 1 && buffer.column == 1)
        buffer.insert("z")
        #expect(buffer.text == "e\u{301}\n\u{301}z")
    }
}
