import Foundation
import Testing

/// `hookline init` on folders that already hold files: nothing of the user's is lost.
struct InitCommandTests {
    @Test func initRefusesAndCreatesNothingWhenAFileItWouldCreateExists() async throws {
        let folder = try BinaryRunner.temporaryDirectory()
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("workflows"), withIntermediateDirectories: true)
        let mine = folder.appendingPathComponent("workflows/direct-mail.yaml")
        try "id: direct-mail\n# mine\n".write(to: mine, atomically: true, encoding: .utf8)

        let result = try await BinaryRunner.hookline("init", folder.path)
        #expect(result.status == 1)
        #expect(result.stderr.contains("workflows/direct-mail.yaml"))
        #expect(try String(contentsOf: mine, encoding: .utf8) == "id: direct-mail\n# mine\n")
        let created = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
        #expect(created == ["workflows"])
        #expect(try FileManager.default.contentsOfDirectory(atPath: mine.deletingLastPathComponent().path) == ["direct-mail.yaml"])
    }

    /// What init prints lists every file it made, the `.gitignore` too (QA).
    @Test func initListsTheGitignoreItCreates() async throws {
        let folder = try BinaryRunner.temporaryDirectory()
        let result = try await BinaryRunner.hookline("init", folder.path)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.split(separator: "\n").contains("created .gitignore"), "\(result.stdout)")
        #expect(try String(contentsOf: folder.appendingPathComponent(".gitignore"), encoding: .utf8) == ".hookline/\n")
    }

    @Test func initRefusesAFolderThatAlreadyHoldsAWorkspace() async throws {
        let folder = try BinaryRunner.temporaryDirectory()
        try "name: Mine\n".write(to: folder.appendingPathComponent("hookline.yaml"), atomically: true, encoding: .utf8)
        let result = try await BinaryRunner.hookline("init", folder.path)
        #expect(result.status == 1)
        #expect(result.stderr.contains("hookline.yaml"))
        #expect(try String(contentsOf: folder.appendingPathComponent("hookline.yaml"), encoding: .utf8) == "name: Mine\n")
    }

    @Test(arguments: [
        ("node_modules/\n*.log", "node_modules/\n*.log\n.hookline/\n"),
        ("build/\n", "build/\n.hookline/\n"),
        ("build/\n.hookline/\n", "build/\n.hookline/\n"),
        ("/.hookline\n", "/.hookline\n"),
    ])
    func initAddsTheStateFolderToAnExistingGitignoreKeepingItsLines(before: String, after: String) async throws {
        let folder = try BinaryRunner.temporaryDirectory()
        let ignore = folder.appendingPathComponent(".gitignore")
        try before.write(to: ignore, atomically: true, encoding: .utf8)
        let result = try await BinaryRunner.hookline("init", folder.path)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try String(contentsOf: ignore, encoding: .utf8) == after)
    }

    /// The example webhooks take the base URL's scheme and host: any other made a workspace that
    /// `validate` refuses.
    @Test(arguments: ["ftp://x y", "http://x y", "127.0.0.1:8080", "http://", "https://user:pw@example.com"])
    func initRefusesABaseURLThatIsNotHTTPAsAUsageError(baseURL: String) async throws {
        let folder = try BinaryRunner.temporaryDirectory().appendingPathComponent("ws")
        let result = try await BinaryRunner.hookline("init", folder.path, "--base-url", baseURL)
        #expect(result.status == 64)
        #expect(result.stderr.contains("Please give an http:// or https:// --base-url, not '\(baseURL)'"), "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: folder.path))
    }

    /// The README offers `--base-url` for the receiver the webhooks call; one on this machine or a
    /// private network under another address than 127.0.0.1 made a workspace `validate` refused,
    /// since `network.allow` named only 127.0.0.1. It now names the base URL's host.
    @Test(arguments: [
        ("http://localhost:8080", "allow: [localhost]"), ("http://10.1.2.3:8080", "allow: [10.1.2.3/32]"),
        ("http://[::1]:8080", #"allow: ["::1/128"]"#), ("https://hooks.example.com", "allow: []"),
    ])
    func aWorkspaceMadeForAnyBaseURLPassesValidate(baseURL: String, allow: String) async throws {
        let folder = try BinaryRunner.temporaryDirectory().appendingPathComponent("ws")
        #expect(try await BinaryRunner.hookline("init", folder.path, "--base-url", baseURL).status == 0)
        let settings = try String(contentsOf: folder.appendingPathComponent("hookline.yaml"), encoding: .utf8)
        #expect(settings.contains(allow), "\(settings)")
        let validate = try await BinaryRunner.hookline("validate", "-C", folder.path)
        #expect(validate.status == 0, "\(validate.stdout)\(validate.stderr)")
    }

    @Test func initOnAFileSaysSoPlainly() async throws {
        let file = try BinaryRunner.temporaryDirectory().appendingPathComponent("afile")
        try "notes\n".write(to: file, atomically: true, encoding: .utf8)
        for target in [file, file.appendingPathComponent("ws")] {
            let result = try await BinaryRunner.hookline("init", target.path)
            #expect(result.status == 1)
            #expect(result.stderr == "error: \(file.path) is a file, not a folder; nothing was created.\n")
        }
        #expect(try String(contentsOf: file, encoding: .utf8) == "notes\n")
    }

    @Test func initWritesAGitignoreWhenThereIsNone() async throws {
        let folder = try BinaryRunner.temporaryDirectory()
        let result = try await BinaryRunner.hookline("init", folder.path + "/ws")
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try String(contentsOf: folder.appendingPathComponent("ws/.gitignore"), encoding: .utf8) == ".hookline/\n")
    }
}
