import ArgumentParser
import Foundation

/// Flags every command that works on a workspace shares.
struct WorkspaceOptions: ParsableArguments {
    @Option(name: [.customShort("C"), .long], help: "The workspace folder.", completion: .directory)
    var workspace: String = "."

    var root: URL { URL(fileURLWithPath: workspace, isDirectory: true).standardizedFileURL }

    var storePath: String { root.appendingPathComponent(".hookline/state.sqlite").path }
}

/// Flags of the full-screen studio.
struct StudioFlags: ParsableArguments {
    @Option(help: "Colour theme: a name from Themes/ or a path to a theme file.")
    var theme: String = "default"

    @Flag(help: "Use no colours (bold and reverse stay). NO_COLOR does the same.")
    var noColor = false

    @Flag(help: "Draw with ASCII characters only.")
    var ascii = false

    @Flag(help: "Hide and refuse commands that change or send anything.")
    var readonly = false

    @Option(help: .hidden)
    var eventsLog: String?
}
