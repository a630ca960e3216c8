import Foundation
import StudioModel
import Testing
@testable import StudioTUI

/// `!`: files that did not load are not silently missing: the studio says so from the start and
/// lists every problem as `hookline validate` prints it; ⏎ on one opens its file at its line.
struct ProblemsTests {
    static let brokenWebhook = """
        id: lob-letter
        method: POST
        url: "https://api.lob.com/v1/letters"
        headers: {X-A: 1
        body: {type: none}

        """
    static let brokenWorkflow = """
        id: broken
        name: [unclosed
        start: {kind: event, event: signup}
        nodes: []

        """
    static let workflow = """
        id: welcome
        start: {kind: event, event: signup}
        nodes:
          - {id: direct-mail, type: callWebhook, webhook: lob-letter}

        """

    /// A workspace loaded from disk with a webhook file and a workflow file that do not parse.
    static func brokenWorkspace() throws -> (URL, Workspace) {
        let root = try Fixtures.folder([
            ("hookline.yaml", "name: Broken\n"), ("webhooks/lob-letter.yaml", brokenWebhook),
            ("workflows/broken.yaml", brokenWorkflow), ("workflows/welcome.yaml", workflow),
        ])
        return (root, WorkspaceLoader.load(from: root))
    }

    static func screen(_ state: AppState) -> String {
        let grid = renderApp(state)
        return (0..<grid.size.height).map(grid.rowText).joined(separator: "\n")
    }

    @Test func aWorkspaceWithBrokenFilesSaysSoAtStartAndKeepsABadge() throws {
        let (root, workspace) = try Self.brokenWorkspace()
        defer { try? FileManager.default.removeItem(at: root) }
        try #require(workspace.errors.count >= 2)
        var state = AppState(workspace: workspace, size: Size(width: 80, height: 24))
        #expect(state.status == StatusMessage("2 files have errors: ! lists them", level: .error))
        var grid = renderApp(state)
        #expect(grid.rowText(22).contains("2 files have errors: ! lists them"))
        #expect(grid.rowText(22).contains("! problems"))
        #expect(grid.rowText(22).contains("q quit"))
        // The tab row keeps the count once the message is gone.
        _ = reduce(&state, .key(.char("j")))
        grid = renderApp(state)
        #expect(grid.rowText(1).contains("! \(workspace.errors.count) errors"))
        #expect(grid.rowText(1).contains("5 Traffic"))
        #expect(grid.rowText(22).contains("! problems"))
        // The tree says where a step's webhook went.
        _ = reduce(&state, .resize(Size(width: 140, height: 30)))
        #expect(Self.screen(state).contains("lob-letter (webhooks/lob-letter.yaml has errors: ! lists them)"))
    }

    @Test func bangListsEveryProblemAsPathLineColumnAndEnterOpensItsFileAtItsLine() throws {
        let (root, workspace) = try Self.brokenWorkspace()
        defer { try? FileManager.default.removeItem(at: root) }
        var state = AppState(workspace: workspace, size: Size(width: 80, height: 24))
        #expect(reduce(&state, .key(.char("!"))).isEmpty)
        let choice = try #require(state.choice)
        let sorted = workspace.diagnostics.sorted { ($0.path, $0.line, $0.column) < ($1.path, $1.line, $1.column) }
        #expect(choice.options.map(\.label) == sorted.map(\.description))
        #expect(choice.options.contains { $0.label.hasPrefix("webhooks/lob-letter.yaml:") })
        #expect(choice.options.contains { $0.label.hasPrefix("workflows/broken.yaml:3:6: error: invalid YAML") })
        // Each problem is shown whole, however long: the list wraps instead of cutting.
        let screen = Self.screen(state)
        let text = LongTextTests.words(screen.components(separatedBy: "\n"))
        for problem in sorted {
            let words = problem.description.split(separator: " ").suffix(4).joined(separator: " ")
            #expect(text.contains(words), "\(problem.description)\n\(screen)")
        }
        let index = try #require(sorted.firstIndex { $0.path == "workflows/broken.yaml" })
        for _ in 0..<index { _ = reduce(&state, .key(.char("j"))) }
        let effects = reduce(&state, .key(.enter))
        #expect(effects == [.edit(path: "workflows/broken.yaml", line: sorted[index].line)])
        #expect(state.choice == nil)
    }

    /// The secrets file's problem is listed, but ⏎ does not open the file: the studio would show
    /// the secrets.
    @Test func enterOnASecretsFileProblemSaysToEditItOutsideTheStudio() {
        var workspace = Fixtures.state().workspace
        workspace.diagnostics = [
            Diagnostic(path: SecretsFile.path, line: 2, column: 1, message: "invalid YAML: did not find expected node content")
        ]
        var state = AppState(workspace: workspace, size: Size(width: 80, height: 24))
        _ = reduce(&state, .key(.char("!")))
        #expect(state.choice?.options.map(\.label) == [".hookline/secrets.yaml:2:1: error: invalid YAML: did not find expected node content"])
        #expect(reduce(&state, .key(.enter)).isEmpty)
        #expect(state.status == StatusMessage("edit .hookline/secrets.yaml outside the studio: it holds the secrets", level: .warning))
    }

    /// The secrets file read again: the new values are hidden from then on, and the status line
    /// says so, or why the secrets as last read stay.
    @Test func secretsReadAgainAreHiddenAndTheStatusSaysSo() {
        var state = Fixtures.state()
        _ = reduce(&state, .secretsReloaded(values: ["tok_live_51Hrotated"], problem: nil))
        #expect(state.secretValues == ["tok_live_51Hrotated"])
        #expect(state.status == StatusMessage("read .hookline/secrets.yaml again: requests use its secrets from now on"))
        _ = reduce(&state, .status(StatusMessage("sent tok_live_51Hrotated")))
        let hint = renderApp(state).rowText(22)
        #expect(hint.contains("sent ") && !hint.contains("tok_live_51Hrotated"), "\(hint)")

        let problem = Diagnostic(path: SecretsFile.path, line: 2, column: 1, message: "secret 'pin' has no value")
        _ = reduce(&state, .secretsReloaded(values: ["tok_live_51Hrotated"], problem: problem))
        #expect(
            state.status
                == StatusMessage(
                    "kept the secrets as last read: .hookline/secrets.yaml:2:1: error: secret 'pin' has no value", level: .warning))
    }

    /// QA: an edit that did not pass named its first problem only, where `hookline validate`
    /// lists them all: `!` lists every one, and ⏎ on one reopens the draft at its line.
    @Test func bangListsEveryProblemOfADraftThatDidNotPass() throws {
        let root = try EditTests.workspaceFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        let result = DraftEditing(root: root).edit("workflows/welcome.yaml", with: EditTests.editor {
            $0.replacingOccurrences(
                of: "webhook: lob-letter}", with: "webhook: nope, next: enrich}\n  - {id: enrich, type: callWebhook, webhook: nada}")
        })
        let checked = try #require(result.checked)
        try #require(checked.problems.count == 2, "\(checked.problems)")
        #expect(result.message.text.hasSuffix("(+1 more: ! lists them) · e edits the draft again"), "\(result.message.text)")
        // The files on disk have one warning of their own (lob.yaml holds the webhook lob-letter).
        let workspace = WorkspaceLoader.load(from: root)
        var state = AppState(workspace: workspace, size: Size(width: 80, height: 24))
        _ = reduce(&state, .draftChecked(checked))
        _ = reduce(&state, .key(.char("!")))
        let choice = try #require(state.choice)
        #expect(choice.title == "Problems · 1 warning · unsaved draft: 2 errors")
        #expect(choice.options.map(\.label)
            == checked.problems.map { "draft · \($0.description)" } + workspace.diagnostics.map(\.description))
        #expect(reduce(&state, .key(.enter)) == [.edit(path: "workflows/welcome.yaml", line: checked.problems[0].line)])
        // A new definition's draft is reopened as `n` reopens it: its file is not there yet.
        let created = DraftProblems(path: "workflows/new.yaml", problems: checked.problems, created: .workflow)
        #expect(created.reopen(at: checked.problems[0]) == .create(.workflow))
        // Saved, the draft has nothing left to list.
        _ = reduce(&state, .draftChecked(DraftProblems(path: "workflows/welcome.yaml", problems: [])))
        _ = reduce(&state, .key(.char("!")))
        #expect(state.choice?.title == "Problems · 1 warning")
        // With no problem in the files, the bar offers `!` for a draft's.
        var clean = Fixtures.state()
        _ = reduce(&clean, .draftChecked(checked))
        #expect(renderApp(clean).rowText(22).contains("! problems"))
    }

    @Test func aReadOnlyStudioListsTheProblemsWithoutOpeningThem() throws {
        let (root, workspace) = try Self.brokenWorkspace()
        defer { try? FileManager.default.removeItem(at: root) }
        var state = AppState(workspace: workspace, size: Size(width: 80, height: 24), readonly: true)
        _ = reduce(&state, .key(.char("!")))
        #expect(state.choice?.options.count == workspace.diagnostics.count)
        #expect(reduce(&state, .key(.enter)).isEmpty)
        #expect(state.status?.text == "read-only: files are not edited here")
    }

    @Test func withoutProblemsBangSaysSoAndTheBarDoesNotOfferIt() {
        var state = Fixtures.state()
        #expect(state.status == nil)
        #expect(!renderApp(state).rowText(22).contains("problems"))
        _ = reduce(&state, .key(.char("!")))
        #expect(state.choice == nil)
        #expect(state.status?.text == "no problems: every file of the workspace loaded")
    }

    @Test func theProblemsListIsInTheHelpAndThePalette() {
        var state = Fixtures.state()
        _ = reduce(&state, .key(.char("?")))
        #expect(HelpOverlay.lines(state).contains { $0.keys == "!" && $0.text.hasPrefix("List the workspace's problems") })
        _ = reduce(&state, .key(.escape))
        _ = reduce(&state, .key(.char(":")))
        for character in "problems" { _ = reduce(&state, .key(.char(character))) }
        #expect(state.palette?.matches(in: state.keyMap, readonly: false).first?.id == .problems)
    }

    @Test func theSaveTimeChecksAddTheirProblemsToTheLoaders() throws {
        let (root, workspace) = try Self.brokenWorkspace()
        defer { try? FileManager.default.removeItem(at: root) }
        var drafts = DraftEditing(root: root)
        drafts.checks = { _, text in
            [Diagnostic(path: "workflows/welcome.yaml", line: 4, column: 5, message: "refused (\(text("workflows/welcome.yaml")?.count ?? 0))")]
        }
        let checked = drafts.withSaveTimeProblems(workspace)
        #expect(checked.diagnostics.count == workspace.diagnostics.count + 1)
        #expect(checked.diagnostics.last?.message == "refused (\(Self.workflow.count))")
    }

    @Test(arguments: [
        ("vim", 6, #"vim +6 "$1""#), ("/usr/bin/nvim -p", 12, #"/usr/bin/nvim -p +12 "$1""#), ("nano", 3, #"nano +3 "$1""#),
        ("emacsclient -t", 9, #"emacsclient -t +9 "$1""#), ("code --wait", 6, #"code --wait "$1""#), ("vi", 0, #"vi "$1""#),
    ])
    func theEditorStartsAtTheLineWhenItTakesPlusLine(command: String, line: Int, expected: String) {
        #expect(ExternalEditor.shellCommand(command, line: line) == expected)
    }

    @Test func problemsAt80x24() throws {
        var workspace = Fixtures.workspace
        workspace.diagnostics = [
            Diagnostic(path: "webhooks/lob-letter.yaml", line: 6, column: 6,
                       message: "169.254.169.254 is a cloud metadata address: never allowed, even by network.allow in hookline.yaml"),
            Diagnostic(path: "workflows/broken.yaml", line: 2, column: 7, message: "did not find expected ',' or ']'"),
            Diagnostic(path: "workflows/welcome.yaml", line: 9, column: 3, severity: .warning, message: "unused step 'orphan'"),
        ]
        var state = AppState(workspace: workspace, size: Size(width: 80, height: 24), trafficConnected: true,
                             now: Fixtures.start, timeZone: Fixtures.utc)
        _ = reduce(&state, .key(.char("!")))
        _ = reduce(&state, .key(.char("j")))
        Snapshot.assert(renderApp(state), named: "problems-80x24", styles: false)
    }
}
