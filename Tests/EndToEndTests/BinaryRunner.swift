import Foundation

/// Runs the built `hookline` binary and other programs, for tests that check what a user sees.
///
/// Processes are started with `posix_spawn` and awaited by polling `waitpid` with `Task.sleep`,
/// so a test never blocks one of the few cooperative threads (the machine has two) and does not
/// depend on Foundation's child reaping, which missed tmux's short-lived client here.
enum BinaryRunner {
    /// The `hookline` binary: `HOOKLINE_BIN`, else the debug build next to this package.
    static var hooklinePath: String {
        if let path = ProcessInfo.processInfo.environment["HOOKLINE_BIN"], !path.isEmpty { return path }
        let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        return packageRoot.appendingPathComponent(".build/debug/hookline").path
    }

    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    struct SpawnError: Error, CustomStringConvertible {
        var description: String
    }

    /// Runs a program to completion with a fixed environment; output goes through files, not
    /// pipes, because a daemon it starts (the tmux server) would hold a pipe open forever.
    static func run(_ executable: String, _ arguments: [String]) async throws -> Result {
        let process = try start(executable, arguments)
        defer { process.removeOutput() }
        let status = try await process.wait()
        return Result(status: status, stdout: process.stdout, stderr: process.stderr)
    }

    /// A program started in the background, for tests that stop or kill it midway.
    struct Background {
        let pid: pid_t
        let outPath: String
        let errPath: String

        var stdout: String { (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? "" }
        var stderr: String { (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? "" }

        func signal(_ signal: Int32) { _ = kill(pid, signal) }

        /// The exit status (128 + N after signal N), polling so no thread blocks.
        func wait() async throws -> Int32 {
            while true {
                if let status = try await wait(timeout: .seconds(3600)) { return status }
            }
        }

        /// The exit status once the program has ended, or nil when it still runs after `timeout`
        /// (the caller stops it).
        func wait(timeout: Duration) async throws -> Int32? {
            var status: Int32 = 0
            let deadline = ContinuousClock.now + timeout
            while waitpid(pid, &status, WNOHANG) == 0 {
                guard ContinuousClock.now < deadline else { return nil }
                try await Task.sleep(for: .milliseconds(10))
            }
            return (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        }

        func removeOutput() {
            try? FileManager.default.removeItem(atPath: outPath)
            try? FileManager.default.removeItem(atPath: errPath)
        }
    }

    /// Starts a program with its output in temporary files; the caller waits for it.
    static func start(_ executable: String, _ arguments: [String]) throws -> Background {
        let outPath = FileManager.default.temporaryDirectory.appendingPathComponent("hookline-out-\(UUID().uuidString)").path
        let errPath = FileManager.default.temporaryDirectory.appendingPathComponent("hookline-err-\(UUID().uuidString)").path
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, errPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)

        var environment = ProcessInfo.processInfo.environment
        environment["COLUMNS"] = "100"
        environment["LANG"] = "C.UTF-8"
        environment["SWIFT_BACKTRACE"] = "interactive=no"
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        // The test runs on a Dispatch worker thread, which blocks SIGCHLD, SIGWINCH, SIGTERM and
        // more; a child would inherit that mask (a tmux server then never reaps its panes).
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        var allSignals = sigset_t()
        sigfillset(&allSignals)
        posix_spawnattr_setsigdefault(&attributes, &allSignals)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
        guard spawned == 0 else { throw SpawnError(description: "cannot start \(executable): errno \(spawned)") }
        return Background(pid: pid, outPath: outPath, errPath: errPath)
    }

    static func hookline(_ arguments: String...) async throws -> Result {
        try await run(hooklinePath, arguments)
    }

    /// A new folder under ``runFolder``.
    static func temporaryDirectory() throws -> URL {
        let url = runFolder.appendingPathComponent(UUID().uuidString)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// The folder of this test process's workspaces, removed when it exits: a test that fails
    /// before its own clean-up leaves nothing in /tmp (each run left about 100 workspaces and
    /// 85 MB there). Its name keeps `hookline-e2e-`, which finds the `hookline` processes a
    /// crashed run left (`pkill -f hookline-e2e-`).
    private static let runFolder: URL = {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("hookline-e2e-\(getpid())-\(UUID().uuidString.prefix(8))")
        atexit { try? FileManager.default.removeItem(at: BinaryRunner.runFolder) }
        return url
    }()
}
