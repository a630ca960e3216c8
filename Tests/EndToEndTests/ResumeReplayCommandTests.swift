#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Testing

/// `hookline resume --endpoint` and `hookline replay`: what they say and how they exit.
@Suite(.serialized)
struct ResumeReplayCommandTests {
    /// A workspace whose receiver answers every letter 410 Gone, after a run for ada and then one
    /// for bob: ada's delivery paused the endpoint, so bob's is held.
    /// - Parameter then: The receiver's answer to the letters after ada's.
    private func goneAfterTwoRuns(then: String = "{status: 410}") async throws -> LiveWorkspace {
        let workspace = try await LiveWorkspace.make(
            script: "rules: [{path: /v1/letters, responses: [{status: 410}, \(then)]}]\n")
        for user in ["ada", "bob"] {
            let users = try workspace.write("\(user).txt", "\(user)@example.com\n")
            let run = try await workspace.hookline("run", "welcome", "--users", users.path)
            #expect(run.status == 1, "\(run.stderr)")
        }
        #expect(try await workspace.sqlite("SELECT email, status FROM delivery ORDER BY email;") == "ada@example.com|failed\nbob@example.com|held")
        return workspace
    }

    @Test func resumeEndpointExitsOneWhenAHeldDeliveryFailsAgain() async throws {
        let workspace = try await goneAfterTwoRuns()
        defer { workspace.remove() }
        let resume = try await workspace.hookline("resume", "--endpoint", "letter")
        #expect(resume.status == 1)
        #expect(resume.stderr.contains("endpoint letter resumed: 1 held delivery to send"), "\(resume.stderr)")
        #expect(resume.stderr.contains("1 delivery, 1 failed"), "\(resume.stderr)")
    }

    /// Beside a running executor, `resume --endpoint` sends nothing: it sent the held deliveries,
    /// then found the workspace taken and said "nothing resumed" (QA).
    @Test func resumeEndpointBesideARunningExecutorSendsNothing() async throws {
        let workspace = try await goneAfterTwoRuns(then: "{status: 200}")
        defer { workspace.remove() }
        let (serve, _) = try await workspace.startServe("--quiet")
        defer {
            serve.signal(SIGKILL)
            serve.removeOutput()
        }
        let sentBefore = workspace.receivedCount

        let resume = try await workspace.hookline("resume", "--endpoint", "letter")
        #expect(resume.status == 1)
        #expect(resume.stderr.contains("another executor runs on this workspace"), "\(resume.stderr)")
        #expect(!resume.stderr.contains("to send"), "\(resume.stderr)")
        #expect(workspace.receivedCount == sentBefore)
        #expect(try await workspace.sqlite("SELECT status FROM delivery WHERE email = 'bob@example.com';") == "held")
    }

    /// SIGTERM stops `resume --endpoint` while a held delivery waits for its retry, as it stops
    /// `resume` (QA: it was waiting for the retry in the foreground, deaf to SIGTERM and SIGINT);
    /// the delivery is left for the next resume.
    @Test func resumeEndpointStopsOnSIGTERMLeavingTheRetryForTheNextResume() async throws {
        let workspace = try await goneAfterTwoRuns(then: "{status: 500}")
        defer { workspace.remove() }
        let resume = try BinaryRunner.start(
            BinaryRunner.hooklinePath, ["resume", "--endpoint", "letter", "-C", workspace.root.path])
        defer { resume.removeOutput() }
        _ = try await LiveWorkspace.waitFor("the held letter to be sent and refused") { () -> Bool? in
            resume.stdout.contains(#""status":500"#) ? true : nil
        }

        resume.signal(SIGTERM)
        let status = try await resume.wait(timeout: .seconds(20))
        if status == nil { resume.signal(SIGKILL) }
        #expect(status == 143, "\(resume.stderr)")
        #expect(resume.stderr.contains("stopped; hookline resume finishes the rest"), "\(resume.stderr)")
        #expect(try await workspace.sqlite("SELECT status FROM delivery WHERE email = 'bob@example.com';") == "retrying")
    }

    /// `replay ID` says what it did as `replay --webhook` does.
    @Test func replayByIDPrintsTheSummaryLine() async throws {
        let workspace = try await LiveWorkspace.make()
        defer { workspace.remove() }
        let users = try workspace.write("users.txt", "ada@example.com\n")
        #expect(try await workspace.hookline("run", "welcome", "--users", users.path).status == 0)
        let id = try await workspace.sqlite("SELECT id FROM delivery;")

        let replay = try await workspace.hookline("replay", id)
        #expect(replay.status == 0, "\(replay.stderr)")
        #expect(replay.stderr.contains("replayed 1: 1 succeeded, 0 failed"), "\(replay.stderr)")
        // An unknown id: `UnknownIDCommandTests`.
    }

    @Test func replayHelpSaysTheBodyComesFromTheWebhookAsItIsNow() async throws {
        let help = try await BinaryRunner.hookline("replay", "--help")
        let text = help.stdout.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        #expect(text.contains("the same webhook-id and user data, the webhook as it is now"), "\(help.stdout)")
        #expect(!text.contains("original webhook-id and body"))
    }
}
