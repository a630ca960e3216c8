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
        let raw = spec.style(for: token)
        var style = Style(foreground: raw.foreground ?? .terminalDefault, background: raw.background ?? .terminalDefault,
                          attributes: raw.attributes)
        if noColor {
            if style.background != .terminalDefault { style.attributes.insert(.reverse) }
            style.foreground = .terminalDefault
            style.background = .terminalDefault
        }
        return style
    }
}
