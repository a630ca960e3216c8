import Foundation
import Testing

/// Commands pointed with `-C` at a folder that is not a workspace say so instead of finding nothing.
struct WorkspaceFolderCommandTests {
    /// `watch` would otherwise wait for a store in the missing folder for ever: hence the time limit.
    @Test(
        .timeLimit(.minutes(1)),
        arguments: [
            ["validate"], ["run", "welcome", "--all"], ["events", "track", "--email", "ada@example.com", "--event", "signup"],
            ["watch"], ["logs"],
        ])
    func aFolderThatDoesNotExistIsAnErrorNamingItAndIsNotCreated(command: [String]) async throws {
        let missing = try BinaryRunner.temporaryDirectory().appendingPathComponent("typo")
        let result = try await BinaryRunner.run(BinaryRunner.hooklinePath, command + ["-C", missing.path])
        #expect(result.status == 65)
        #expect(result.stderr == "error: \(missing.path): no such folder\n")
        #expect(!FileManager.default.fileExists(atPath: missing.path))
    }

    @Test(.timeLimit(.minutes(1)), arguments: [["validate"], ["run", "welcome", "--all"], ["studio"], ["watch"], ["logs"]])
    func aFolderWithNoWorkspaceFilesPointsToInit(command: [String]) async throws {
        let folder = try BinaryRunner.temporaryDirectory()
        try "notes\n".write(to: folder.appendingPathComponent("notes.txt"), atomically: true, encoding: .utf8)
        let result = try await BinaryRunner.run(BinaryRunner.hooklinePath, command + ["-C", folder.path])
        #expect(result.status == 65)
        #expect(result.stderr.contains("error: \(folder.path) is not a Hookline workspace"))
        #expect(result.stderr.contains("hookline init \(folder.path)"))
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent(".hookline").path))
    }

    @Test func aFolderWithOnlyWorkflowsIsStillAWorkspace() async throws {
        let folder = try BinaryRunner.temporaryDirectory()
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("workflows"), withIntermediateDirectories: true)
        let result = try await BinaryRunner.hookline("validate", "-C", folder.path)
        #expect(result.status == 0, "\(result.stderr)")
    }
}
