import Foundation
import Testing

/// A temporary workspace folder for tests that run the binary: files, commands, the store.
struct TestWorkspace {
    let root: URL

    static func make() throws -> TestWorkspace {
        TestWorkspace(root: try BinaryRunner.temporaryDirectory())
    }

    @discardableResult
    func write(_ path: String, _ contents: String) throws -> URL {
        let url = root.appendingPathComponent(path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(contents.utf8).write(to: url)
        return url
    }

    /// `workflows/welcome.yaml`: on each `signup` event, call `webhook`.
    func writeWelcomeWorkflow(calling webhook: String) throws {
        try write(
            "workflows/welcome.yaml",
            """
            id: welcome
            name: Welcome
            start: {kind: event, event: signup}
            nodes:
              - id: call
                type: callWebhook
                webhook: \(webhook)
                onError: exit

            """)
    }

    /// `.hookline/secrets.yaml` with mode 0600, as `SecretStore` requires.
    func writeSecrets(_ secrets: [String: String]) throws {
        let file = try write(".hookline/secrets.yaml", secrets.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)\n" }.joined())
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: file.path)
    }

    /// Runs `hookline ARGUMENTS -C ROOT` (the workspace option is accepted after any subcommand).
    func hookline(_ arguments: String...) async throws -> BinaryRunner.Result {
        try await BinaryRunner.run(BinaryRunner.hooklinePath, arguments + ["-C", root.path])
    }

    /// Creates the store: `run` with no users migrates it and sends nothing.
    func createStore() async throws {
        let empty = try write("no-users.txt", "")
        let run = try await BinaryRunner.run(
            BinaryRunner.hooklinePath, ["run", "welcome", "--users", empty.path, "-C", root.path])
        try #require(run.status == 0, "hookline run: \(run.stderr)")
    }

    /// The result of `sqlite3` on the workspace's store, trimmed.
    func sqlite(_ sql: String) async throws -> String {
        let result = try await BinaryRunner.run(
            "/usr/bin/sqlite3", [root.appendingPathComponent(".hookline/state.sqlite").path, sql])
        try #require(result.status == 0, "sqlite3: \(result.stderr)")
        return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Whether commands can be run as a user file modes apply to: root ignores them, so a test
    /// running as root needs `setpriv` to run them as `nobody`.
    static var canRunWithoutRoot: Bool {
        getuid() != 0 || FileManager.default.isExecutableFile(atPath: "/usr/bin/setpriv")
    }

    /// Runs `hookline ARGUMENTS -C ROOT` as a user that file modes apply to, who owns the
    /// workspace: this one, or `nobody` (given the workspace first) when the tests run as root.
    func hooklineWithoutRoot(_ arguments: String...) async throws -> BinaryRunner.Result {
        let command = [BinaryRunner.hooklinePath] + arguments + ["-C", root.path]
        guard getuid() == 0 else { return try await BinaryRunner.run(command[0], Array(command.dropFirst())) }
        let chown = try await BinaryRunner.run("/bin/chown", ["-R", "65534:65534", root.path])
        try #require(chown.status == 0, "chown: \(chown.stderr)")
        return try await BinaryRunner.run(
            "/usr/bin/setpriv", ["--reuid=65534", "--regid=65534", "--clear-groups"] + command)
    }

    func remove() {
        try? FileManager.default.removeItem(at: root)
    }
}
