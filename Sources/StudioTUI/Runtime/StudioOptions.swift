/// How the studio runs; filled from `hookline` command-line flags.
public struct StudioOptions: Sendable, Hashable {
    /// Theme name, looked up as `<name>.yaml`. Default: `default`.
    public var themeName: String
    /// Folder to read themes from; nil searches `Themes/` next to the executable, then in the
    /// current directory, then uses the built-in default.
    public var themesDirectory: String?
    /// Draw with attributes only. Also turned on by a non-empty `NO_COLOR`.
    public var noColor: Bool
    /// ASCII borders and glyphs; non-ASCII text is shown as `?`.
    public var ascii: Bool
    /// Hide and reject dangerous commands (ops on production).
    public var readonly: Bool
    /// A plain-text event log for tests (`START WxH`, `KEY …`, `RESIZE WxH`, `QUIT`); nil for none.
    public var eventsLogPath: String?
    /// The folder the workspace was loaded from, where `e` edits its files; nil turns editing off.
    public var workspaceRoot: String?
    /// A warning shown in the hint row when the studio opens (another process runs the
    /// workspace's executor, say); nil for none.
    public var notice: String?
    /// The terminal's standard error, kept aside while standard error goes to a log (the
    /// studio draws on the terminal): put back as standard error once the terminal is
    /// restored, so what the studio says on leaving (where unsaved text was kept) reaches the
    /// user and not the log. Nil: standard error is left as it is.
    public var terminalStandardError: Int32?

    public init(
        themeName: String = "default", themesDirectory: String? = nil, noColor: Bool = false, ascii: Bool = false,
        readonly: Bool = false, eventsLogPath: String? = nil
    ) {
        self.themeName = themeName
        self.themesDirectory = themesDirectory
        self.noColor = noColor
        self.ascii = ascii
        self.readonly = readonly
        self.eventsLogPath = eventsLogPath
    }
}
