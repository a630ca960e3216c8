import Foundation
import Testing

@testable import StudioModel

struct WorkspaceLastGoodTests {
    private let running = WorkspaceLoader.load(files: WorkspaceTestFiles.valid)

    /// The valid files with `path` replaced by `text` (nil removes the file), loaded.
    private func reloaded(_ path: String, _ text: String?) -> Workspace {
        var files = WorkspaceTestFiles.valid
        files[path] = text
        return WorkspaceLoader.load(files: files)
    }

    @Test func aWebhookWhoseFileNoLongerParsesKeepsRunningAsItLastLoaded() throws {
        let broken = reloaded("webhooks/hook.yaml", "id: hook\nmethod: [POST\n")
        #expect(broken.webhook(id: "hook") == nil)

        let lastGood = broken.keepingLastGood(from: running)

        #expect(lastGood.workspace.webhooks == running.webhooks)
        #expect(lastGood.workspace.path(ofWebhook: "hook") == "webhooks/hook.yaml")
        let kept = try #require(lastGood.kept.first)
        #expect(lastGood.kept.count == 1)
        #expect(kept.kind == .webhook && kept.id == "hook" && kept.path == "webhooks/hook.yaml")
        #expect(kept.problem.path == "webhooks/hook.yaml" && kept.problem.severity == .error)
        #expect(kept.description == "the last good webhook hook keeps running")
        // The file's problem is still reported: only the definition is carried over.
        #expect(lastGood.workspace.diagnostics == broken.diagnostics)
        #expect(!lastGood.workspace.errors.isEmpty)
    }

    @Test func aWorkflowAndASystemWebhookWithBrokenFilesAreKeptToo() {
        var files = WorkspaceTestFiles.valid
        files["workflows/flow.yaml"] = WorkspaceTestFiles.workflow.replacingOccurrences(of: "nodes:", with: "nodes: [")
        files["system-webhooks/sys.yaml"] = "id: sys\nendpoint: https://bi.example.com/email\nevents: [emailSend\n"
        let broken = WorkspaceLoader.load(files: files)
        #expect(broken.workflows.isEmpty && broken.systemWebhooks.isEmpty)

        let lastGood = broken.keepingLastGood(from: running)

        #expect(lastGood.workspace.workflows == running.workflows)
        #expect(lastGood.workspace.systemWebhooks == running.systemWebhooks)
        #expect(lastGood.workspace.path(ofWorkflow: "flow") == "workflows/flow.yaml")
        #expect(lastGood.workspace.path(ofSystemWebhook: "sys") == "system-webhooks/sys.yaml")
        #expect(lastGood.kept.map(\.kind) == [.workflow, .systemWebhook])
    }

    /// While `hookline.yaml` was broken the studio's title read "Hookline workspace", the loader's
    /// default, though the executor kept the settings it had.
    @Test func aBrokenSettingsFileKeepsTheRunningSettings() {
        let broken = reloaded("hookline.yaml", "name: [broken\n")
        #expect(broken.settings.name != "Test")
        let lastGood = broken.keepingLastGood(from: running)
        #expect(lastGood.workspace.settings == running.settings)
        #expect(lastGood.workspace.settings.name == "Test")
        #expect(!lastGood.workspace.errors.isEmpty)
        // A settings file that loads again is used as it is.
        let renamed = reloaded("hookline.yaml", "name: Renamed\n")
        #expect(renamed.keepingLastGood(from: running).workspace.settings.name == "Renamed")
    }

    @Test func aDeletedFileRemovesItsDefinition() {
        let deleted = reloaded("webhooks/hook.yaml", nil)
        let lastGood = deleted.keepingLastGood(from: running)
        #expect(lastGood.workspace.webhooks == deleted.webhooks)
        #expect(lastGood.kept.isEmpty)
        // The workflow calling it is the same as it ran: it runs on (its step fails as `config`).
        #expect(lastGood.workspace.workflows == deleted.workflows)
        #expect(lastGood.workspace.runnable.workflows == running.workflows)
    }

    @Test func aFileThatNowDefinesAnotherIDIsARenameNotABreak() {
        let renamed = reloaded("webhooks/hook.yaml", WorkspaceTestFiles.webhook.replacingOccurrences(of: "id: hook", with: "id: hook-2"))
        let lastGood = renamed.keepingLastGood(from: running)
        #expect(lastGood.workspace.webhooks.map(\.id) == ["hook-2"])
        #expect(lastGood.kept.isEmpty)
    }

    @Test func aFixedFileLoadsItsNewDefinitionNotTheKeptOne() {
        let broken = reloaded("webhooks/hook.yaml", "id: hook\nmethod: [POST\n").keepingLastGood(from: running).workspace
        let fixed = reloaded("webhooks/hook.yaml", WorkspaceTestFiles.webhook.replacingOccurrences(of: "method: POST", with: "method: PUT"))
        let lastGood = fixed.keepingLastGood(from: broken)
        #expect(lastGood.workspace == fixed)
        #expect(lastGood.workspace.webhook(id: "hook")?.method == .put)
        #expect(lastGood.kept.isEmpty)
    }

    /// A workflow file that parses but no longer validates (a step of an unknown type) loads with
    /// what could be read of it, which does not run: the workflow that ran stays in its place, as
    /// it ran, and runs, while the file's errors are still reported (QA, session 20: the studio
    /// showed a tree without the step the executor kept sending from).
    @Test func aWorkflowThatNoLongerValidatesKeepsRunningAsItRanAtEveryReload() throws {
        let broken = reloaded(
            "workflows/flow.yaml", WorkspaceTestFiles.workflow.replacingOccurrences(of: "type: delay", with: "type: dealy"))
        let loaded = try #require(broken.workflow(id: "flow"))
        #expect(loaded != running.workflow(id: "flow"))
        #expect(broken.runnable.workflow(id: "flow") == nil)

        let once = broken.keepingLastGood(from: running)
        #expect(once.workspace.workflows == running.workflows)
        #expect(once.workspace.lastGoodWorkflowIDs == ["flow"])
        #expect(once.workspace.runnable.workflows == running.workflows)
        #expect(once.kept.map(\.id) == ["flow"])
        #expect(once.kept.first?.problem.path == "workflows/flow.yaml")
        #expect(once.workspace.diagnostics == broken.diagnostics)

        // Still broken at the next reload: still the one that ran, not the partial one shown before.
        let twice = broken.keepingLastGood(from: once.workspace)
        #expect(twice.workspace.workflows == running.workflows)
        #expect(twice.kept.map(\.id) == ["flow"])

        // Fixed: the new definition, nothing kept.
        let fixed = reloaded("workflows/flow.yaml", WorkspaceTestFiles.workflow.replacingOccurrences(of: "duration: 2d", with: "duration: 3d"))
        let afterFix = fixed.keepingLastGood(from: twice.workspace)
        #expect(afterFix.workspace == fixed)
        #expect(afterFix.kept.isEmpty && afterFix.workspace.lastGoodWorkflowIDs.isEmpty)
    }

    /// A workflow whose file had an error from the start never ran: nothing of it is "kept", and
    /// its partial definition does not become runnable by a later reload.
    @Test func aWorkflowThatNeverRanIsNotKept() {
        let brokenFromStart = reloaded(
            "workflows/flow.yaml", WorkspaceTestFiles.workflow.replacingOccurrences(of: "type: delay", with: "type: dealy"))
        let stillBroken = reloaded(
            "workflows/flow.yaml", WorkspaceTestFiles.workflow.replacingOccurrences(of: "type: yesNo", with: "type: yesno"))
        let lastGood = stillBroken.keepingLastGood(from: brokenFromStart)
        #expect(lastGood.kept.isEmpty)
        #expect(lastGood.workspace.runnable.workflow(id: "flow") == nil)
        // A break that stops it parsing does not carry the partial one over either.
        let unparsable = reloaded("workflows/flow.yaml", "id: flow\nnodes: [\n")
        #expect(unparsable.keepingLastGood(from: brokenFromStart).kept.isEmpty)
    }

    @Test func aFileStillBrokenAtTheNextReloadIsStillKept() {
        let once = reloaded("webhooks/hook.yaml", "id: hook\nmethod: [POST\n").keepingLastGood(from: running)
        let twice = reloaded("webhooks/hook.yaml", "id: hook\nmethod: {\n").keepingLastGood(from: once.workspace)
        #expect(twice.workspace.webhooks == running.webhooks)
        #expect(twice.kept.map(\.id) == ["hook"])
    }

    @Test func keptDefinitionsKeepTheirPlaceInFileOrder() {
        var files = WorkspaceTestFiles.valid
        for id in ["a", "b", "c"] {
            files["webhooks/\(id).yaml"] = WorkspaceTestFiles.webhook.replacingOccurrences(of: "id: hook", with: "id: \(id)")
        }
        let before = WorkspaceLoader.load(files: files)
        files["webhooks/b.yaml"] = "id: b\nurl: [\n"
        let lastGood = WorkspaceLoader.load(files: files).keepingLastGood(from: before)
        #expect(lastGood.workspace.webhooks.map(\.id) == ["a", "b", "c", "hook"])
    }

    @Test func aFileThatCannotBeReadCountsAsBroken() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("hookline-lastgood-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        for (path, text) in WorkspaceTestFiles.valid {
            let url = root.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try text.write(to: url, atomically: true, encoding: .utf8)
        }
        let before = WorkspaceLoader.load(from: root)
        try Data([0x69, 0x64, 0x3A, 0x20, 0xFF, 0xFE]).write(to: root.appendingPathComponent("webhooks/hook.yaml"))

        let lastGood = WorkspaceLoader.load(from: root).keepingLastGood(from: before)

        #expect(lastGood.kept.map(\.problem.message) == ["not UTF-8 text; save the file as UTF-8"])
        #expect(lastGood.workspace.webhooks == before.webhooks)
    }
}
