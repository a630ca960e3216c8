import Foundation
import Glibc

/// The user's editor, run in the foreground on the terminal the studio handed over.
enum ExternalEditor {
    /// `$VISUAL`, then `$EDITOR`, then `vi`, as git and crontab choose.
    static func command(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        for name in ["VISUAL", "EDITOR"] {
            if let value = environment[name]?.trimmingCharacters(in: .whitespaces), !value.isEmpty { return value }
        }
        return "vi"
    }

    /// Editors that open a file at a line given as `+LINE` before it, as vi and its kin do.
    static let lineArgumentEditors: Set<String> = [
        "vi", "vim", "nvim", "gvim", "view", "vim.basic", "vim.tiny", "vim.nox", "elvis", "nvi", "ex",
        "nano", "pico", "rnano", "emacs", "emacsclient", "mg", "jed", "joe", "jmacs", "jstar", "jpico", "micro", "ne",
        "kak", "mcedit",
    ]

    /// The shell command line that runs `command` on the file `"$1"`, at `line` when the editor
    /// takes `+LINE` (its first word, without folders, is one of ``lineArgumentEditors``); any
    /// other editor just opens the file.
    static func shellCommand(_ command: String, line: Int?) -> String {
        let program = command.split(separator: " ").first.map { String($0.split(separator: "/").last ?? $0) } ?? ""
        guard let line, line > 0, lineArgumentEditors.contains(program) else { return "\(command) \"$1\"" }
        return "\(command) +\(line) \"$1\""
    }

    /// Runs the editor on `file` through `/bin/sh` (so `EDITOR="code --wait"` works) and waits;
    /// at `line` when the editor can be told one (``shellCommand(_:line:)``).
    /// - Returns: The editor's exit status, or why it could not be started.
    static func run(file: String, line: Int? = nil, command: String = command()) -> Result<Int32, EditorError> {
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // The studio ignores SIGINT, SIGTERM and SIGHUP and may block signals on this thread;
        // an ignored signal stays ignored across exec, so the editor gets the defaults back.
        var none = sigset_t()
        sigemptyset(&none)
        posix_spawnattr_setsigmask(&attributes, &none)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGPIPE, SIGWINCH, SIGTSTP, SIGCHLD] { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        let arguments = ["/bin/sh", "-c", shellCommand(command, line: line), "hookline-editor", file]
        var argv = arguments.map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var pid = pid_t()
        let spawned = posix_spawn(&pid, "/bin/sh", nil, &attributes, &argv, environ)
        guard spawned == 0 else { return .failure(EditorError(command: command, code: spawned)) }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 {
            guard errno == EINTR else { return .failure(EditorError(command: command, code: errno)) }
        }
        // WIFEXITED / WEXITSTATUS; a signal counts as a failure.
        return .success((status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f))
    }

    struct EditorError: Error, Sendable, CustomStringConvertible {
        var command: String
        var code: Int32
        var description: String { "cannot start the editor '\(command)': \(String(cString: strerror(code)))" }
    }
}
