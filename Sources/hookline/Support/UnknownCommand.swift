import ArgumentParser
import StudioModel

/// A word on the command line that stands where a subcommand is expected but names none:
/// `hookline valdate`, `hookline events trak`. ArgumentParser suggests the nearest option for a
/// mistyped one, but hands a mistyped subcommand to the default one (the studio), or reports it
/// as an unexpected argument, with no suggestion.
struct UnknownCommand {
    /// The command whose subcommand `word` was meant to be.
    var parent: any ParsableCommand.Type
    var word: String

    /// The first word of `arguments` naming no subcommand where `hookline`, or the subcommand the
    /// words before it name, expects one; nil when an option or a command without subcommands
    /// comes first.
    static func find(in arguments: [String]) -> UnknownCommand? {
        var parent: any ParsableCommand.Type = Hookline.self
        for word in arguments {
            guard !parent.configuration.subcommands.isEmpty, !word.hasPrefix("-") else { return nil }
            guard let subcommand = parent.configuration.subcommands.first(where: { $0.isNamed(word) }) else {
                return builtInNames(of: parent).contains(word) ? nil : UnknownCommand(parent: parent, word: word)
            }
            parent = subcommand
        }
        return nil
    }

    /// The mistyped command a request for help names: `hookline exprot --help`, `hookline help
    /// exprot`, `hookline events trak -h`; nil when it asks for no help or names no unknown command.
    static func find(inHelpRequest arguments: [String]) -> UnknownCommand? {
        if arguments.first == "help" { return find(in: Array(arguments.dropFirst())) }
        guard arguments.contains(where: { $0 == "--help" || $0 == "-h" }) else { return nil }
        return find(in: arguments.filter { $0 != "--help" && $0 != "-h" })
    }

    /// `Unknown command 'valdate'. Did you mean 'validate'?`, worded as ArgumentParser words a
    /// mistyped option.
    var message: String {
        let names = parent.configuration.subcommands.map { $0._commandName } + Self.builtInNames(of: parent)
        let suggestion = nearestName(to: word, in: names).map { " Did you mean '\($0)'?" } ?? ""
        return "Unknown command '\(word)'.\(suggestion)"
    }

    /// ArgumentParser's own `help` subcommand, which only the root has.
    private static func builtInNames(of parent: any ParsableCommand.Type) -> [String] {
        parent == Hookline.self ? ["help"] : []
    }
}

extension ParsableCommand {
    /// Whether `word` names this command, by its name or an alias, as ArgumentParser matches one.
    fileprivate static func isNamed(_ word: String) -> Bool {
        _commandName == word || configuration.aliases.contains(word)
    }
}
