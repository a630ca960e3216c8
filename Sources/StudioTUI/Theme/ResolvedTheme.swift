import StudioModel

/// A terminal-ready style: colours and attributes.
public struct Style: Sendable, Hashable {
    public var foreground: ColorSpec
    public var background: ColorSpec
    public var attributes: TextAttributes

    public init(foreground: ColorSpec = .terminalDefault, background: ColorSpec = .terminalDefault,
                attributes: TextAttributes = []) {
        self.foreground = foreground
        self.background = background
        self.attributes = attributes
    }
}

/// A theme with every token resolved to a ``Style``, after the `NO_COLOR` filter.
public struct ResolvedTheme: Sendable {
    public let spec: ThemeSpec
    public let noColor: Bool
    private var cache: [ThemeToken: Style] = [:]

    public init(spec: ThemeSpec, noColor: Bool) {
        self.spec = spec
        self.noColor = noColor
        for token in ThemeToken.known { cache[token] = Self.resolve(token, spec: spec, noColor: noColor) }
    }

    public func style(for token: ThemeToken) -> Style {
        cache[token] ?? Self.resolve(token, spec: spec, noColor: noColor)
    }

    /// With `noColor`, colours are dropped but attributes kept; a style that relied on a
    /// background colour (a selection) becomes reverse video so it stays visible.
    static func resolve(_ token: ThemeToken, spec: ThemeSpec, noColor: Bool) -> Style {
        var style = derived(token, spec: spec) ?? plain(token, spec: spec)
        if noColor {
            if style.background != .terminalDefault { style.attributes.insert(.reverse) }
            style.foreground = .terminalDefault
            style.background = .terminalDefault
        }
        return style
    }

    private static func plain(_ token: ThemeToken, spec: ThemeSpec) -> Style {
        let raw = spec.style(for: token)
        return Style(foreground: raw.foreground ?? .terminalDefault, background: raw.background ?? .terminalDefault,
                     attributes: raw.attributes)
    }

    /// What a theme that gives only the base palette (as Themes/default.yaml says is enough)
    /// leaves for the tokens that must stand out from their neighbours: the selected row is
    /// reverse video (dim where its pane is not focused), and a focused border or title that
    /// would look like the others is bold (underlined when it is bold already) (QA F4). Nil when the theme decides.
    private static func derived(_ token: ThemeToken, spec: ThemeSpec) -> Style? {
        switch token {
        case .selection where spec.tokens[.selection] == nil:
            return Style(attributes: .reverse)
        case .selectionInactive where spec.tokens[.selection] == nil && spec.tokens[.selectionInactive] == nil:
            return Style(attributes: [.reverse, .dim])
        case .borderFocused, .titleFocused:
            var style = plain(token, spec: spec)
            guard style == plain(token == .borderFocused ? .border : .title, spec: spec) else { return nil }
            style.attributes.insert(style.attributes.contains(.bold) ? .underline : .bold)
            return style
        default:
            return nil
        }
    }
}
