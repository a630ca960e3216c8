#if canImport(Glibc)
import Glibc
#endif
import Foundation
import StudioModel
import Testing

/// delivery.md §9 row 38 and DESIGN §6 with the real binary: `hookline run` is killed with
/// SIGKILL while its requests are in flight; `hookline resume` resends every unsettled delivery
/// with the same `webhook-id`, and each ends with exactly one success.
@Suite(.serialized)
struct CrashResumeTests {
    static let users = 6

    @Test func killNineMidRequestThenResumeResendsEachDeliveryWithItsIDAndSettlesItOnce() async throws {
        let root = try BinaryRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        // The receiver holds every answer for 1.5 s, so the run is killed mid-request.
        let script = try write(root, "slow.yaml", "rules: [{path: /v1/letters, response: {status: 200, delay: 1500ms}}]\n")
        let receiver = try BinaryRunner.start(
            BinaryRunner.hooklinePath, ["receive", "--port", "0", "--verbose", "--script", script.path])
        defer {
            receiver.signal(SIGKILL)
            receiver.removeOutput()
        }
        let port = try await waitFor("the receiver's port") { () -> Int? in
            guard let line = receiver.stdout.split(separator: "\n").first(where: { $0.hasPrefix("listening on ") }),
                let colon = line.lastIndex(of: ":")
            else { return nil }
            return Int(line[line.index(after: colon)...])
        }
        try await makeWorkspace(root, port: port)

        let run = try BinaryRunner.start(BinaryRunner.hooklinePath, ["run", "welcome", "--all", "-C", root.path])
        defer { run.removeOutput() }
        let firstIDs = try await waitFor("\(Self.users) requests at the receiver") { () -> [String]? in
            let ids = webhookIDs(in: receiver.stdout)
            return ids.count >= Self.users ? ids : nil
        }
        run.signal(SIGKILL)
        #expect(try await run.wait() == 128 + SIGKILL)
        #expect(Set(firstIDs).count == Self.users)

        let resume = try await BinaryRunner.hookline("resume", "-C", root.path)
        #expect(resume.status == 0, "\(resume.stderr)")
        #expect(resume.stderr.contains("resuming \(Self.users) journeys"), "\(resume.stderr)")

        // Every delivery reached the receiver twice, with the same id: at least once, at most twice.
        let all = webhookIDs(in: receiver.stdout)
        let counts = Dictionary(all.map { ($0, 1) }, uniquingKeysWith: +)
        #expect(Set(counts.keys) == Set(firstIDs))
        #expect(counts.values.allSatisfy { $0 == 2 }, "\(counts)")
        // The resumed attempts are the JSON lines `resume` printed, one success per delivery.
        let lines = resume.stdout.split(separator: "\n").compactMap { try? JSONValue.parse(String($0)) }
        #expect(lines.count == Self.users)
        #expect(Set(lines.compactMap { $0["deliveryId"]?.stringValue }) == Set(firstIDs))
        #expect(lines.allSatisfy { $0["outcome"]?.stringValue == "success" })

        let statuses = try await sqlite(root, "SELECT status || ':' || COUNT(*) FROM delivery GROUP BY status")
        #expect(statuses == "succeeded:\(Self.users)")
        let successes = try await sqlite(
            root, "SELECT COUNT(DISTINCT deliveryID) || '/' || COUNT(*) FROM attempt WHERE status = 200")
        #expect(successes == "\(Self.users)/\(Self.users)")
        let journeys = try await sqlite(root, "SELECT status || ':' || COUNT(*) FROM journey GROUP BY status")
        #expect(journeys == "finished:\(Self.users)")
    }

    // MARK: - Helpers

    private func makeWorkspace(_ root: URL, port: Int) async throws {
        try write(root, "hookline.yaml", "name: Crash test\nnetwork:\n  allow: [127.0.0.1/32]\n")
        try write(
            root, "webhooks/letter.yaml",
            """
            id: letter
            method: POST
            url: "http://127.0.0.1:\(port)/v1/letters"
            body:
              type: json
              template: '{"email": "{{email}}"}'

            """)
        try write(
            root, "workflows/welcome.yaml",
            """
            id: welcome
            name: Welcome
            start: {kind: event, event: signup}
            nodes:
              - id: call
                type: callWebhook
                webhook: letter
                onError: exit

            """)
        // `run` with no users creates the store; the users go in with sqlite3.
        let empty = try write(root, "no-users.txt", "")
        let created = try await BinaryRunner.hookline("run", "welcome", "--users", empty.path, "-C", root.path)
        try #require(created.status == 0, "hookline run: \(created.stderr)")
        let values = (1...Self.users).map { "('u\($0)@example.com', '{\"email\":\"u\($0)@example.com\"}')" }
        _ = try await sqlite(root, "INSERT INTO user (email, profile) VALUES " + values.joined(separator: ","))
    }

    @discardableResult
    private func write(_ root: URL, _ path: String, _ contents: String) throws -> URL {
        let url = root.appendingPathComponent(path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(contents.utf8).write(to: url)
        return url
    }

    private func sqlite(_ root: URL, _ sql: String) async throws -> String {
        let result = try await BinaryRunner.run(
            "/usr/bin/sqlite3", [root.appendingPathComponent(".hookline/state.sqlite").path, sql])
        try #require(result.status == 0, "sqlite3: \(result.stderr)")
        return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The `webhook-id` header values in the verbose receiver log, in order.
    private func webhookIDs(in log: String) -> [String] {
        log.split(separator: "\n").compactMap { line in
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            guard trimmed.lowercased().hasPrefix("webhook-id: ") else { return nil }
            return String(trimmed.dropFirst("webhook-id: ".count))
        }
    }

    /// Polls `probe` every 20 ms for up to 20 s.
    private func waitFor<T>(_ what: String, _ probe: () throws -> T?) async throws -> T {
        for _ in 0..<1000 {
            if let value = try probe() { return value }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw BinaryRunner.SpawnError(description: "timed out waiting for \(what)")
    }
}
