import Glibc

// State read by the crash handler. A signal handler can only use async-signal-safe calls and
// memory that is already initialised, so this lives in plain globals set before the handler is
// installed and only read afterwards.
nonisolated(unsafe) private var crashTTY: Int32 = -1
nonisolated(unsafe) private var crashHasTermios = false
nonisolated(unsafe) private var crashTermios = termios()
nonisolated(unsafe) private var crashInstalled = false
nonisolated(unsafe) private var crashNullInput: Int32 = -1
nonisolated(unsafe) private let crashOldActions = UnsafeMutablePointer<sigaction>.allocate(capacity: 65)

/// Restores the terminal if the process crashes while the studio owns it (tui.md P11): a
/// `sigaction` hook for fatal signals that writes `ESC[0m ESC[?25h ESC[?1049l`, restores the saved
/// termios, calls the previous handler (so Swift's backtrace still prints) and ends the process
/// with the signal.
/// Standard input becomes /dev/null first: Swift's backtracer is interactive when stdin is a
/// terminal, and would otherwise wait at its prompt, holding the terminal, instead of printing
/// the backtrace and exiting (QA: a crash left the studio's terminal frozen).
enum CrashGuard {
    static let signals: [Int32] = [SIGSEGV, SIGBUS, SIGILL, SIGTRAP, SIGABRT, SIGFPE]

    /// Installs the hook. Call on the UI thread after the terminal is set up.
    static func install(tty: Int32, termios saved: termios?) {
        guard !crashInstalled else { return }
        crashTTY = tty
        if crashNullInput < 0 { crashNullInput = open("/dev/null", O_RDONLY | O_CLOEXEC) }
        if let saved {
            crashTermios = saved
            crashHasTermios = true
        }
        for signal in signals {
            var action = sigaction()
            action.__sigaction_handler.sa_sigaction = crashHandler
            sigemptyset(&action.sa_mask)
            action.sa_flags = SA_SIGINFO
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

private func crashHandler(_ signal: Int32, _ info: UnsafeMutablePointer<siginfo_t>?, _ context: UnsafeMutableRawPointer?) {
    let reset: StaticString = "\u{1B}[0m\u{1B}[?25h\u{1B}[?2004l\u{1B}[?1049l\r\n"
    if crashTTY >= 0 {
        _ = write(crashTTY, reset.utf8Start, reset.utf8CodeUnitCount)
        if crashHasTermios { _ = tcsetattr(crashTTY, TCSANOW, &crashTermios) }
    }
    if crashNullInput >= 0 { _ = dup2(crashNullInput, STDIN_FILENO) }
    // The previous handler is called with this crash's context, so that the backtrace it prints
    // is of the crash. Swift's returns once it is printed, for the fault to happen again; a
    // signal sent with kill(2) would not, so the process ends here with the signal either way.
    let previous = crashOldActions[Int(signal)]
    let handler = previous.__sigaction_handler
    if previous.sa_flags & SA_SIGINFO != 0, let chained = handler.sa_sigaction {
        chained(signal, info, context)
    } else if let chained = handler.sa_handler, unsafeBitCast(chained, to: Int.self) != unsafeBitCast(SIG_IGN, to: Int.self) {
        chained(signal)
    }
    var byDefault = sigaction()
    byDefault.__sigaction_handler.sa_handler = SIG_DFL
    sigaction(signal, &byDefault, nil)
    var unblocked = sigset_t()
    sigemptyset(&unblocked)
    sigaddset(&unblocked, signal)
    pthread_sigmask(SIG_UNBLOCK, &unblocked, nil)
    raise(signal)
}
