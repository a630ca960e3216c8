import ArgumentParser
import StudioEngine
import StudioModel

/// Building the engine of a workspace for a headless command.
enum EngineCommand {
    /// Loads the workspace (exit 65 on errors, or when the folder is not a workspace) and its secrets, unless given, and opens its store.
    static func makeEngine(
        _ options: WorkspaceOptions, timeScale: Double, secrets: [String: String]? = nil
    ) throws -> Engine {
        try options.requireWorkspace()
        let workspace = WorkspaceLoader.load(from: options.root)
        // A bad file is reported and left out; the rest of the workspace runs (DESIGN §3), and
        // what refers to the broken definitions waits in the store for a later resume.
        if report(workspace.diagnostics.filter { $0.severity == .error }, root: options.root) {
            printError("the files above are left out until they load; the rest of the workspace runs")
        }
        // Headless commands print attempts as they are published; nothing drains the feed's buffer.
        return try Engine(
            workspace: workspace, secrets: try secrets ?? options.secrets(),
            configuration: .init(timeScale: timeScale, storePath: options.storePath, trafficBuffer: 0))
    }

    /// Resumes what a previous executor left, saying so on standard error; when another executor
    /// holds the workspace, warns that its journeys are left to it.
    /// - Parameter workflowIDs: Resume only these workflows' journeys and deliveries.
    static func resumeOrWarn(_ engine: Engine, workflowIDs: Set<String>? = nil, holder: String) {
        if let summary = engine.resume(workflowIDs: workflowIDs, holder: holder) {
            if summary.journeys + summary.deliveries + summary.leftForLater > 0 {
                printError(summary.description)
            }
        } else {
            printError("warning: another executor runs on this workspace\(otherExecutor(engine)); its unfinished journeys are left to it")
        }
    }

    /// Runs `check` of the command line against the engine's workspace; when it throws, shuts
    /// `engine` down before passing the error on.
    static func shuttingDown(_ engine: Engine, ifThrows check: () throws -> Void) async throws {
        do {
            try check()
        } catch {
            await engine.shutdown()
            throw error
        }
    }

    /// How serve describes its ingest API in the executor lock, and how `events track` finds it there.
    static let ingestAPIPrefix = "ingest API at "

    /// `: hookline serve (pid 412), ingest API at …`: who runs the workspace's executor, for a
    /// message; empty when it is not known.
    static func otherExecutor(_ engine: Engine) -> String {
        naming(engine.otherExecutor)
    }

    /// `: hookline serve (pid 412), …` for a holder that described itself, else empty.
    static func naming(_ holder: String?) -> String {
        holder.map { ": \($0)" } ?? ""
    }
}
