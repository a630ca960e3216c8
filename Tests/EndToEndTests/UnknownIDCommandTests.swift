import Foundation
import Testing

/// An id on the command line that the store does not have is a usage error (exit 64), as an
/// unknown webhook, workflow or user is (`PreviewSendCommandTests`): said with where it was looked
/// for, before anything is sent, replayed or cancelled. `replay` and `cancel` exited 1 for it.
@Suite(.serialized)
struct UnknownIDCommandTests {
    @Test func anUnknownDeliveryOrUserIsAUsageErrorAndNothingIsDone() async throws {
        let workspace = try await LiveWorkspace.make()
        defer { workspace.remove() }
        let profiles = try workspace.write("users.csv", "email,plan\nada@example.com,pro\n")
        #expect(try await workspace.hookline("users", "import", profiles.path).status == 0)
        let users = try workspace.write("users.txt", "ada@example.com\n")
        #expect(try await workspace.hookline("run", "welcome", "--users", users.path).status == 0)
        let id = try await workspace.sqlite("SELECT id FROM delivery;")
        let store = workspace.root.appendingPathComponent(".hookline/state.sqlite").path
        let unknown = "error: no delivery 'msg_nothing' in \(store) (hookline logs lists the stored attempts with their delivery ids)\n"

        // The known id is not replayed either: the command line is refused whole.
        let replay = try await workspace.hookline("replay", id, "msg_nothing")
        #expect(replay.status == 64)
        #expect(replay.stderr == unknown)
        #expect(try await workspace.sqlite("SELECT COUNT(*) FROM attempt;") == "1")

        let cancel = try await workspace.hookline("cancel", "msg_nothing")
        #expect(cancel.status == 64)
        #expect(cancel.stderr == unknown)
        // A delivery that is there but settled is no usage error: the cancel was tried and failed.
        let settled = try await workspace.hookline("cancel", id)
        #expect(settled.status == 1)
        #expect(settled.stderr == "\(id): already settled\n")

        let delivery = try await workspace.hookline("logs", "--delivery", "msg_nothing")
        #expect(delivery.status == 64 && delivery.stdout.isEmpty)
        #expect(delivery.stderr == unknown)
        let user = try await workspace.hookline("logs", "--user", "ada@exmple.com")
        #expect(user.status == 64 && user.stdout.isEmpty)
        #expect(user.stderr == "error: no user 'ada@exmple.com' in \(store) (did you mean 'ada@example.com'?)\n")
        let known = try await workspace.hookline("logs", "--delivery", id, "--user", "ada@example.com")
        #expect(known.status == 0, "\(known.stderr)")
        #expect(known.stdout.split(separator: "\n").count == 1)
    }
}
