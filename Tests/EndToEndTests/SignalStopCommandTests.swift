#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Testing

/// SIGINT (Ctrl+C) or SIGTERM stops `hookline run` cleanly: nothing new starts, the requests in
/// flight get a few seconds and are then recorded as cut short, the leases are freed, and it
/// says that `hookline resume` finishes the rest; it exits 128 + the signal.
@Suite(.serialized)
struct SignalStopCommandTests {
    static let users = 4

    @Test(arguments: [SIGINT, SIGTERM])
    func aSignalStopsRunCleanlyAndResumeFinishesTheRest(signal: Int32) async throws {
        let (workspace, run, ids) = try await LiveWorkspace.runWithAnswersHeld(users: Self.users)
        defer { workspace.remove() }
        defer { run.removeOutput() }
        let signalled = ContinuousClock.now
        run.signal(signal)
        #expect(try await run.wait() == 128 + signal, "\(run.stderr)")
        // The answers are held for 10 s; the run waits 3 s for them, not 10.
        #expect(ContinuousClock.now - signalled < .seconds(9))
        #expect(run.stderr.contains("stopping\n"), "\(run.stderr)")
        #expect(run.stderr.hasSuffix("stopped; hookline resume finishes the rest\n"), "\(run.stderr)")
        // The summary counts the journeys left unfinished (QA: it said "0 journeys" of 4 started).
        #expect(run.stderr.contains("0 journeys, 0 deliveries, 0 failed, 4 journeys unfinished\n"), "\(run.stderr)")
        #expect(try await workspace.sqlite("SELECT status || ':' || COUNT(*) FROM delivery WHERE leaseOwner IS NULL GROUP BY status")
            == "retrying:\(Self.users)")
        #expect(try await workspace.sqlite("SELECT errorClass || ':' || COUNT(*) FROM attempt GROUP BY errorClass") == "cancelled:\(Self.users)")
        #expect(try await workspace.sqlite("SELECT status || ':' || COUNT(*) FROM journey GROUP BY status") == "running:\(Self.users)")

        let resume = try await workspace.hookline("resume")
        #expect(resume.status == 0, "\(resume.stderr)")
        // Each delivery went twice with its id: the cut-short attempt and the resumed one.
        let counts = Dictionary(workspace.received(header: "webhook-id").map { ($0, 1) }, uniquingKeysWith: +)
        #expect(Set(counts.keys) == Set(ids))
        #expect(counts.values.allSatisfy { $0 == 2 }, "\(counts)")
        #expect(try await workspace.sqlite("SELECT status || ':' || COUNT(*) FROM delivery GROUP BY status") == "succeeded:\(Self.users)")
        #expect(try await workspace.sqlite("SELECT status || ':' || COUNT(*) FROM journey GROUP BY status") == "finished:\(Self.users)")
    }
}
