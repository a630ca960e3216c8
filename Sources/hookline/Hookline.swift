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

    static func main() async {
        await main(WorkspaceOptions.movingLeadingWorkspaceOption(Array(CommandLine.arguments.dropFirst())))
    }
}
