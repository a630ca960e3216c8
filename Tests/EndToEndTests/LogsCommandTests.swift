#if canImport(Glibc)
import Glibc
#endif
import Foundation
import StudioModel
import Testing

/// `hookline logs`: stored attempts exported as JSON Lines, HAR and curl, with every secret
/// masked (delivery.md §9 row 47: "DB rows, UI, exports and app logs contain none of the raw
/// values; the wire request did contain them").
@Suite(.serialized)
struct LogsCommandTests {
    static let token = "tok_live_5f4e3d2c1b0a"
    static let apiKey = "key_live_0a1b2c3d4e"

    @Test func exportsInEveryFormatHoldNoSecretWhileTheWireDid() async throws {
        let workspace = try await LiveWorkspace.make()
        defer { workspace.remove() }
        try workspace.write(
            "webhooks/crm.yaml",
            """
            id: crm
            method: POST
            url: "http://127.0.0.1:\(workspace.receiverPort)/crm?api_key={{secret.token}}&list=7"
            auth: {type: bearer, token: "{{secret.token}}"}
            headers: {X-API-Key: "{{secret.key}}"}
            body:
              type: json
              template: '{"email": "{{email}}", "echo": "{{secret.token}}"}'

            """)
        try workspace.write(
            "workflows/crm-sync.yaml",
            """
            id: crm-sync
            name: CRM sync
            start: {kind: event, event: sync}
            nodes:
              - id: push
                type: callWebhook
                webhook: crm
                onError: exit

            """)
        try workspace.files.writeSecrets(["token": Self.token, "key": Self.apiKey])
        let users = try workspace.write("users.txt", "ada@example.com\n")
        let run = try await workspace.hookline("run", "crm-sync", "--users", users.path)
        #expect(run.status == 0, "\(run.stderr)")
        // The wire had the secrets.
        #expect(workspace.receiver.stdout.contains("Bearer \(Self.token)"))
        #expect(workspace.receiver.stdout.contains(Self.apiKey))

        let jsonl = try await workspace.hookline("logs", "--webhook", "crm")
        let har = try await workspace.hookline("logs", "--format", "har", "--status", "ok")
        let curl = try await workspace.hookline("logs", "--format", "curl")
        for export in [jsonl, har, curl, run] {
            #expect(export.status == 0, "\(export.stderr)")
            #expect(!export.stdout.contains(Self.token) && !export.stderr.contains(Self.token))
            #expect(!export.stdout.contains(Self.apiKey) && !export.stderr.contains(Self.apiKey))
        }

        let line = try JSONValue.parse(jsonl.stdout.trimmingCharacters(in: .whitespacesAndNewlines))
        #expect(line["url"]?.stringValue?.contains("api_key=••••••&list=7") == true)
        #expect(line["requestBody"]?.stringValue?.contains(#""echo": "••••••""#) == true)

        let archive = try JSONValue.parse(har.stdout)
        #expect(archive["log"]?["version"] == "1.2")
        let entries = try #require(archive["log"]?["entries"]?.arrayValue)
        #expect(entries.count == 1)
        #expect(entries.first?["response"]?["status"] == .int(200))
        #expect(entries.first?["response"]?["statusText"] == "OK")
        let headers = entries.first?["request"]?["headers"]?.arrayValue ?? []
        #expect(headers.contains { $0["name"] == "Authorization" && $0["value"] == "Bearer ••••••" })

        #expect(curl.stdout.contains("curl --globoff -X POST 'http://127.0.0.1:\(workspace.receiverPort)/crm?api_key=••••••&list=7'"))
        #expect(curl.stdout.contains("-H 'X-API-Key: ••••••'"))
        #expect(curl.stdout.hasPrefix("# Secrets are masked (••••••)"))

        let none = try await workspace.hookline("logs", "--status", "5xx")
        #expect(none.status == 0 && none.stdout.isEmpty)
        let bad = try await workspace.hookline("logs", "--status", "teapot")
        #expect(bad.status == 64)

        // A misspelt name is refused with the nearest, not answered with nothing; a webhook
        // deleted from the workspace still names its stored attempts.
        let misspelt = try await workspace.hookline("logs", "--webhook", "crn")
        #expect(misspelt.status == 64 && misspelt.stdout.isEmpty)
        #expect(misspelt.stderr.contains("error: no webhook 'crn' in") && misspelt.stderr.contains("did you mean 'crm'?"), "\(misspelt.stderr)")
        let watchMisspelt = try await workspace.hookline("watch", "--workflow", "crm-synk")
        #expect(watchMisspelt.status == 64)
        #expect(watchMisspelt.stderr.contains("did you mean 'crm-sync'?"), "\(watchMisspelt.stderr)")
        try FileManager.default.removeItem(at: workspace.root.appendingPathComponent("webhooks/crm.yaml"))
        let deleted = try await workspace.hookline("logs", "--webhook", "crm")
        #expect(deleted.status == 0 && deleted.stdout == jsonl.stdout, "\(deleted.stderr)")
    }

    /// In a terminal, watch's lines are as wide as it is: an 80-column SSH session does not wrap them.
    @Test func watchLinesFitTheTerminal() async throws {
        let workspace = try await LiveWorkspace.make()
        defer { workspace.remove() }
        let ada = try workspace.write("ada.txt", "ada@example.com\n")
        #expect(try await workspace.hookline("run", "welcome", "--users", ada.path).status == 0)
        let session = try await TmuxSession(
            command: "\(BinaryRunner.hooklinePath) watch -C \(workspace.root.path)", columns: 80, rows: 24,
            directory: workspace.root)
        try await session.driving {
            let screen = try await session.waitForScreen(timeout: 20) { $0.contains("POST") }
            let row = try #require(screen.split(separator: "\n").first { $0.contains("POST") })
            #expect(row.contains("ada@example.com"), "one row, not wrapped: \(screen)")
            try await session.press("C-c")
            _ = try await session.waitForExit(timeout: 15)
        }
    }

    @Test func watchShowsRecentAttemptsThenFollowsNewOnesUntilInterrupted() async throws {
        let workspace = try await LiveWorkspace.make()
        defer { workspace.remove() }
        let watch = try await watchAfterAdaIsSent(in: workspace)
        defer {
            watch.signal(SIGKILL)
            watch.removeOutput()
        }
        try await sendToBob(in: workspace)
        _ = try await LiveWorkspace.waitFor("the new attempt") { watch.stdout.contains("bob@example.com") ? true : nil }
        watch.signal(SIGTERM)
        #expect(try await watch.wait() == 0)
        #expect(Self.users(in: watch.stdout) == ["ada@example.com", "bob@example.com"])
    }

    /// The store removed (`rm .hookline/state.sqlite*`) and made anew by the next run: watch says
    /// so once and shows the new store's attempts, rather than reading the deleted file forever.
    @Test func watchFollowsAStoreRemovedAndCreatedAgain() async throws {
        let workspace = try await LiveWorkspace.make()
        defer { workspace.remove() }
        let watch = try await watchAfterAdaIsSent(in: workspace)
        defer {
            watch.signal(SIGKILL)
            watch.removeOutput()
        }

        let store = workspace.root.appendingPathComponent(".hookline/state.sqlite").path
        for file in [store, store + "-wal", store + "-shm"] { try? FileManager.default.removeItem(atPath: file) }
        _ = try await LiveWorkspace.waitFor("watch to notice") { watch.stderr.isEmpty ? nil : true }
        try await sendToBob(in: workspace)
        _ = try await LiveWorkspace.waitFor("the new store's attempt") { watch.stdout.contains("bob@example.com") ? true : nil }

        #expect(watch.stderr == "note: \(store) was removed; watch follows the store created there next\n")
        #expect(Self.users(in: watch.stdout) == ["ada@example.com", "bob@example.com"])
    }

    /// `watch | head -1` returns once head has its line, quietly, without waiting for a new attempt.
    @Test func watchPipedIntoHeadExitsQuietlyWhenHeadIsDone() async throws {
        let workspace = try await LiveWorkspace.make()
        defer { workspace.remove() }
        let ada = try workspace.write("ada.txt", "ada@example.com\n")
        #expect(try await workspace.hookline("run", "welcome", "--users", ada.path).status == 0)
        let pipeline = try BinaryRunner.start(
            "/bin/bash",
            ["-c", #"timeout 15 "$0" watch -C "$1" | head -1; echo "watch status ${PIPESTATUS[0]}""#, BinaryRunner.hooklinePath, workspace.root.path])
        defer { pipeline.removeOutput() }
        let status = try await LiveWorkspace.waitFor("the pipeline to end") {
            pipeline.stdout.split(separator: "\n").last { $0.hasPrefix("watch status ") }
        }
        #expect(["watch status 0", "watch status 141"].contains(status), "\(pipeline.stdout)")
        #expect(pipeline.stdout.contains("ada@example.com"))
        #expect(pipeline.stderr.isEmpty, "\(pipeline.stderr)")
    }

    /// Watch is started in its own terminal first, then the executor in another.
    @Test func watchStartedBeforeAnythingHasRunFollowsTheFirstRun() async throws {
        let workspace = try await LiveWorkspace.make()
        defer { workspace.remove() }
        let ada = try workspace.write("ada.txt", "ada@example.com\n")
        let watch = try BinaryRunner.start(BinaryRunner.hooklinePath, ["watch", "--json", "-C", workspace.root.path])
        defer {
            watch.signal(SIGKILL)
            watch.removeOutput()
        }
        #expect(try await workspace.hookline("run", "welcome", "--users", ada.path).status == 0)
        _ = try await LiveWorkspace.waitFor("the first attempt") {
            watch.stdout.contains("ada@example.com") ? true : watch.stderr.isEmpty ? nil : true
        }
        #expect(watch.stdout.contains("ada@example.com"))
        #expect(watch.stderr.isEmpty, "\(watch.stderr)")
    }

    // MARK: - Helpers

    /// Runs the welcome workflow for Ada, then starts `watch --json` and waits until it shows
    /// her attempt. The caller stops it.
    private func watchAfterAdaIsSent(in workspace: LiveWorkspace) async throws -> BinaryRunner.Background {
        let ada = try workspace.write("ada.txt", "ada@example.com\n")
        #expect(try await workspace.hookline("run", "welcome", "--users", ada.path).status == 0)
        let watch = try BinaryRunner.start(BinaryRunner.hooklinePath, ["watch", "--json", "-C", workspace.root.path])
        do {
            _ = try await LiveWorkspace.waitFor("the recent attempt") { watch.stdout.contains("ada@example.com") ? true : nil }
        } catch {
            watch.signal(SIGKILL)
            watch.removeOutput()
            throw error
        }
        return watch
    }

    private func sendToBob(in workspace: LiveWorkspace) async throws {
        let bob = try workspace.write("bob.txt", "bob@example.com\n")
        #expect(try await workspace.hookline("run", "welcome", "--users", bob.path).status == 0)
    }

    /// The users of `watch --json`'s lines, in order.
    private static func users(in output: String) -> [String] {
        output.split(separator: "\n").compactMap { try? JSONValue.parse(String($0))["user"]?.stringValue }
    }
}
