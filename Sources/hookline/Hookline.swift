import ArgumentParser
import StudioEngine

@main
struct Hookline: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Edit, run and watch lifecycle workflows and their webhooks, in the terminal.",
        version: HooklineVersion.current,
        subcommands: [
            Studio.self, Demo.self, Init.self, Validate.self, Render.self, Preview.self, Send.self, Run.self,
            Serve.self, Resume.self, Replay.self, Cancel.self, Logs.self, Watch.self, Users.self, Events.self, Receive.self, Sign.self,
        ],
        defaultSubcommand: Studio.self)

    /// Runs the command the arguments name, as `AsyncParsableCommand.main` does, except that a
    /// mistyped subcommand is named as one, with the nearest, and a usage error that a command's
    /// `run()` throws is shown with that command's usage, not the root's.
    static func main() async {
        let arguments = WorkspaceOptions.movingLeadingWorkspaceOption(Array(CommandLine.arguments.dropFirst()))
        // ArgumentParser answers `hookline exprot --help` and `hookline help exprot` with another
        // command's help, exit 0: a mistyped command is named first, whatever asks for help.
        if let unknown = UnknownCommand.find(inHelpRequest: arguments) {
            exitWithUsageError(unknown.message, of: unknown.parent)
        }
        var command: any ParsableCommand
        do {
            command = try await asyncParseAsRoot(arguments)
        } catch {
            guard let unknown = UnknownCommand.find(in: arguments) else { exit(withError: error) }
            exitWithUsageError(unknown.message, of: unknown.parent)
        }
        do {
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            exit(withError: error, from: type(of: command))
        }
    }
}
