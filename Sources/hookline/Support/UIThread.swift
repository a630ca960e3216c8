import Foundation

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

/// Sends this process's standard error to a log file while the studio owns the terminal, so
/// log lines and crash messages do not land on the screen (tui.md P11).
func redirectStandardError(to path: String) {
    try? FileManager.default.createDirectory(
        atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
    let descriptor = open(path, O_WRONLY | O_CREAT | O_APPEND, 0o600)
    guard descriptor >= 0 else { return }
    dup2(descriptor, STDERR_FILENO)
    close(descriptor)
}
