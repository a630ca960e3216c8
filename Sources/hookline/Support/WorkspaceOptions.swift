import ArgumentParser
import Foundation
import StudioEngine
import StudioModel

/// Flags every command that works on a workspace shares.
struct WorkspaceOptions: ParsableArguments {
    @Option(name: [.customShort("C"), .long], help: "The workspace folder.", completion: .directory)
    var workspace: String = "."

    var root: URL { URL(fileURLWithPath: workspace, isDirectory: true).standardizedFileURL }

    var storePath: String { root.appendingPathComponent(".hookline/state.sqlite").path }

    /// The workspace's store, opened for reading only (`hookline logs`, `watch`) or to write too;
    /// one that cannot be used stops the command with exit 1, saying why
    /// (``EngineCommand/openingStore(_:)``).
    func openStore(readonly: Bool = false) throws -> SQLiteStateStore {
        try EngineCommand.openingStore { try SQLiteStateStore(path: storePath, readonly: readonly) }
    }

    /// Stops a command before it reads, or creates a store in, a folder that is not a workspace: one
    /// that does not exist, or has none of `hookline.yaml`, `workflows/`, `webhooks/` and `system-webhooks/`.
    /// - Throws: `ExitCode.badInput` (65), after saying why on standard error and pointing to `hookline init`.
    func requireWorkspace() throws {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: root.path, isDirectory: &isFolder) else {
            printError("error: \(root.path): no such folder")
            throw ExitCode.badInput
        }
        guard isFolder.boolValue else {
            printError("error: \(root.path) is a file, not a workspace folder")
            throw ExitCode.badInput
        }
        let markers = ["hookline.yaml", "workflows", "webhooks", "system-webhooks"]
        guard markers.contains(where: { FileManager.default.fileExists(atPath: root.appendingPathComponent($0).path) }) else {
            printError("error: \(root.path) is not a Hookline workspace: it has no hookline.yaml, workflows/, webhooks/ or system-webhooks/")
            printError("Run `hookline init \(root.path)` to create one there.")
            throw ExitCode.badInput
        }
    }
}

extension WorkspaceOptions {
    /// The webhook `id` of `workspace`, given on the command line.
    /// - Throws: The usage exit (64), after saying it is not there and which ones are (``unknownName(_:_:in:known:total:)``).
    func webhook(_ id: String, in workspace: Workspace) throws -> Webhook {
        guard let webhook = workspace.webhook(id: id) else {
            throw unknownName("webhook", id, in: root.appendingPathComponent("webhooks").path + "/", known: workspace.webhooks.map(\.id))
        }
        return webhook
    }

    /// The webhook or system webhook `id` of `workspace`, given on the command line to choose
    /// deliveries: both kinds have them.
    /// - Throws: The usage exit (64), after saying it is not there and which ones are.
    func deliveryWebhook(_ id: String, in workspace: Workspace) throws {
        let known = workspace.webhooks.map(\.id) + workspace.systemWebhooks.map(\.id)
        guard !known.contains(id) else { return }
        let place = "\(root.appendingPathComponent("webhooks").path)/ or \(root.appendingPathComponent("system-webhooks").path)/"
        throw unknownName("webhook", id, in: place, known: known)
    }

    /// The workflow `id` of `workspace`, given on the command line.
    /// - Throws: The usage exit (64), after saying it is not there and which ones are; exit 65
    ///   when its file is there but has errors, which were printed, so it does not run.
    func workflow(_ id: String, in workspace: Workspace) throws -> Workflow {
        guard let workflow = workspace.workflow(id: id) else {
            if let path = workspace.brokenWorkflowPath(id) {
                printError("error: workflow '\(id)' does not run while \(path) has errors (above); fix them, then run it")
                throw ExitCode.badInput
            }
            throw unknownName("workflow", id, in: root.appendingPathComponent("workflows").path + "/", known: workspace.workflows.map(\.id))
        }
        return workflow
    }

    /// The workspace's secrets (``SecretStore/load(workspaceRoot:environment:)``).
    /// - Throws: `ExitCode.badInput` (65) after saying where the secrets file is wrong.
    func secrets() throws -> [String: String] {
        try loadSecrets(root: root)
    }
}

/// The secrets of the workspace at `root`.
/// - Throws: `ExitCode.badInput` (65) after saying where the secrets file is wrong.
func loadSecrets(root: URL) throws -> [String: String] {
    do {
        return try SecretStore.load(workspaceRoot: root)
    } catch let error as SecretsFileError {
        _ = report(error.diagnostics, root: root)
        throw ExitCode.badInput
    }
}

/// Flags of the full-screen studio.
struct StudioFlags: ParsableArguments {
    @Option(help: "Colour theme: a name from Themes/ or a path to a theme file.")
    var theme: String = "default"

    @Flag(help: "Use no colours (bold and reverse stay). NO_COLOR does the same.")
    var noColor = false

    @Flag(help: "Draw with ASCII characters only.")
    var ascii = false

    @Flag(
        help: """
            Hide and refuse commands that change or send anything. The studio (not the demo) then runs no \
            executor either: nothing is resumed or sent, and the traffic shown is what the workspace's \
            executor stores.
            """)
    var readonly = false

    @Option(help: .hidden)
    var eventsLog: String?
}

extension WorkspaceOptions {
    /// `arguments` with a workspace option written before the subcommand (`hookline -C ws
    /// validate`, as `git -C` is) moved after it, where the subcommand reads it; others as they are.
    static func movingLeadingWorkspaceOption(_ arguments: [String]) -> [String] {
        guard let first = arguments.first else { return arguments }
        let taken: Int
        if first == "-C" || first == "--workspace" {
            taken = 2
        } else if first.hasPrefix("--workspace=") || (first.hasPrefix("-C") && first.count > 2) {
            taken = 1
        } else {
            return arguments
        }
        // Without a subcommand after it, the option is the studio's, which takes it where it is.
        guard arguments.count > taken, !arguments[taken].hasPrefix("-") else { return arguments }
        var rest = Array(arguments.dropFirst(taken))
        let option = Array(arguments.prefix(taken))
        // Before a `--`, after which every word is an argument.
        rest.insert(contentsOf: option, at: rest.firstIndex(of: "--") ?? rest.endIndex)
        return rest
    }
}
