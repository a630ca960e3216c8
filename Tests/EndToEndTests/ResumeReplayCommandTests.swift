import Foundation
import Testing

/// `hookline resume --endpoint` and `hookline replay`: what they say and how they exit.
@Suite(.serialized)
struct ResumeReplayCommandTests {
    /// A workspace whose receiver answers every letter 410 Gone, after a run for ada and then one
    /// for bob: ada's delivery paused the endpoint, so bob's is held.
    private func goneAfterTwoRuns() async throws -> LiveWorkspace {
        let workspace = try await LiveWorkspace.make(script: "rules: [{path: /v1/letters, response: {status: 410}}]\n")
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
        #expect(resume.stderr.contains("endpoint letter: 1 held delivery sent, 1 failed"), "\(resume.stderr)")
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
