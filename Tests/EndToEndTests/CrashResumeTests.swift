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
        let (workspace, run, firstIDs) = try await LiveWorkspace.runWithAnswersHeld(users: Self.users)
        defer { workspace.remove() }
        defer { run.removeOutput() }
        run.signal(SIGKILL)
        #expect(try await run.wait() == 128 + SIGKILL)
        #expect(Set(firstIDs).count == Self.users)

        let resume = try await workspace.hookline("resume")
        #expect(resume.status == 0, "\(resume.stderr)")
        #expect(resume.stderr.contains("resuming \(Self.users) journeys"), "\(resume.stderr)")

        // Every delivery reached the receiver twice, with the same id: at least once, at most twice.
        let all = workspace.received(header: "webhook-id")
        let counts = Dictionary(all.map { ($0, 1) }, uniquingKeysWith: +)
        #expect(Set(counts.keys) == Set(firstIDs))
        #expect(counts.values.allSatisfy { $0 == 2 }, "\(counts)")
        // The resumed attempts are the JSON lines `resume` printed, one success per delivery.
        let lines = resume.stdout.split(separator: "\n").compactMap { try? JSONValue.parse(String($0)) }
        #expect(lines.count == Self.users)
        #expect(Set(lines.compactMap { $0["deliveryId"]?.stringValue }) == Set(firstIDs))
        #expect(lines.allSatisfy { $0["outcome"]?.stringValue == "success" })

        #expect(try await workspace.sqlite("SELECT status || ':' || COUNT(*) FROM delivery GROUP BY status") == "succeeded:\(Self.users)")
        let successes = try await workspace.sqlite(
            "SELECT COUNT(DISTINCT deliveryID) || '/' || COUNT(*) FROM attempt WHERE status = 200")
        #expect(successes == "\(Self.users)/\(Self.users)")
        #expect(try await workspace.sqlite("SELECT status || ':' || COUNT(*) FROM journey GROUP BY status") == "finished:\(Self.users)")
    }

    /// A workflow file broken at the restart is reported and left out: its journeys and
    /// deliveries wait in the store, not failed, and a resume after the fix finishes them.
    @Test func aResumeWithABrokenWorkflowFileLeavesItsJourneysForLater() async throws {
        let users = 6
        let workspace = try await LiveWorkspace.killedMidRun(users: users)
        defer { workspace.remove() }
        let good = try String(contentsOf: workspace.root.appendingPathComponent("workflows/welcome.yaml"), encoding: .utf8)
        try workspace.write("workflows/welcome.yaml", "id: welcome\nname: [unclosed\n")

        let broken = try await workspace.hookline("resume")
        #expect(broken.status == 0, "\(broken.stderr)")
        #expect(broken.stderr.contains("workflows/welcome.yaml:"), "\(broken.stderr)")
        #expect(broken.stderr.contains("left for hookline resume"), "\(broken.stderr)")
        #expect(try await workspace.sqlite("SELECT COUNT(*) FROM journey WHERE status = 'failed'") == "0")

        try workspace.write("workflows/welcome.yaml", good)
        let fixed = try await workspace.hookline("resume")
        #expect(fixed.status == 0, "\(fixed.stderr)")
        #expect(try await workspace.sqlite("SELECT status || ':' || COUNT(*) FROM journey GROUP BY status") == "finished:\(users)")
        #expect(try await workspace.sqlite("SELECT status || ':' || COUNT(*) FROM delivery GROUP BY status") == "succeeded:\(users)")
    }

    @Test func killNineWithJourneysStillQueuedThenResumeStartsThemToo() async throws {
        // One delivery at a time admits 4 journeys; the first answer takes 10 s, so the other
        // users are still queued in the process when it is killed.
        let users = 12
        let workspace = try await LiveWorkspace.killedMidRun(users: users)
        defer { workspace.remove() }

        let resume = try await workspace.hookline("resume")
        #expect(resume.status == 0, "\(resume.stderr)")
        #expect(resume.stderr.contains("resuming \(users) journeys"), "\(resume.stderr)")
        // Every user's letter was sent and succeeded once; only the one in flight at the kill went twice.
        #expect(try await workspace.sqlite("SELECT status || ':' || COUNT(*) FROM journey GROUP BY status") == "finished:\(users)")
        #expect(try await workspace.sqlite("SELECT status || ':' || COUNT(*) FROM delivery GROUP BY status") == "succeeded:\(users)")
        let received = workspace.received(header: "webhook-id")
        #expect(Set(received).count == users)
        #expect(received.count == users + 1)
    }
}
