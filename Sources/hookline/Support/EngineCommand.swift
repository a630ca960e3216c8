import ArgumentParser
import StudioEngine
import StudioModel

/// Building the engine of a workspace for a headless command.
enum EngineCommand {
    /// Loads the workspace (exit 65 on errors) and its secrets, and opens its store.
    static func makeEngine(_ options: WorkspaceOptions, timeScale: Double) throws -> Engine {
        let workspace = WorkspaceLoader.load(from: options.root)
        if report(workspace.diagnostics.filter { $0.severity == .error }, root: options.root) {
            throw ExitCode.badInput
        }
        // Headless commands print attempts as they are published; nothing drains the feed's buffer.
        return try Engine(
            workspace: workspace, secrets: try SecretStore.load(workspaceRoot: options.root),
            configuration: .init(timeScale: timeScale, storePath: options.storePath, trafficBuffer: 0))
    }
}
