import Foundation
import StudioModel

/// The studio: a full-screen terminal UI on a workspace and its live traffic.
///
/// ```swift
/// let thread = Thread {
///     let code = (try? Studio.run(workspace: workspace, traffic: feed, options: StudioOptions())) ?? 1
///     exit(code)
/// }
/// thread.start()
/// ```
public enum Studio {
    /// Runs the studio on the calling thread until the user quits, and returns the exit code
    /// (0 on quit, 128 + signal on SIGTERM/SIGHUP/SIGINT).
    ///
    /// The calling thread owns ncurses for the whole run; call it from a dedicated `Thread`,
    /// never from the main actor. The terminal is restored on every exit path.
    ///
    /// - Throws: ``StudioError`` when stdin/stdout are not a terminal or no terminfo is usable.
    /// - Parameters:
    ///   - changes: The workspace loaded again when its files change on disk; nil to not follow them.
    ///   - commands: What the studio can ask of the engine (replay); nil without one.
    public static func run(
        workspace: Workspace, traffic: (any TrafficSource)?, changes: (any WorkspaceChangeSource)? = nil,
        commands: (any StudioCommands)? = nil, options: StudioOptions
    ) throws -> Int32 {
        let noColor = options.noColor || !(ProcessInfo.processInfo.environment["NO_COLOR"] ?? "").isEmpty
        let wake = try WakePipe()
        let signals = SignalWatcher(wake: wake)
        defer { signals.stop() }
        let session = try TerminalSession(noColor: noColor, ascii: options.ascii)
        defer { session.restore() }
        let (theme, themeMessage) = Self.theme(options: options, monochrome: noColor || !session.colorsEnabled)
        let runtime = StudioRuntime(
            session: session, theme: theme, workspace: workspace,
            traffic: traffic, changes: changes, commands: commands, options: options, wake: wake, signals: signals)
        if let message = session.termWarning ?? themeMessage {
            runtime.send(.status(StatusMessage(message, level: .warning)))
        }
        let code = runtime.run()
        session.restore()
        if let terminalError = options.terminalStandardError { dup2(terminalError, STDERR_FILENO) }
        // After a SIGHUP the terminal is gone and the write fails: that must not crash the exit.
        for note in runtime.exitNotes { try? FileHandle.standardError.write(contentsOf: Data((note + "\n").utf8)) }
        return code
    }

    /// The theme to draw with. `monochrome` (NO_COLOR, `--no-color`, or a terminal with no
    /// colours such as TERM=vt100) resolves it with colours dropped, so a selection carried by
    /// its background becomes reverse video rather than plain bold (QA F8), and picks the mono
    /// theme in place of the default.
    static func theme(options: StudioOptions, monochrome: Bool) -> (ResolvedTheme, message: String?) {
        let loaded = monochrome && options.themeName == "default"
            ? ThemeLoader.Result(theme: .builtinMono, message: nil, source: "built-in")
            : ThemeLoader.load(name: options.themeName, directory: options.themesDirectory)
        return (ResolvedTheme(spec: loaded.theme, noColor: monochrome), loaded.message)
    }
}
