import Foundation
import StudioModel
import Testing

/// A store that cannot be written while `hookline run` works (a full disk): nothing is sent
/// whose outbox row is not stored, the run stops with exit 1 naming the store, and `hookline
/// resume` finishes the rest once it can be written, each step under one `webhook-id`. The
/// disk fills through the process's file size limit (`ulimit -f`), which the store's files
/// reach as the write-ahead log grows, so SQLite's own write fails as it does on a full disk.
@Suite(.serialized)
struct StoreFullCommandTests {
    static let users = 300

    @Test func aRunWhoseStoreFillsStopsSendingAndResumeFinishesWithTheSameIDs() async throws {
        let workspace = try await LiveWorkspace.make()
        defer { workspace.remove() }
        try workspace.write(
            "workflows/welcome.yaml",
            """
            id: welcome
            name: Welcome
            start: {kind: event, event: signup}
            nodes:
              - {id: first, type: callWebhook, webhook: letter, next: second}
              - {id: second, type: callWebhook, webhook: letter}

            """)
        try await workspace.files.createStore()
        let values = (1...Self.users).map { "('u\($0)@example.com', '{\"email\":\"u\($0)@example.com\"}')" }
        _ = try await workspace.sqlite("INSERT INTO user (email, profile) VALUES " + values.joined(separator: ","))
        _ = try await workspace.sqlite("PRAGMA wal_checkpoint(TRUNCATE)")
        let storePath = workspace.root.appendingPathComponent(".hookline/state.sqlite").path
        let storeSize = try #require(try FileManager.default.attributesOfItem(atPath: storePath)[.size] as? Int)

        // Room for the journeys' start and a few outbox batches; the log then reaches the limit.
        let limit = storeSize / 1024 + 200
        let run = try await BinaryRunner.run(
            "/bin/bash",
            [
                "-c", #"ulimit -f "$1"; trap "" XFSZ; exec "$0" run welcome --all -C "$2" >/dev/null"#,
                BinaryRunner.hooklinePath, "\(limit)", workspace.root.path,
            ])
        #expect(run.status == 1, "\(run.stderr)")
        #expect(run.stderr.contains("error: could not store "), "\(run.stderr)")
        #expect(run.stderr.contains(" in \(storePath): SQLite error "), "\(run.stderr)")
        #expect(run.stderr.hasSuffix("hookline resume finishes the rest\n"), "\(run.stderr)")
        // Whatever reached the receiver had its outbox row first.
        let outbox = Set(try await workspace.sqlite("SELECT id FROM delivery").split(separator: "\n").map(String.init))
        let sentByRun = Set(workspace.received(header: "webhook-id"))
        #expect(sentByRun.isSubset(of: outbox), "\(sentByRun.subtracting(outbox).count) sent without an outbox row")
        #expect(try await workspace.sqlite("SELECT count(*) FROM journey") == "\(Self.users)", "the start is stored whole")

        let resume = try await workspace.hookline("resume")
        #expect(resume.status == 0, "\(resume.stderr)")
        #expect(try await workspace.sqlite("SELECT status || ':' || COUNT(*) FROM journey GROUP BY status") == "finished:\(Self.users)")
        #expect(try await workspace.sqlite("SELECT status || ':' || COUNT(*) FROM delivery GROUP BY status") == "succeeded:\(2 * Self.users)")
        // One webhook-id per user and step, and every one the receiver saw is stored.
        #expect(try await workspace.sqlite("SELECT count(*) FROM (SELECT 1 FROM delivery GROUP BY email, nodeID HAVING count(*) > 1)") == "0")
        let stored = Set(try await workspace.sqlite("SELECT id FROM delivery").split(separator: "\n").map(String.init))
        #expect(Set(workspace.received(header: "webhook-id")) == stored)
    }
}
