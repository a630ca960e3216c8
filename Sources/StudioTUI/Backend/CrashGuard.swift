import Glibc

// State read by the crash handler. A signal handler can only use async-signal-safe calls and
// memory that is already initialised, so this lives in plain globals set before the handler is
// installed and only read afterwards.
nonisolated(unsafe) private var crashTTY: Int32 = -1
nonisolated(unsafe) private var crashHasTermios = false
nonisolated(unsafe) private var crashTermios = termios()
nonisolated(unsafe) private var crashInstalled = false
nonisolated(unsafe) private let crashOldActions = UnsafeMutablePointer<sigaction>.allocate(capacity: 65)

/// Restores the terminal if the process crashes while the studio owns it (tui.md P11): a
/// `sigaction` hook for fatal signals that writes `ESC[0m ESC[?25h ESC[?1049l`, restores the saved
/// termios, puts back the previous handler (so Swift's backtrace still prints) and re-raises.
enum CrashGuard {
    static let signals: [Int32] = [SIGSEGV, SIGBUS, SIGILL, SIGTRAP, SIGABRT, SIGFPE]

    /// Installs the hook. Call on the UI thread after the terminal is set up.
    static func install(tty: Int32, termios saved: termios?) {
        guard !crashInstalled else { return }
        crashTTY = tty
        if let saved {
            crashTermios = saved
            crashHasTermios = true
        }
        for signal in signals {
            var action = sigaction()
            action.__sigaction_handler.sa_handler = crashHandler
            sigemptyset(&action.sa_mask)
            action.sa_flags = 0
            sigaction(signal, &action, crashOldActions + Int(signal))
        }
        crashInstalled = true
    }

    /// Puts back the handlers that were there before ``install(tty:termios:)``.
    static func uninstall() {
        guard crashInstalled else { return }
        for signal in signals { sigaction(signal, crashOldActions + Int(signal), nil) }
        crashInstalled = false
    }
}

private func crashHandler(_ signal: Int32) {
    let reset: StaticString = "\u{1B}[0m\u{1B}[?25h\u{1B}[?2004l\u{1B}[?1049l\r\n"
    if crashTTY >= 0 {
        _ = write(crashTTY, reset.utf8Start, reset.utf8CodeUnitCount)
        if crashHasTermios { _ = tcsetattr(crashTTY, TCSANOW, &crashTermios) }
    }
    sigaction(signal, crashOldActions + Int(signal), nil)
    raise(signal)
}
