import Foundation
import Testing

/// `hookline run WORKFLOW --users FILE`: the list as people export it, and a bad line located.
@Suite(.serialized)
struct RunCommandTests {
    @Test func aListWithCommentsBlankLinesAndCRLFRunsEachAddressOnce() async throws {
        let workspace = try await LiveWorkspace.make()
        defer { workspace.remove() }
        let users = try workspace.write(
            "users.txt", "\u{FEFF}# segment: trial\r\nada@example.com\r\n\r\n  bob@example.com  \r\n# cy@example.com\r\n")
        let run = try await workspace.hookline("run", "welcome", "--users", users.path)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stderr.contains("2 journeys, 2 attempts, 0 failed"))
        #expect(try await workspace.sqlite("SELECT userEmail FROM attempt ORDER BY userEmail;") == "ada@example.com\nbob@example.com")
    }

    @Test func aLineThatIsNotTextIsLocatedAndTheAddressesBeforeItStillRun() async throws {
        let workspace = try await LiveWorkspace.make()
        defer { workspace.remove() }
        let users = workspace.root.appendingPathComponent("users.txt")
        try Data(Array("ada@example.com\n".utf8) + [0xC3, 0x28, 0x0A] + Array("bob@example.com\n".utf8)).write(to: users)
        let run = try await workspace.hookline("run", "welcome", "--users", users.path)
        #expect(run.status != 0)
        #expect(run.stderr.contains("\(users.path):2: the line is not UTF-8 text"), "\(run.stderr)")
        #expect(try await workspace.sqlite("SELECT userEmail FROM attempt;") == "ada@example.com")
        #expect(try await workspace.sqlite("SELECT count(*) FROM journey WHERE status != 'finished';") == "0")

        let missing = try await workspace.hookline("run", "welcome", "--users", workspace.root.path + "/nobody.txt")
        #expect(missing.status != 0)
        #expect(missing.stderr.contains("nobody.txt: No such file or directory"), "\(missing.stderr)")
    }
}
