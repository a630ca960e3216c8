import Foundation
import Testing

/// A mistake in the words of a command line is shown with the usage of the command it was made
/// in, and a mistyped command with the nearest one.
struct CommandUsageCommandTests {
    /// A mistyped command was taken as an argument of the studio (the default command) or of its
    /// group, and refused as "Unexpected argument" without a hint.
    @Test(arguments: [
        (["valdate"], "Unknown command 'valdate'. Did you mean 'validate'?", "hookline"),
        (["-C", "/tmp", "valdate"], "Unknown command 'valdate'. Did you mean 'validate'?", "hookline"),
        (["halp"], "Unknown command 'halp'. Did you mean 'help'?", "hookline"),
        (["frobnicate"], "Unknown command 'frobnicate'.", "hookline"),
        (["events", "trak"], "Unknown command 'trak'. Did you mean 'track'?", "hookline events"),
        (["users", "imprt", "people.csv"], "Unknown command 'imprt'. Did you mean 'import'?", "hookline users"),
        // Asking for help does not hide the mistake behind another command's help, exit 0 (QA, session 21).
        (["valdate", "--help"], "Unknown command 'valdate'. Did you mean 'validate'?", "hookline"),
        (["help", "valdate"], "Unknown command 'valdate'. Did you mean 'validate'?", "hookline"),
        (["events", "trak", "-h"], "Unknown command 'trak'. Did you mean 'track'?", "hookline events"),
    ])
    func aMistypedCommandIsNamedWithTheNearestOne(arguments: [String], message: String, parent: String) async throws {
        let result = try await BinaryRunner.run(BinaryRunner.hooklinePath, arguments)
        #expect(result.status == 64)
        #expect(result.stdout.isEmpty)
        #expect(
            result.stderr == "Error: \(message)\nUsage: \(parent) <subcommand>\n  See '\(parent) --help' for more information.\n")
    }

    /// A usage error found in a subcommand's `run()` came with the root command's usage. Each is
    /// found before the command reads a workspace.
    @Test(arguments: [
        (["events", "track", "--email", "a@example.com", "--event", "signup", "--data", "[1]"], "hookline events track"),
        (["events", "track", "--email", "a@example.com", "--event", "signup", "--data", "{"], "hookline events track"),
        (["users", "import", "people.txt"], "hookline users import"),
    ])
    func aSubcommandsUsageErrorShowsItsOwnUsage(arguments: [String], command: String) async throws {
        let result = try await BinaryRunner.run(BinaryRunner.hooklinePath, arguments)
        expectUsageError(result, of: command)
    }

    @Test func aUsageErrorFoundOnceTheWorkspaceIsReadShowsTheCommandsUsage() async throws {
        let workspace = try TestWorkspace.make()
        defer { workspace.remove() }
        try workspace.write("webhooks/letter.yaml", "id: letter\nmethod: POST\nurl: \"http://127.0.0.1:9/v1/letters\"\n")
        try workspace.writeWelcomeWorkflow(calling: "letter")
        let result = try await workspace.hookline("run", "welcome")
        expectUsageError(result, of: "hookline run")
        #expect(result.stderr.contains("Please give --users FILE, --list NAME or --all"), "\(result.stderr)")
    }

    private func expectUsageError(_ result: BinaryRunner.Result, of command: String) {
        #expect(result.status == 64)
        #expect(result.stderr.hasPrefix("Error: "), "\(result.stderr)")
        #expect(result.stderr.contains("\nUsage: \(command) "), "\(result.stderr)")
        #expect(result.stderr.hasSuffix("\n  See '\(command) --help' for more information.\n"), "\(result.stderr)")
    }
}
