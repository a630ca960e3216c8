import CNcurses
import Foundation
import Glibc

/// Why the studio could not take over the terminal.
public struct StudioError: Error, Sendable, Hashable, CustomStringConvertible {
    public var description: String
    init(_ description: String) { self.description = description }

    static let notATerminal = StudioError(
        "the studio needs a terminal: stdin and stdout must be a TTY (run it directly, not through a pipe; use 'hookline run' for scripts)")
    static let dumbTerminal = StudioError("TERM=dumb cannot draw the studio; set TERM (e.g. xterm-256color)")
    static func noTerminfo(_ names: [String]) -> StudioError {
        StudioError("no usable terminal description (tried \(names.joined(separator: ", "))); install ncurses-base or set TERM")
    }
}

/// Takes over the terminal with ncurses and gives it back (tui.md P5, P6, P11, P12, P13).
///
/// `restore()` is idempotent and safe to call on every exit path.
final class TerminalSession {
    let window: UnsafeMutablePointer<WINDOW>
    let colorsEnabled: Bool
    /// Set when the requested TERM had no terminfo and a fallback was used.
    let termWarning: String?
    let asciiOnly: Bool
    private let screen: OpaquePointer
    private var savedTermios: termios?
    private var restored = false

    init(noColor: Bool, ascii: Bool) throws(StudioError) {
        guard isatty(STDIN_FILENO) == 1, isatty(STDOUT_FILENO) == 1 else { throw .notATerminal }
        let requested = ProcessInfo.processInfo.environment["TERM"] ?? ""
        if requested == "dumb" { throw .dumbTerminal }

        // Locale before newterm, or UTF-8 is read as Latin-1 (P5).
        let utf8 = TerminalLocale.ensureUTF8()
        asciiOnly = ascii || !utf8

        var saved = termios()
        savedTermios = tcgetattr(STDIN_FILENO, &saved) == 0 ? saved : nil

        // initscr exits the process on a bad TERM; newterm returns NULL, so we can fall back (P6).
        let names = ([requested] + ["xterm-256color", "xterm", "vt100"]).filter { !$0.isEmpty }
        var opened: (OpaquePointer, String)?
        for name in names {
            if let screen = newterm(name, cn_stdout(), cn_stdin()) {
                opened = (screen, name)
                break
            }
        }
        guard let (screen, used) = opened else { throw .noTerminfo(names) }
        self.screen = screen
        termWarning = used == requested || requested.isEmpty && used == names.first
            ? nil : "TERM=\(requested) has no terminfo here; using \(used)"
        _ = set_term(screen)
        guard let window = cn_stdscr() else {
            _ = endwin()
            delscreen(screen)
            throw .noTerminfo(names)
        }
        self.window = window

        // raw, not cbreak: Ctrl+C, Ctrl+S and Ctrl+Z arrive as keys (P12).
        _ = raw()
        _ = noecho()
        _ = nonl()
        _ = keypad(window, true)
        _ = nodelay(window, true)
        _ = set_escdelay(25)
        _ = curs_set(0)

        let wantColor = !noColor && has_colors()
        if wantColor {
            _ = start_color()
            _ = use_default_colors()
        }
        colorsEnabled = wantColor
        CrashGuard.install(tty: STDOUT_FILENO, termios: savedTermios)
        Self.setBracketedPaste(true)
    }

    /// xterm's bracketed paste (mode 2004, which tmux and most terminals follow): pasted text
    /// arrives between markers, so the studio takes it as text and never as keys (a pasted
    /// `q` does not quit). A terminal without it ignores the request.
    private static func setBracketedPaste(_ on: Bool) {
        let sequence = on ? "\u{1B}[?2004h" : "\u{1B}[?2004l"
        _ = sequence.utf8CString.withUnsafeBufferPointer { write(STDOUT_FILENO, $0.baseAddress, $0.count - 1) }
    }

    /// Gives the terminal to another program (an editor) while `body` runs: curses mode is left
    /// with the shell's settings back, then taken again; the caller repaints every cell after.
    func handOver<T>(_ body: () -> T) -> T {
        _ = def_prog_mode()
        _ = curs_set(1)
        _ = endwin()
        Self.setBracketedPaste(false)
        let result = body()
        Self.setBracketedPaste(true)
        _ = reset_prog_mode()
        _ = curs_set(0)
        _ = clearok(window, true)
        _ = wrefresh(window)
        return result
    }

    /// Stops the studio as `kill -TSTP` does (Ctrl+Z: raw mode makes it a key, not a signal):
    /// curses mode is left with the shell's settings back, the process stops on SIGTSTP, and
    /// the terminal is taken again when the shell's `fg` continues it (SIGCONT). Runs on the UI
    /// thread, so no signal handler touches ncurses: for the moment of the stop SIGTSTP has its
    /// default action and is unblocked in this thread. Returns then; the caller repaints.
    func suspend() {
        handOver {
            var stop = sigaction()
            stop.__sigaction_handler.sa_handler = SIG_DFL
            sigemptyset(&stop.sa_mask)
            var previous = sigaction()
            sigaction(SIGTSTP, &stop, &previous)
            var unblock = sigset_t()
            sigemptyset(&unblock)
            sigaddset(&unblock, SIGTSTP)
            var mask = sigset_t()
            pthread_sigmask(SIG_UNBLOCK, &unblock, &mask)
            _ = raise(SIGTSTP)
            pthread_sigmask(SIG_SETMASK, &mask, nil)
            sigaction(SIGTSTP, &previous, nil)
        }
    }

    /// Leaves curses mode and restores the saved terminal settings; later calls do nothing.
    func restore() {
        guard !restored else { return }
        restored = true
        // A terminal grown while the studio ran (tmux) keeps the grown rows of the alternate
        // screen in the shell's: blank them first, or lines of the frame stay behind.
        _ = wclear(window)
        _ = wrefresh(window)
        _ = curs_set(1)
        _ = endwin()
        Self.setBracketedPaste(false)
        delscreen(screen)
        if var saved = savedTermios { _ = tcsetattr(STDIN_FILENO, TCSANOW, &saved) }
        CrashGuard.uninstall()
    }

    deinit { restore() }
}
