import Foundation

/// A tmux server on its own socket running one command in a fixed-size window (spike.md §2).
struct TmuxSession {
    let socket: String
    let name = "hookline"
    let exitFile: String

    /// Starts `command` in a detached `columns`×`rows` window with a UTF-8 locale.
    init(command: String, columns: Int = 100, rows: Int = 30, directory: URL) async throws {
        socket = directory.appendingPathComponent("tmux.sock").path
        exitFile = directory.appendingPathComponent("exit-status").path
        try await tmux(
            "new-session", "-d", "-s", name, "-x", "\(columns)", "-y", "\(rows)", "-e", "LANG=C.UTF-8",
            "-e", "SWIFT_BACKTRACE=interactive=no", "-e", "TERM=xterm-256color",
            "\(command); echo $? > \(exitFile)", ";", "set-option", "-t", name, "remain-on-exit", "on")
    }

    @discardableResult
    func tmux(_ arguments: String...) async throws -> String {
        let which = ["/usr/bin/tmux", "/usr/local/bin/tmux"].first { FileManager.default.isExecutableFile(atPath: $0) } ?? "tmux"
        let result = try await BinaryRunner.run(which, ["-S", socket, "-f", "/dev/null"] + arguments)
        guard result.status == 0 else {
            throw TmuxError(message: "tmux \(arguments.joined(separator: " ")): \(result.stderr)")
        }
        return result.stdout
    }

    func screen() async throws -> String { try await tmux("capture-pane", "-p", "-t", name) }

    func press(_ key: String) async throws { try await tmux("send-keys", "-t", name, key) }

    func resize(columns: Int, rows: Int) async throws {
        try await tmux("resize-window", "-t", name, "-x", "\(columns)", "-y", "\(rows)")
    }

    /// Polls the screen until `predicate` holds, or fails after `timeout` seconds.
    @discardableResult
    func waitForScreen(timeout: Double, _ predicate: (String) -> Bool) async throws -> String {
        let deadline = Date().addingTimeInterval(timeout)
        var last = ""
        while Date() < deadline {
            last = (try? await screen()) ?? last
            if predicate(last) { return last }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw TmuxError(message: "timed out after \(timeout)s; last screen:\n\(last)")
    }

    /// The command's exit status once it has ended, or nil after `timeout` seconds.
    func waitForExit(timeout: Double) async throws -> Int32? {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if let text = try? String(contentsOfFile: exitFile, encoding: .utf8),
                let status = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines))
            {
                return status
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        return nil
    }

    func kill() async { _ = try? await tmux("kill-server") }

    /// Runs `body`, then stops the tmux server whatever happened: a wait that failed would
    /// otherwise leave the program running.
    func driving(_ body: () async throws -> Void) async throws {
        do { try await body() } catch {
            await kill()
            throw error
        }
        await kill()
    }
}

struct TmuxError: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}
