extension ThemeSpec {
    /// The default theme, compiled in so the binary works with no `Themes` folder; it is the same
    /// text as `Themes/default.yaml` (a test keeps them equal).
    public static let builtinDefault: ThemeSpec = {
        (try? parse(yaml: builtinDefaultYAML, path: "<built-in default>").0)
            ?? ThemeSpec(name: "default", tokens: [.selection: StyleSpec(attributes: [.reverse])])
    }()

    /// Attributes only: what `NO_COLOR` and `--no-color` reduce any theme to.
    public static let builtinMono: ThemeSpec = {
        (try? parse(yaml: builtinMonoYAML, path: "<built-in mono>").0)
            ?? ThemeSpec(name: "mono", tokens: [.selection: StyleSpec(attributes: [.reverse])])
    }()

    /// 16 ANSI colours only, for low-colour terminals and low vision; the text of `Themes/high-contrast.yaml`.
    public static let builtinHighContrast: ThemeSpec = {
        (try? parse(yaml: builtinHighContrastYAML, path: "<built-in high-contrast>").0) ?? builtinDefault
    }()

    /// The themes the binary carries, by name, so `--theme NAME` works wherever it is installed.
    public static let builtin: [String: ThemeSpec] = [
        "default": builtinDefault, "mono": builtinMono, "high-contrast": builtinHighContrast,
    ]

    static let builtinDefaultYAML = """
        # Hookline theme: default — dark, safe on 256-colour terminals, terminal's own background.
        # Tokens fall back along a chain (log.status.5xx -> error -> foreground), so a theme only needs
        # the base palette; everything else refines it. Values: colour words ("white on 25 bold"),
        # a list ([red, bold]) or a mapping ({fg: 75, bg: default, attrs: [bold]}).
        name: default
        tokens:
          foreground: default
          background: default
          muted: 245
          primary: 75
          accent: 179
          success: 71
          warning: 214
          error: [203, bold]
          border: 240
          border.focused: 75
          title: [252, bold]
          title.focused: [75, bold]
          selection: {fg: 231, bg: 24, attrs: [bold]}
          selection.inactive: {fg: 252, bg: 237}
          hint.key: [179, bold]
          hint.text: 250
          status.warn: [214, bold]
          status.error: [203, bold]
          header.live: [71, bold]
          help.section: [75, bold, underline]
          tree.node: [252, bold]
          tree.kind: 250
          tree.detail: 179
          tree.branch: 141
          tree.guide: 240
          log.timestamp: 245
          log.method: 110
          log.path: 252
          log.user: 250
          log.latency: 250
          log.latency.slow: [214, bold]
          log.status.2xx: 71
          log.status.3xx: 75
          log.status.4xx: [214, bold]
          log.status.5xx: [203, bold]
          log.status.failed: [203, bold, reverse]
          log.indicator.on: [71, bold]
          log.indicator.off: 245
        """

    static let builtinMonoYAML = """
        # Hookline theme: mono — no colours at all, meaning carried by attributes (NO_COLOR style).
        name: mono
        tokens:
          foreground: default
          background: default
          muted: dim
          primary: bold
          accent: bold
          success: []
          warning: bold
          error: [bold, underline]
          border: []
          border.focused: bold
          title: bold
          selection: reverse
          selection.inactive: [reverse, dim]
          hint.key: bold
          hint.text: []
          help.section: [bold, underline]
          tree.node: bold
          tree.kind: []
          tree.detail: []
          tree.guide: dim
          log.timestamp: dim
          log.status.2xx: []
          log.status.4xx: bold
          log.status.5xx: [bold, underline]
          log.status.failed: [bold, reverse]
          log.latency.slow: bold
          log.indicator.on: bold
          log.indicator.off: dim
        """

    static let builtinHighContrastYAML = """
        # Hookline theme: high-contrast — 16 ANSI colours only, reverse for selection.
        name: high-contrast
        tokens:
          foreground: bright-white
          background: default
          muted: white
          primary: [bright-cyan, bold]
          accent: [bright-yellow, bold]
          success: [bright-green, bold]
          warning: [bright-yellow, bold]
          error: [bright-red, bold]
          border: white
          border.focused: [bright-cyan, bold]
          title: [bright-white, bold]
          selection: [reverse, bold]
          selection.inactive: reverse
          hint.key: [bright-yellow, bold, underline]
          help.section: [bright-cyan, bold, underline]
          log.status.failed: [bright-red, bold, reverse]
        """
}
