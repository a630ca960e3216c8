import Foundation
import Testing

@testable import StudioModel

struct DefinitionFilesTests {
    private func folder() throws -> URL {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("hookline-files-\(UUID().uuidString)")
        for (path, text) in WorkspaceTestFiles.valid {
            let url = root.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try text.write(to: url, atomically: true, encoding: .utf8)
        }
        return root
    }

    @Test func scanStampsTheFilesTheLoaderReadsAndNothingElse() throws {
        let root = try folder()
        defer { try? FileManager.default.removeItem(at: root) }
        try "notes".write(to: root.appendingPathComponent("workflows/README.md"), atomically: true, encoding: .utf8)
        try "x".write(to: root.appendingPathComponent("webhooks/.hook.yaml.123.tmp"), atomically: true, encoding: .utf8)
        try FileManager.default.createDirectory(at: root.appendingPathComponent(".hookline"), withIntermediateDirectories: true)
        try "state".write(to: root.appendingPathComponent(".hookline/state.sqlite"), atomically: true, encoding: .utf8)

        let files = DefinitionFiles.scan(root: root)

        #expect(files.stamps.keys.sorted() == WorkspaceTestFiles.valid.keys.sorted())
        #expect(files.stamps["webhooks/hook.yaml"]?.size == WorkspaceTestFiles.webhook.utf8.count)
    }

    @Test func changedPathsNameWhatWasAddedChangedOrRemoved() throws {
        let root = try folder()
        defer { try? FileManager.default.removeItem(at: root) }
        let before = DefinitionFiles.scan(root: root)
        #expect(DefinitionFiles.scan(root: root).changedPaths(since: before).isEmpty)

        try (WorkspaceTestFiles.webhook + "# more\n").write(
            to: root.appendingPathComponent("webhooks/hook.yaml"), atomically: true, encoding: .utf8)
        try "id: new\n".write(to: root.appendingPathComponent("workflows/new.yaml"), atomically: true, encoding: .utf8)
        try FileManager.default.removeItem(at: root.appendingPathComponent("system-webhooks/sys.yaml"))

        #expect(
            DefinitionFiles.scan(root: root).changedPaths(since: before)
                == ["system-webhooks/sys.yaml", "webhooks/hook.yaml", "workflows/new.yaml"])
    }

    @Test func aRewriteOfTheSameSizeIsSeenByItsModificationTime() throws {
        let root = try folder()
        defer { try? FileManager.default.removeItem(at: root) }
        let url = root.appendingPathComponent("webhooks/hook.yaml")
        let before = DefinitionFiles.scan(root: root)
        let later = Date().addingTimeInterval(5)
        try WorkspaceTestFiles.webhook.replacingOccurrences(of: "POST", with: "PUT ").write(to: url, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.modificationDate: later], ofItemAtPath: url.path)
        #expect(DefinitionFiles.scan(root: root).changedPaths(since: before) == ["webhooks/hook.yaml"])
    }
}
