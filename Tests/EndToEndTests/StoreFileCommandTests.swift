#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Testing

/// The store (`.hookline/state.sqlite`) removed, damaged, written by a newer version or not
/// writable, as the commands meet it: each stops with exit 1 and a message naming the file and
/// what to do, rather than going on without recording, crashing, or answering 200 for events
/// that are then lost.
@Suite(.serialized)
struct StoreFileCommandTests {
    private func storePath(_ workspace: LiveWorkspace) -> String {
        workspace.root.appendingPathComponent(".hookline/state.sqlite").path
    }

    /// A workspace whose store holds one delivery to the receiver, made by `hookline run` for
    /// ada@example.com, after `sql` (given the store) ran.
    private func workspaceWithOneDelivery(after sql: String? = nil) async throws -> LiveWorkspace {
        let workspace = try await LiveWorkspace.make()
        if let sql {
            try await workspace.files.createStore()
            _ = try await workspace.sqlite(sql)
        }
        let users = try workspace.write("users.txt", "ada@example.com\n")
        let run = try await workspace.hookline("run", "welcome", "--users", users.path)
        try #require(run.status == 0, "\(run.stderr)")
        _ = try await LiveWorkspace.waitFor("the delivery") { workspace.receivedCount == 1 ? true : nil }
        return workspace
    }

    /// `git clean -fdX` removes `.hookline/` (it is gitignored) while `hookline serve` runs:
    /// SQLite would go on writing into the unlinked file, every event answered 200 and lost.
    /// Serve refuses them and stops, exit 1, naming the file, for a supervisor to start it on a
    /// new store; a definition file deleted meanwhile is said to be removed, not reloaded.
    @Test func serveWhoseStoreIsRemovedRefusesEventsAndStopsNamingTheFile() async throws {
        let workspace = try await LiveWorkspace.make()
        defer { workspace.remove() }
        let (serve, base) = try await workspace.startServe("--quiet")
        defer {
            serve.signal(SIGKILL)
            serve.removeOutput()
        }
        let event = #"{"email": "ada@example.com", "eventName": "signup"}"#
        #expect(try await workspace.post(base + "/api/events/track", event).status == 200)

        try FileManager.default.removeItem(at: workspace.root.appendingPathComponent("workflows/welcome.yaml"))
        _ = try await LiveWorkspace.waitFor("the removed line") {
            serve.stderr.contains("\nremoved workflows/welcome.yaml\n") ? true : nil
        }
        #expect(!serve.stderr.contains("reloaded workflows/welcome.yaml"))

        try FileManager.default.removeItem(at: workspace.root.appendingPathComponent(".hookline"))
        let after = try await workspace.post(base + "/api/events/track", event)
        // Refused by the store, or by nobody once serve has stopped: never taken.
        #expect(after.status == 500 || after.status == 0, "\(after)")
        if after.status == 500 {
            #expect(after.body.contains(#""code":"DatabaseError""#) && after.body.contains(storePath(workspace)), "\(after.body)")
        }
        #expect(try await serve.wait(timeout: .seconds(20)) == 1, "\(serve.stderr)")
        #expect(
            serve.stderr.contains(
                "error: \(storePath(workspace)) was removed while this process had it open: what is stored from now on "
                    + "would be lost with it; serve stops, so that no event is answered as stored that is not"),
            "\(serve.stderr)")
    }

    /// The studio on a store removed under it says so in its header, instead of showing live
    /// traffic that is kept nowhere.
    @Test func theStudioSaysWhenItsStoreIsRemoved() async throws {
        let folder = try BinaryRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let workspace = folder.appendingPathComponent("ws")
        let session = try await TmuxSession(
            command: "\(BinaryRunner.hooklinePath) demo --dir \(workspace.path)", directory: folder)
        try await session.driving {
            try await session.waitForScreen(timeout: 20) { $0.contains("● live") }
            try FileManager.default.removeItem(at: workspace.appendingPathComponent(".hookline"))
            let screen = try await session.waitForScreen(timeout: 10) { $0.contains("✗ nothing is stored") }
            #expect(!screen.contains("● live"), "\(screen)")
        }
    }

    /// As `hookline run` leaves a store (its write-ahead log beside it), its main file then cut
    /// short: `run` and `resume` went on sending, logging "database disk image is malformed",
    /// and exited 0. They stop before anything is sent, naming the file and what to do.
    @Test func aStoreCutShortIsRefusedBeforeAnythingIsSent() async throws {
        let padding = String(repeating: "x", count: 400)
        let workspace = try await workspaceWithOneDelivery(
            after: """
                WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 500)
                INSERT INTO user (email, profile) SELECT 'u' || i || '@example.com',
                  json_object('email', 'u' || i || '@example.com', 'note', '\(padding)') FROM n
                """)
        defer { workspace.remove() }
        let store = storePath(workspace)
        let size = try #require(try FileManager.default.attributesOfItem(atPath: store)[.size] as? Int)
        try #require(truncate(store, off_t(size / 2)) == 0)

        for arguments in [["resume"], ["run", "welcome", "--all"], ["logs"]] {
            let result = try await BinaryRunner.run(BinaryRunner.hooklinePath, arguments + ["-C", workspace.root.path])
            #expect(result.status == 1, "\(arguments): \(result.stderr)")
            #expect(result.stderr.contains("error: \(store) is damaged ("), "\(arguments): \(result.stderr)")
            #expect(result.stderr.contains("restore it from a backup, or move it away with its -wal and -shm files"))
        }
        #expect(workspace.receivedCount == 1)
    }

    /// An empty store file beside a write-ahead log that is not empty is a store cut short: not
    /// taken for a new, empty store.
    @Test func anEmptyStoreBesideItsLogIsRefused() async throws {
        let workspace = try await workspaceWithOneDelivery()
        defer { workspace.remove() }
        let store = storePath(workspace)
        try #require(truncate(store, 0) == 0)
        // The log as the run left it, or one standing in for it when the run checkpointed it away.
        if ((try? FileManager.default.attributesOfItem(atPath: store + "-wal"))?[.size] as? Int ?? 0) == 0 {
            try Data(repeating: 7, count: 4096).write(to: URL(fileURLWithPath: store + "-wal"))
        }

        let resume = try await workspace.hookline("resume")
        #expect(resume.status == 1)
        #expect(resume.stderr.contains("error: \(store) is empty (0 bytes) but its write-ahead log \(store)-wal holds"), "\(resume.stderr)")
    }

    /// An empty store file alone is a new store, as SQLite and `touch` make it, with a warning:
    /// what it held, if anything, was lost before Hookline opened it.
    @Test func anEmptyStoreFileAloneIsANewStoreWithAWarning() async throws {
        let workspace = try await LiveWorkspace.make()
        defer { workspace.remove() }
        let store = storePath(workspace)
        try workspace.write(".hookline/state.sqlite", "")
        let users = try workspace.write("users.csv", "email\nada@example.com\n")

        let imported = try await workspace.hookline("users", "import", users.path)
        #expect(imported.status == 0, "\(imported.stderr)")
        #expect(imported.stderr.contains("warning: \(store) was an empty file (0 bytes), so it is a new store now"))
        let again = try await workspace.hookline("users", "import", users.path)
        #expect(!again.stderr.contains("warning"))
    }

    /// `logs`, `validate` and `watch` only read the store: an empty file, or one that is no
    /// store, is left byte for byte as it was, with no log or lock file beside it, and each says
    /// so. They made an empty file a new ~90 KB store, and `validate` said nothing of it.
    @Test(arguments: ["", "not a store\n"])
    func readersLeaveAStoreFileTheyCannotReadAsItIsAndSaySo(contents: String) async throws {
        let workspace = try TestWorkspace.make()
        defer { workspace.remove() }
        try workspace.write("hookline.yaml", "name: Readers\n")
        try workspace.write(
            "webhooks/letter.yaml", "id: letter\nmethod: POST\nurl: \"https://example.com/v1/{{plan}}\"\n")
        try workspace.writeWelcomeWorkflow(calling: "letter")
        let store = try workspace.write(".hookline/state.sqlite", contents).path
        let folder = workspace.root.appendingPathComponent(".hookline").path
        func expectUntouched(_ command: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) throws {
            #expect(
                try FileManager.default.contentsOfDirectory(atPath: folder) == ["state.sqlite"], "\(command)",
                sourceLocation: sourceLocation)
            #expect(try String(contentsOfFile: store, encoding: .utf8) == contents, "\(command)", sourceLocation: sourceLocation)
        }
        let problem =
            contents.isEmpty
            ? "\(store) is an empty file (0 bytes): nothing recorded yet" : "\(store) is damaged (file is not a database)"

        let validate = try await workspace.hookline("validate")
        #expect(validate.status == 0, "\(validate.stderr)")
        #expect(validate.stderr.hasPrefix("warning: \(problem)"), "\(validate.stderr)")
        #expect(validate.stderr.hasSuffix("; merge parameters not checked against profiles\n"))
        #expect(validate.stdout.contains("1 workflow, 1 webhook, 0 system webhooks: 0 errors, 0 warnings"), "\(validate.stdout)")
        try expectUntouched("validate")

        let logs = try await workspace.hookline("logs")
        #expect(logs.status == 1)
        #expect(logs.stderr.hasPrefix("error: \(problem)"), "\(logs.stderr)")
        #expect(logs.stdout.isEmpty)
        try expectUntouched("logs")

        // Watch waits for the executor to make the empty file a store; one that is no store stops it.
        let watch = try BinaryRunner.start(BinaryRunner.hooklinePath, ["watch", "-C", workspace.root.path])
        defer {
            watch.signal(SIGKILL)
            watch.removeOutput()
        }
        let said = try await LiveWorkspace.waitFor("watch's word on the store") { watch.stderr.isEmpty ? nil : watch.stderr }
        if contents.isEmpty {
            #expect(said == "note: \(problem); watch waits for the executor to make it a store\n")
            try await Task.sleep(for: .milliseconds(600))
        } else {
            #expect(try await watch.wait(timeout: .seconds(10)) == 1)
            #expect(said.hasPrefix("error: \(problem)"), "\(said)")
        }
        try expectUntouched("watch")
    }

    /// A store a newer Hookline migrated was written into as if it were this version's.
    @Test func aStoreFromANewerHooklineIsRefusedByEveryCommand() async throws {
        let workspace = try await workspaceWithOneDelivery()
        defer { workspace.remove() }
        _ = try await workspace.sqlite("INSERT INTO grdb_migrations VALUES ('v99-future')")
        let store = storePath(workspace)

        for arguments in [["run", "welcome", "--all"], ["resume"], ["logs"], ["serve", "--port", "0"]] {
            // Serve would run until stopped: given 20 s to refuse.
            let command = try BinaryRunner.start(BinaryRunner.hooklinePath, arguments + ["-C", workspace.root.path])
            defer {
                command.signal(SIGKILL)
                command.removeOutput()
            }
            #expect(try await command.wait(timeout: .seconds(20)) == 1, "\(arguments): \(command.stderr)")
            #expect(
                command.stderr.contains("error: \(store) was written by a newer hookline (its migration v99-future is unknown"),
                "\(arguments): \(command.stderr)")
        }
        #expect(workspace.receivedCount == 1)
    }

    /// A column renamed (a newer, incompatible schema) crashed `hookline logs` in GRDB's row
    /// subscript, and let `run` send what it could not record.
    @Test func aStoreLackingAColumnIsRefusedNotACrash() async throws {
        let workspace = try await workspaceWithOneDelivery()
        defer { workspace.remove() }
        _ = try await workspace.sqlite("ALTER TABLE attempt RENAME COLUMN latencyMs TO latencyMicros")

        for arguments in [["logs"], ["run", "welcome", "--all"]] {
            let result = try await BinaryRunner.run(BinaryRunner.hooklinePath, arguments + ["-C", workspace.root.path])
            #expect(result.status == 1, "\(arguments): \(result.stderr)")
            #expect(
                result.stderr.contains("error: \(storePath(workspace)) is not a store this hookline can write: column "
                    + "attempt.latencyMs is missing"), "\(arguments): \(result.stderr)")
        }
        #expect(workspace.receivedCount == 1)
    }

    /// A stored value this version never writes (text where a date belongs) is an error naming
    /// the file and the column, not a crash in GRDB's row subscript.
    @Test func anAttemptThatCannotBeReadIsAnErrorNotACrash() async throws {
        let workspace = try await workspaceWithOneDelivery()
        defer { workspace.remove() }
        _ = try await workspace.sqlite("UPDATE attempt SET startedAt = 'soon'")

        let logs = try await workspace.hookline("logs")
        #expect(logs.status == 1, "\(logs.stderr)")
        #expect(
            logs.stderr.contains("error: \(storePath(workspace)): a value of attempt.startedAt is not Date"), "\(logs.stderr)")
    }

    /// A store this user may read but not write: `logs` reads it (it writes nothing), and
    /// commands that write say which file is not writable instead of `CREATE TABLE grdb_issue_102`.
    @Test(.enabled(if: TestWorkspace.canRunWithoutRoot))
    func aReadOnlyStoreIsReadByLogsAndRefusedByRunNamingIt() async throws {
        let workspace = try await workspaceWithOneDelivery()
        defer { workspace.remove() }
        let store = storePath(workspace)
        try FileManager.default.setAttributes([.posixPermissions: 0o444], ofItemAtPath: store)

        let logs = try await workspace.files.hooklineWithoutRoot("logs")
        #expect(logs.status == 0, "\(logs.stderr)")
        #expect(logs.stdout.split(separator: "\n").count == 1)
        let run = try await workspace.files.hooklineWithoutRoot("run", "welcome", "--all")
        #expect(run.status == 1)
        #expect(run.stderr.contains("error: \(store) is not writable (mode 0444): give this user write access"), "\(run.stderr)")
        #expect(workspace.receivedCount == 1)
    }

    /// A `.hookline/` folder this user may not write, the store closed cleanly (no `-wal` or
    /// `-shm` beside it): `logs` reads the store all the same, and `run` names the folder.
    @Test(.enabled(if: TestWorkspace.canRunWithoutRoot))
    func aStoreFolderThatIsNotWritableIsNamed() async throws {
        let workspace = try await workspaceWithOneDelivery()
        defer { workspace.remove() }
        // sqlite3, the last to close the store, checkpoints it and removes its -wal and -shm.
        _ = try await workspace.sqlite("PRAGMA wal_checkpoint(TRUNCATE)")
        let folder = workspace.root.appendingPathComponent(".hookline").path
        try FileManager.default.setAttributes([.posixPermissions: 0o555], ofItemAtPath: folder)
        defer { try? FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: folder) }

        let logs = try await workspace.files.hooklineWithoutRoot("logs")
        #expect(logs.status == 0, "\(logs.stderr)")
        let run = try await workspace.files.hooklineWithoutRoot("run", "welcome", "--all")
        #expect(run.status == 1)
        #expect(
            run.stderr.contains("error: \(folder) is not writable (the store's -wal, -shm and lock files are made there)"),
            "\(run.stderr)")
        #expect(workspace.receivedCount == 1)
    }
}

extension StoreFileCommandTests {
    /// `hookline --readonly` for ops on a store they may read but not write (the file 0444, its
    /// folder 0555): the studio opens it for reading only, shows its traffic, and leaves the file
    /// as it was, where it used to stop on the store not being writable.
    @Test(.enabled(if: TestWorkspace.canRunWithoutRoot))
    func aReadOnlyStudioShowsTheTrafficOfAStoreItCannotWrite() async throws {
        let workspace = try await workspaceWithOneDelivery()
        defer { workspace.remove() }
        _ = try await workspace.sqlite("PRAGMA wal_checkpoint(TRUNCATE)")
        let store = storePath(workspace)
        let folder = workspace.root.appendingPathComponent(".hookline").path
        let before = try Data(contentsOf: URL(fileURLWithPath: store))
        try FileManager.default.setAttributes([.posixPermissions: 0o444], ofItemAtPath: store)
        try FileManager.default.setAttributes([.posixPermissions: 0o555], ofItemAtPath: folder)
        defer { try? FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: folder) }
        var command = "\(BinaryRunner.hooklinePath) --readonly -C \(workspace.root.path)"
        if getuid() == 0 {
            // File modes do not apply to root: the studio runs as `nobody`, given the workspace.
            let chown = try await BinaryRunner.run("/bin/chown", ["-R", "65534:65534", workspace.root.path])
            try #require(chown.status == 0, "chown: \(chown.stderr)")
            command = "/usr/bin/setpriv --reuid=65534 --regid=65534 --clear-groups " + command
        }

        let session = try await TmuxSession(command: command, directory: workspace.root)
        try await session.driving {
            let screen = try await session.waitForScreen(timeout: 20) { screen in
                screen.contains("q quit") && screen.split(separator: "\n").contains { $0.contains("POST") && $0.contains("/v1/letters") }
            }
            #expect(screen.contains("ada@example.com"), "\(screen)")
            try await session.press("q")
            #expect(try await session.waitForExit(timeout: 15) == 0)
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: store)) == before)
        #expect(workspace.receivedCount == 1)
    }
}
