import Testing

@testable import StudioModel

struct WorkspaceReloadTests {
    /// The stamps of `files` as the watcher scans them: the files there are now.
    private func scanned(_ files: [String: String]) -> DefinitionFiles {
        DefinitionFiles(stamps: files.mapValues { .init(size: $0.utf8.count, modified: .distantPast) })
    }

    @Test func theSummaryNamesTheFilesTheirFirstErrorAndWhatKeepsRunning() {
        var files = WorkspaceTestFiles.valid
        let running = WorkspaceLoader.load(files: files)
        files["webhooks/hook.yaml"] = "id: hook\nmethod: [POST\n"
        let reload = WorkspaceReload(
            workspace: WorkspaceLoader.load(files: files), changedPaths: ["webhooks/hook.yaml"], files: scanned(files))
        let kept = reload.workspace.keepingLastGood(from: running).kept

        let summary = reload.summary(kept: kept)

        let error = reload.workspace.errors[0]
        #expect(error.path == "webhooks/hook.yaml" && error.line > 0)
        #expect(summary == "reloaded webhooks/hook.yaml; \(error.description); the last good webhook hook keeps running")
    }

    @Test func theSummaryNamesAFileBrokenByAnotherFilesChange() throws {
        var files = WorkspaceTestFiles.valid
        let running = WorkspaceLoader.load(files: files)
        // Deleting the webhook leaves the workflow that calls it naming an undefined webhook.
        files["webhooks/hook.yaml"] = nil
        let reload = WorkspaceReload(
            workspace: WorkspaceLoader.load(files: files), changedPaths: ["webhooks/hook.yaml"], files: scanned(files))
        let kept = reload.workspace.keepingLastGood(from: running).kept
        let error = try #require(reload.workspace.errors.first { $0.path == "workflows/flow.yaml" })

        #expect(kept.isEmpty)
        #expect(reload.summary(kept: kept) == "removed webhooks/hook.yaml; \(error.description)")
    }

    /// Files deleted (`rm -rf` of the workspace under `hookline serve`) are said to be removed:
    /// "reloaded" hid that every definition was gone.
    @Test func removedFilesAreSaidToBeRemovedNotReloaded() {
        var files = WorkspaceTestFiles.valid
        files["workflows/flow.yaml"] = files["workflows/flow.yaml"].map { $0 + "\n" }
        let removed = ["hookline.yaml", "webhooks/hook.yaml"]
        for path in removed { files[path] = nil }
        let reload = WorkspaceReload(
            workspace: WorkspaceLoader.load(files: files), changedPaths: (removed + ["workflows/flow.yaml"]).sorted(),
            files: scanned(files))
        #expect(reload.removedPaths == removed)
        #expect(reload.reloadedPaths == ["workflows/flow.yaml"])
        let summary = reload.summary(kept: [])
        #expect(summary.hasPrefix("reloaded workflows/flow.yaml; removed hookline.yaml, webhooks/hook.yaml"), "\(summary)")
    }

    @Test func aCleanReloadSaysWhatWasReloaded() {
        let reload = WorkspaceReload(
            workspace: WorkspaceLoader.load(files: WorkspaceTestFiles.valid),
            changedPaths: ["webhooks/hook.yaml", "workflows/flow.yaml"], files: scanned(WorkspaceTestFiles.valid))
        #expect(reload.brokenFiles.isEmpty)
        #expect(reload.summary(kept: []) == "reloaded webhooks/hook.yaml, workflows/flow.yaml")
    }

    @Test func mergingKeepsTheLaterWorkspaceAndEveryChangedFile() {
        let first = WorkspaceReload(
            workspace: Workspace(), changedPaths: ["workflows/b.yaml"],
            files: DefinitionFiles(stamps: ["workflows/b.yaml": .init(size: 1, modified: .distantPast)]))
        let later = WorkspaceReload(
            workspace: WorkspaceLoader.load(files: WorkspaceTestFiles.valid), changedPaths: ["workflows/a.yaml", "workflows/b.yaml"],
            files: DefinitionFiles())
        let merged = first.merged(with: later)
        #expect(merged.workspace == later.workspace)
        #expect(merged.files == later.files)
        #expect(merged.changedPaths == ["workflows/a.yaml", "workflows/b.yaml"])
    }
}
