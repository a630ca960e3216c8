import Foundation
import StudioEngine
import StudioModel
import StudioTUI

/// Runs the blocking studio loop on a thread of its own and waits for its exit status.
///
/// ncurses must be driven from one thread, and a blocking loop must not occupy one of the
/// two cooperative-pool threads this machine has (spike.md §5 P3).
func runOnUIThread(_ body: @escaping @Sendable () -> Int32) async -> Int32 {
    await withCheckedContinuation { continuation in
        let thread = Thread {
            continuation.resume(returning: body())
        }
        thread.name = "hookline.ui"
        thread.stackSize = 8 << 20
        thread.start()
    }
}

/// Opens the studio on its own thread on the workspace at `root`, with standard error sent to
/// `.hookline/hookline.log` while it owns the terminal (log lines and crash messages would
/// otherwise land on the screen, tui.md P11). A studio that cannot start (no terminal, unknown
/// TERM) is reported on the original standard error. Files changed on disk are loaded again and
/// shown, and the engine runs from them.
/// - Parameters:
///   - files: The definition files as `workspace` was loaded from them.
///   - store: What is wrong with the store the studio's engine writes (``Engine/storeProblem``),
///     looked at with the files: the studio says when it can no longer keep anything.
/// - Returns: the studio's exit status.
func runStudio(
    workspace: Workspace, files: DefinitionFiles, root: URL, traffic: any TrafficSource, commands: any StudioCommands,
    flags: StudioFlags, notice: String? = nil, store: (@Sendable () -> StoreError?)? = nil
) async -> Int32 {
    let terminalError = dup(STDERR_FILENO)
    redirectStandardError(to: root.appendingPathComponent(".hookline/hookline.log").path)
    let options = {
        var options = flags.studioOptions
        options.workspaceRoot = root.path
        options.notice = notice
        // Where a kept draft is named after a SIGHUP or SIGTERM, as the README promises.
        options.terminalStandardError = terminalError >= 0 ? terminalError : nil
        return options
    }()
    let watcher = WorkspaceWatcher(root: root, since: files, store: store)
    defer { watcher.stop() }
    return await runOnUIThread {
        do {
            return try Studio.run(
                workspace: workspace, traffic: traffic, changes: watcher, commands: commands, options: options)
        } catch {
            let message = Data("hookline: \(error)\n".utf8)
            if terminalError >= 0 {
                message.withUnsafeBytes { _ = write(terminalError, $0.baseAddress, $0.count) }
            }
            printError("hookline: \(error)")
            return 1
        }
    }
}

private func redirectStandardError(to path: String) {
    try? FileManager.default.createDirectory(
        atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
    let descriptor = open(path, O_WRONLY | O_CREAT | O_APPEND, 0o600)
    guard descriptor >= 0 else { return }
    dup2(descriptor, STDERR_FILENO)
    close(descriptor)
}
