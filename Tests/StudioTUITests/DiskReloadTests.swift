import Foundation
import StudioModel
import Testing
@testable import StudioTUI

/// Files changed on disk (an editor, a `git pull`): the studio shows them without a keypress.
struct DiskReloadTests {
    static let files: [String: String] = [
        "hookline.yaml": "name: Reloads\n",
        "webhooks/lob.yaml": "id: lob-letter\nmethod: POST\nurl: https://api.lob.com/v1/letters\n",
        "workflows/alpha.yaml": "id: alpha\nstart: {kind: event, event: signup}\nnodes:\n  - id: mail\n    type: sendEmail\n    subject: Hi\n",
        "workflows/welcome.yaml": """
            id: welcome
            start: {kind: event, event: signup}
            nodes:
              - id: send-letter
                type: callWebhook
                webhook: lob-letter
                next: wait
              - id: wait
                type: delay
                duration: 2d

            """,
    ]

    /// The files with `path` replaced by `text` (nil removes it), loaded as the watcher would.
    static func reload(_ changes: [String: String?]) -> WorkspaceReload {
        var files = Self.files
        for (path, text) in changes { files[path] = text }
        return WorkspaceReload(
            workspace: WorkspaceLoader.load(files: files), changedPaths: changes.keys.sorted(),
            files: DefinitionFiles(stamps: files.mapValues { .init(size: $0.utf8.count, modified: .distantPast) }))
    }

    /// The studio on ``files`` with the `wait` step of `welcome` selected in the tree.
    static func stateOnWaitStep() throws -> AppState {
        var state = AppState(workspace: WorkspaceLoader.load(files: files), size: Size(width: 80, height: 24))
        _ = reduce(&state, .key(.char("j")))
        _ = reduce(&state, .key(.enter))
        _ = reduce(&state, .key(.char("j")))
        _ = reduce(&state, .key(.char("j")))
        #expect(state.selectedWorkflow?.id == "welcome")
        #expect(state.selectedTreeRow?.nodeID == "wait")
        return state
    }

    static func screen(_ state: AppState) -> String {
        let grid = renderApp(state)
        return (0..<grid.size.height).map(grid.rowText).joined(separator: "\n")
    }

    @Test func aWorkflowEditedOnDiskShowsInTheTreeWithTheSameStepSelected() throws {
        var state = try Self.stateOnWaitStep()
        var edited = try #require(Self.files["workflows/welcome.yaml"])
        edited = edited.replacingOccurrences(of: "    next: wait\n", with: "    next: mark\n  - id: mark\n    type: addToList\n    list: letters\n    next: wait\n")
        let reload = Self.reload(["workflows/welcome.yaml": edited])

        let effects = reduce(&state, .workspaceChangedOnDisk(reload))

        #expect(effects == [.applyWorkspace(reload.workspace)])
        #expect(state.workspace == reload.workspace)
        #expect(state.selectedTreeRow?.nodeID == "wait")
        #expect(state.status == StatusMessage("reloaded workflows/welcome.yaml from disk"))
        let screen = Self.screen(state)
        #expect(screen.contains("mark") && screen.contains("letters"))
        #expect(screen.contains("reloaded workflows/welcome.yaml from disk"))
    }

    /// QA F7: after `e` ran into a file changed on disk, the reload that followed replaced the
    /// hint saying the save was refused and where the text went with "reloaded … from disk".
    @Test func aRefusedSaveStaysSaidWhenItsFileIsReloaded() throws {
        var state = try Self.stateOnWaitStep()
        let refused = StatusMessage(
            "workflows/welcome.yaml changed on disk while you edited it: your save was refused; your text is in "
                + ".hookline/drafts/workflows/welcome.yaml.20260101T000000 (secrets as markers) · e edits the file as it is now",
            level: .error)
        _ = reduce(&state, .status(refused))
        let edited = try #require(Self.files["workflows/welcome.yaml"]).replacingOccurrences(of: "duration: 2d", with: "duration: 3d")
        _ = reduce(&state, .workspaceChangedOnDisk(Self.reload(["workflows/welcome.yaml": edited])))
        #expect(state.status == StatusMessage(refused.text + " · reloaded workflows/welcome.yaml from disk", level: .error))
    }

    /// An open form shows the fields as they are on disk now; one whose step went closes.
    @Test func anOpenFormShowsTheFileAsItIsNowOrClosesWhenItsStepIsGone() throws {
        var state = try Self.stateOnWaitStep()
        _ = reduce(&state, .key(.enter))
        #expect(state.choice?.title == "Step wait of welcome")
        _ = reduce(&state, .key(.char("j")))
        let edited = try #require(Self.files["workflows/welcome.yaml"]).replacingOccurrences(of: "duration: 2d", with: "duration: 3h")
        _ = reduce(&state, .workspaceChangedOnDisk(Self.reload(["workflows/welcome.yaml": edited])))
        #expect(state.choice?.title == "Step wait of welcome")
        #expect(state.choice?.options.contains { $0.label.hasPrefix("duration") && $0.label.hasSuffix("3h") } == true)
        #expect(state.choice?.selected == 1)

        let renamed = edited.replacingOccurrences(of: "wait", with: "hold")
        _ = reduce(&state, .workspaceChangedOnDisk(Self.reload(["workflows/welcome.yaml": renamed])))
        #expect(state.choice == nil)
        #expect(state.status?.text == "Step wait of welcome is no longer in its file: its form closed")
    }

    @Test func aNewWorkflowListedBeforeTheSelectedOneKeepsTheSelectionOnItsID() throws {
        var state = try Self.stateOnWaitStep()
        let reload = Self.reload(["workflows/aaa.yaml": "id: aaa\nnodes:\n  - id: bye\n    type: exit\n"])
        _ = reduce(&state, .workspaceChangedOnDisk(reload))
        #expect(state.workspace.workflows.map(\.id) == ["aaa", "alpha", "welcome"])
        #expect(state.selectedWorkflow?.id == "welcome")
        #expect(state.selectedTreeRow?.nodeID == "wait")
    }

    /// A running workflow's file that parses but no longer validates (a step of an unknown type):
    /// the tree shows the workflow as it runs, with the step the executor keeps sending from, and
    /// the status says so (QA, session 20: the tree showed the step gone while its requests went on).
    @Test func aRunningWorkflowThatNoLongerValidatesShowsAsItRuns() throws {
        var state = try Self.stateOnWaitStep()
        let running = state.workspace
        let broken = try #require(Self.files["workflows/welcome.yaml"]).replacingOccurrences(
            of: "type: callWebhook", with: "type: callWebhok")
        let reload = Self.reload(["workflows/welcome.yaml": broken])
        #expect(reload.workspace.workflow(id: "welcome")?.nodes.map(\.id) == ["wait"])

        let effects = reduce(&state, .workspaceChangedOnDisk(reload))

        #expect(state.workspace.workflows == running.workflows)
        #expect(state.selectedTreeRow?.nodeID == "wait")
        #expect(effects == [.applyWorkspace(state.workspace)])
        #expect(
            state.status
                == StatusMessage(
                    "reloaded workflows/welcome.yaml from disk · kept the last good welcome while its file is broken",
                    level: .warning))
        let screen = Self.screen(state)
        #expect(screen.contains("send-letter"))
        // `!` still lists what is wrong in the file.
        _ = reduce(&state, .key(.char("!")))
        #expect(state.choice?.options.contains { $0.label.contains("workflows/welcome.yaml") } == true)
    }

    @Test func aBrokenWebhookFileKeepsItsLastGoodDefinitionAndSaysSo() throws {
        var state = try Self.stateOnWaitStep()
        let running = state.workspace
        let reload = Self.reload(["webhooks/lob.yaml": "id: lob-letter\nmethod: [POST\n"])
        #expect(reload.workspace.webhook(id: "lob-letter") == nil)

        let effects = reduce(&state, .workspaceChangedOnDisk(reload))

        #expect(state.workspace.webhooks == running.webhooks)
        #expect(effects == [.applyWorkspace(state.workspace)])
        #expect(
            state.status
                == StatusMessage(
                    "reloaded webhooks/lob.yaml from disk · kept the last good lob-letter while its file is broken",
                    level: .warning))
        // The problems list has the file's error, to fix it from there.
        #expect(Problems.sorted(state.workspace).contains { $0.path == "webhooks/lob.yaml" && $0.severity == .error })
    }

    @Test func aReloadThatChangesNothingShownIsDropped() throws {
        var state = try Self.stateOnWaitStep()
        state.status = StatusMessage("saved workflows/welcome.yaml")
        let before = state
        #expect(reduce(&state, .workspaceChangedOnDisk(Self.reload(["workflows/welcome.yaml": Self.files["workflows/welcome.yaml"]]))) == [])
        #expect(state == before)
    }

    @Test func theBodyEditorKeepsItsTextWhenItsFileChangesOnDisk() throws {
        var state = AppState(workspace: WorkspaceLoader.load(files: Self.files), size: Size(width: 80, height: 24))
        let fileText = try #require(Self.files["webhooks/lob.yaml"]) + "body: {type: json, template: '{}'}\n"
        _ = reduce(&state, .bodyEditorOpened(
            OpenedBody(webhookID: "lob-letter", path: "webhooks/lob.yaml", type: "json", template: "{}", fileText: fileText)))
        _ = reduce(&state, .paste(#"{"typed": true}"#))
        let typed = state.bodyEditor?.buffer

        let reload = Self.reload(["webhooks/lob.yaml": "id: lob-letter\nmethod: PUT\nurl: https://api.lob.com/v2/letters\n"])
        #expect(reduce(&state, .workspaceChangedOnDisk(reload)) == [.applyWorkspace(reload.workspace)])

        #expect(state.bodyEditor?.buffer == typed)
        #expect(state.bodyEditor?.fileText == fileText)
        #expect(state.workspace.webhook(id: "lob-letter")?.method == .put)
        #expect(
            state.status
                == StatusMessage(
                    "webhooks/lob.yaml changed on disk: your text stays here, and Ctrl+S will not write over the file",
                    level: .warning))
    }

    @Test func aSaveWhileAnotherFileIsBrokenKeepsThatFilesLastGoodDefinition() throws {
        var state = try Self.stateOnWaitStep()
        let running = state.workspace
        _ = reduce(&state, .status(StatusMessage("saved workflows/alpha.yaml")))
        var files = Self.files
        files["webhooks/lob.yaml"] = "id: lob-letter\nmethod: [POST\n"
        files["workflows/alpha.yaml"] = try #require(files["workflows/alpha.yaml"]).replacingOccurrences(of: "Hi", with: "Hello")

        let effects = reduce(&state, .workspaceChanged(WorkspaceLoader.load(files: files)))

        #expect(state.workspace.webhooks == running.webhooks)
        #expect(effects == [.applyWorkspace(state.workspace)])
        #expect(
            state.status
                == StatusMessage(
                    "saved workflows/alpha.yaml · kept the last good lob-letter while its file is broken", level: .warning))
    }

    /// A file deleted on disk is said to be removed: "reloaded" hid that its definition was gone.
    @Test func aFileRemovedOnDiskIsSaidToBeRemoved() throws {
        var state = try Self.stateOnWaitStep()
        _ = reduce(&state, .workspaceChangedOnDisk(Self.reload(["workflows/alpha.yaml": nil])))
        #expect(state.workspace.workflow(id: "alpha") == nil)
        #expect(state.status == StatusMessage("workflows/alpha.yaml removed on disk"))
    }

    /// The store removed under the studio (`git clean -fdX`): what it runs, sends and shows is
    /// kept nowhere, which the header says until the studio quits, after the status line has gone.
    @Test func aStoreLostIsSaidAndStaysInTheHeader() throws {
        var state = try Self.stateOnWaitStep()
        state.trafficConnected = true
        let problem = "/w/.hookline/state.sqlite was removed while this process had it open"
        _ = reduce(&state, .storeLost(problem))
        #expect(state.status?.level == .error)
        #expect(state.status?.text.hasPrefix(problem + "; quit, and start the studio again") == true)
        _ = reduce(&state, .key(.char("k")))
        #expect(state.status == nil)
        let header = try #require(Self.screen(state).split(separator: "\n").first)
        #expect(header.contains("✗ nothing is stored") && !header.contains("live"), "\(header)")
    }

    /// A store that stops taking writes (a full disk) was said only in serve's log: the studio
    /// showed `● live` while nothing more was sent. The header says so while it lasts, the status
    /// line once when it starts and once when it ends.
    @Test func aStoreThatStopsTakingWritesIsSaidInTheHeaderUntilItTakesThemAgain() throws {
        var state = try Self.stateOnWaitStep()
        state.trafficConnected = true
        let failure = "could not store 3 outbox deliveries in /w/.hookline/state.sqlite: database or disk is full; nothing more is sent until they are stored"
        _ = reduce(&state, .storeFailing(failure))
        #expect(state.status == StatusMessage(failure, level: .error))
        _ = reduce(&state, .key(.char("k")))
        _ = reduce(&state, .storeFailing(failure.replacingOccurrences(of: "3 outbox", with: "9 outbox")))
        #expect(state.status == nil, "a failure that goes on is said once")
        var header = try #require(Self.screen(state).split(separator: "\n").first)
        #expect(header.contains("✗ store failing") && !header.contains("live"), "\(header)")

        _ = reduce(&state, .storeFailing(nil))
        #expect(state.status?.text.hasPrefix("the store takes writes again") == true)
        header = try #require(Self.screen(state).split(separator: "\n").first)
        #expect(header.contains("live") && !header.contains("store failing"), "\(header)")
    }
}
