import ArgumentParser
import Foundation

extension Hookline {
    /// Stops the process for an error that `command`'s `run()` threw, as `exit(withError:)` does,
    /// except that a `ValidationError` is shown with `command`'s usage, not the root's:
    /// ArgumentParser knows which command a usage error belongs to only while it parses.
    static func exit(withError error: any Error, from command: any ParsableCommand.Type) -> Never {
        guard let usageError = error as? ValidationError else { exit(withError: error) }
        exitWithUsageError(usageError.message, of: command)
    }

    /// Prints `message` with `command`'s usage on standard error, as ArgumentParser prints a
    /// usage error found while parsing, and exits 64.
    static func exitWithUsageError(_ message: String, of command: any ParsableCommand.Type) -> Never {
        let name = commandPath(to: command).map { $0._commandName }.joined(separator: " ")
        // Later lines of a long usage line up under the first, after "Usage: ".
        let usage = usageString(for: command).replacingOccurrences(of: "\n", with: "\n       ")
        printError("Error: \(message)\nUsage: \(usage)\n  See '\(name) --help' for more information.")
        Foundation.exit(ExitCode.validationFailure.rawValue)
    }

    /// The commands from `Hookline` down to `command`, both included; `[Hookline]` alone when
    /// `command` is no subcommand.
    static func commandPath(to command: any ParsableCommand.Type) -> [any ParsableCommand.Type] {
        func path(from parent: any ParsableCommand.Type) -> [any ParsableCommand.Type]? {
            if parent == command { return [parent] }
            for subcommand in parent.configuration.subcommands {
                if let rest = path(from: subcommand) { return [parent] + rest }
            }
            return nil
        }
        return path(from: Hookline.self) ?? [Hookline.self]
    }
}
