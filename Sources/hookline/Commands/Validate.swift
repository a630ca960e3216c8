import ArgumentParser
import StudioModel

extension Hookline {
    struct Validate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check every workspace file and print each problem as path:line:col.")

        @OptionGroup(title: "Workspace Options") var options: WorkspaceOptions

        func run() throws {
            let workspace = WorkspaceLoader.load(from: options.root)
            let hasErrors = report(workspace.diagnostics, root: options.root)
            let errors = workspace.errors.count
            let warnings = workspace.diagnostics.count - errors
            print(
                "\(workspace.workflows.count) workflows, \(workspace.webhooks.count) webhooks, "
                    + "\(workspace.systemWebhooks.count) system webhooks: \(errors) errors, \(warnings) warnings")
            if hasErrors { throw ExitCode.badInput }
        }
    }
}
