/// A semantic style name such as `log.status.5xx`; themes map tokens to styles and views only
/// ever name tokens, never colours.
///
/// Tokens form an open set: a theme may define any dotted name. Unknown names fall back along
/// ``fallback``: first an explicit parent from the base palette, then the name without its last
/// component, and finally ``foreground``.
public struct ThemeToken: RawRepresentable, Hashable, Sendable, Comparable, ExpressibleByStringLiteral,
    CustomStringConvertible
{
    public var rawValue: String

    public init(rawValue: String) { self.rawValue = rawValue }
    public init(_ rawValue: String) { self.rawValue = rawValue }
    public init(stringLiteral value: String) { self.rawValue = value }

    public var description: String { rawValue }
    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }

    /// The token consulted when a theme does not define this one; nil only for ``foreground``.
    public var fallback: ThemeToken? {
        if self == .foreground { return nil }
        if let parent = Self.explicitFallbacks[self] { return parent }
        if let dot = rawValue.lastIndex(of: ".") { return ThemeToken(String(rawValue[..<dot])) }
        return .foreground
    }

    /// The chain from this token to ``foreground``, this token first.
    public var fallbackChain: [ThemeToken] {
        var chain = [self]
        var current = self
        while let next = current.fallback, !chain.contains(next) {
            chain.append(next)
            current = next
        }
        return chain
    }

    // MARK: - Base palette

    public static let foreground: ThemeToken = "foreground"
    public static let background: ThemeToken = "background"
    public static let surface: ThemeToken = "surface"
    public static let panel: ThemeToken = "panel"
    public static let muted: ThemeToken = "muted"
    public static let primary: ThemeToken = "primary"
    public static let accent: ThemeToken = "accent"
    public static let success: ThemeToken = "success"
    public static let warning: ThemeToken = "warning"
    public static let error: ThemeToken = "error"

    // MARK: - Chrome

    public static let border: ThemeToken = "border"
    public static let borderFocused: ThemeToken = "border.focused"
    public static let title: ThemeToken = "title"
    public static let titleFocused: ThemeToken = "title.focused"
    public static let selection: ThemeToken = "selection"
    public static let selectionInactive: ThemeToken = "selection.inactive"
    public static let hintKey: ThemeToken = "hint.key"
    public static let hintText: ThemeToken = "hint.text"
    public static let statusInfo: ThemeToken = "status.info"
    public static let statusWarn: ThemeToken = "status.warn"
    public static let statusError: ThemeToken = "status.error"
    public static let headerLive: ThemeToken = "header.live"
    public static let headerIdle: ThemeToken = "header.idle"
    public static let helpSection: ThemeToken = "help.section"
    public static let helpKey: ThemeToken = "help.key"

    // MARK: - Workflow tree

    public static let treeGuide: ThemeToken = "tree.guide"
    public static let treeNode: ThemeToken = "tree.node"
    public static let treeKind: ThemeToken = "tree.kind"
    public static let treeDetail: ThemeToken = "tree.detail"
    public static let treeBranch: ThemeToken = "tree.branch"
    public static let treeMissing: ThemeToken = "tree.missing"
    public static let listMarker: ThemeToken = "list.marker"

    // MARK: - Traffic

    public static let logTimestamp: ThemeToken = "log.timestamp"
    public static let logMethod: ThemeToken = "log.method"
    public static let logPath: ThemeToken = "log.path"
    public static let logUser: ThemeToken = "log.user"
    public static let logLatency: ThemeToken = "log.latency"
    public static let logLatencySlow: ThemeToken = "log.latency.slow"
    public static let logAttempt: ThemeToken = "log.attempt"
    public static let logStatus2xx: ThemeToken = "log.status.2xx"
    public static let logStatus3xx: ThemeToken = "log.status.3xx"
    public static let logStatus4xx: ThemeToken = "log.status.4xx"
    public static let logStatus5xx: ThemeToken = "log.status.5xx"
    /// An attempt that got no HTTP response (DNS, connect, timeout …).
    public static let logStatusFailed: ThemeToken = "log.status.failed"
    public static let logIndicatorOn: ThemeToken = "log.indicator.on"
    public static let logIndicatorOff: ThemeToken = "log.indicator.off"

    /// Every token the studio draws with; a theme naming another token gets a warning.
    public static let known: Set<ThemeToken> = [
        foreground, background, surface, panel, muted, primary, accent, success, warning, error,
        border, borderFocused, title, titleFocused, selection, selectionInactive, hintKey, hintText,
        statusInfo, statusWarn, statusError, headerLive, headerIdle, helpSection, helpKey,
        treeGuide, treeNode, treeKind, treeDetail, treeBranch, treeMissing, listMarker,
        logTimestamp, logMethod, logPath, logUser, logLatency, logLatencySlow, logAttempt,
        logStatus2xx, logStatus3xx, logStatus4xx, logStatus5xx, logStatusFailed, logIndicatorOn, logIndicatorOff,
        "log", "log.status", "log.indicator", "tree", "hint", "status", "help", "header", "list",
    ]

    /// App tokens whose natural parent is a base colour rather than their dotted prefix.
    static let explicitFallbacks: [ThemeToken: ThemeToken] = [
        logStatus2xx: success, logStatus3xx: primary, logStatus4xx: warning, logStatus5xx: error,
        logStatusFailed: error, logLatencySlow: warning, logTimestamp: muted, logAttempt: muted,
        logIndicatorOn: success, logIndicatorOff: muted,
        statusInfo: primary, statusWarn: warning, statusError: error,
        headerLive: success, headerIdle: muted, helpSection: title, helpKey: hintKey,
        hintKey: accent, hintText: muted, treeGuide: border, treeBranch: accent, treeMissing: error,
        treeKind: muted, treeDetail: accent, listMarker: primary,
        border: muted, borderFocused: primary, title: primary, titleFocused: title,
        selectionInactive: selection,
        surface: background, panel: background,
    ]
}
