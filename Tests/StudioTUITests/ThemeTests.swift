import Foundation
import StudioModel
import Testing
@testable import StudioTUI

struct ThemeTests {
    static let themesDirectory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Themes").path

    @Test(arguments: ["default", "mono", "high-contrast"])
    func shippedThemesParseWithoutWarnings(name: String) throws {
        let path = "\(Self.themesDirectory)/\(name).yaml"
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let (theme, warnings) = try ThemeSpec.parse(yaml: text, path: path)
        #expect(theme.name == name)
        #expect(warnings.isEmpty)
        #expect(theme.style(for: .selection) != StyleSpec())
    }

    /// Every shipped theme is compiled in as the same text, so an installed binary with no
    /// `Themes` folder beside it still finds each by name.
    @Test func everyShippedThemeIsBuiltInAsTheSameText() throws {
        let names = try FileManager.default.contentsOfDirectory(atPath: Self.themesDirectory)
            .filter { $0.hasSuffix(".yaml") }.map { String($0.dropLast(5)) }.sorted()
        #expect(names == ThemeSpec.builtin.keys.sorted())
        for name in names {
            let path = "\(Self.themesDirectory)/\(name).yaml"
            let (fromFile, _) = try ThemeSpec.parse(yaml: try String(contentsOfFile: path, encoding: .utf8), path: path)
            #expect(ThemeSpec.builtin[name] == fromFile, "\(name)")
            let elsewhere = ThemeLoader.load(name: name, directory: FileManager.default.temporaryDirectory.path)
            #expect(elsewhere.source == "built-in" && elsewhere.message == nil && elsewhere.theme == fromFile)
        }
    }

    @Test func valueFormsParse() throws {
        let yaml = """
            tokens:
              foreground: default
              error: "red bold"
              selection: white on 25 reverse
              accent: [bright-yellow, underline]
              primary: {fg: "#5fafff", bg: 236, attrs: [bold, italic]}
            """
        let (theme, warnings) = try ThemeSpec.parse(yaml: yaml, path: "t.yaml")
        #expect(warnings.isEmpty)
        #expect(theme.name == "t")
        #expect(theme.tokens[.error] == StyleSpec(foreground: .ansi(1), attributes: .bold))
        #expect(theme.tokens[.selection] == StyleSpec(foreground: .ansi(7), background: .indexed(25), attributes: .reverse))
        #expect(theme.tokens[.accent] == StyleSpec(foreground: .ansi(11), attributes: .underline))
        #expect(theme.tokens[.primary] == StyleSpec(foreground: .rgb(0x5F, 0xAF, 0xFF), background: .indexed(236),
                                                    attributes: [.bold, .italic]))
    }

    @Test func tokensFallBackAlongTheChain() throws {
        let (theme, _) = try ThemeSpec.parse(yaml: "tokens: {error: [203, bold], foreground: 252, log.status: underline}", path: "t.yaml")
        #expect(ThemeToken.logStatus5xx.fallbackChain == [.logStatus5xx, .error, .foreground])
        #expect(theme.style(for: .logStatus5xx) == StyleSpec(foreground: .indexed(203), attributes: .bold))
        #expect(ThemeToken("log.status.1xx").fallbackChain == ["log.status.1xx", "log.status", "log", .foreground])
        #expect(theme.style(for: "log.status.1xx") == StyleSpec(foreground: .indexed(252), attributes: .underline))
    }

    @Test func badValuesAreRejectedWithTheirPosition() {
        #expect {
            _ = try ThemeSpec.parse(yaml: "tokens:\n  error: chartreuse-ish\n", path: "bad.yaml")
        } throws: { error in
            let diagnostic = (error as? ThemeError)?.diagnostic
            return diagnostic?.line == 2 && diagnostic?.column == 10 && diagnostic?.message.contains("chartreuse-ish") == true
        }
        #expect(throws: ThemeError.self) { _ = try ThemeSpec.parse(yaml: "tokens: [1, 2", path: "broken.yaml") }
        #expect(throws: ThemeError.self) { _ = try ThemeSpec.parse(yaml: "just text", path: "scalar.yaml") }
    }

    @Test func unknownTokensWarnWithASuggestion() throws {
        let (_, warnings) = try ThemeSpec.parse(yaml: "tokens:\n  selecton: reverse\n", path: "t.yaml")
        #expect(warnings.count == 1)
        #expect(warnings.first?.hint == "did you mean 'selection'?")
    }

    /// `--theme` takes a path to a theme file, as its help says (QA: it was looked up as a name
    /// under Themes/, `Themes//tmp/x.yaml.yaml`).
    @Test func loaderTakesAPathToAThemeFile() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("hookline-theme-\(UUID().uuidString).yaml")
        defer { try? FileManager.default.removeItem(at: file) }
        let mono = try String(contentsOfFile: Self.themesDirectory + "/mono.yaml", encoding: .utf8)
        try mono.write(to: file, atomically: true, encoding: .utf8)

        let loaded = ThemeLoader.load(name: file.path, directory: nil)
        #expect(loaded.message == nil, "\(loaded.message ?? "")")
        #expect(loaded.source == file.path)
        #expect(loaded.theme.name == "mono")
    }

    @Test func loaderFallsBackToTheBuiltinDefault() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("hookline-themes-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try "tokens: {error: nope}".write(to: directory.appendingPathComponent("bad.yaml"), atomically: true, encoding: .utf8)

        let bad = ThemeLoader.load(name: "bad", directory: directory.path)
        #expect(bad.theme == .builtinDefault)
        #expect(bad.message?.contains("bad.yaml:1:") == true)

        let missing = ThemeLoader.load(name: "nope", directory: directory.path)
        #expect(missing.theme == .builtinDefault)
        #expect(missing.message?.contains("not found") == true)

        let builtin = ThemeLoader.load(name: "default", directory: directory.path)
        #expect(builtin.message == nil)
        #expect(builtin.source == "built-in")

        let shipped = ThemeLoader.load(name: "mono", directory: Self.themesDirectory)
        #expect(shipped.theme.name == "mono")
        #expect(shipped.message == nil)
    }

    @Test func noColorKeepsAttributesAndMakesBackgroundsReverse() {
        let theme = ResolvedTheme(spec: .builtinDefault, noColor: true)
        #expect(theme.style(for: .selection) == Style(attributes: [.bold, .reverse]))
        #expect(theme.style(for: .logStatus5xx) == Style(attributes: .bold))
        let colored = ResolvedTheme(spec: .builtinDefault, noColor: false)
        #expect(colored.style(for: .logStatus2xx).foreground == .indexed(71))
    }

    /// QA F4: a theme with only the base palette showed no selected row and no focused pane.
    @Test func aBasePaletteThemeStillShowsTheSelectionAndTheFocus() throws {
        let yaml = """
            name: base
            tokens:
              foreground: default
              background: default
              muted: 245
              primary: 75
              accent: 179
              success: 71
              warning: 214
              error: [203, bold]

            """
        let (spec, warnings) = try ThemeSpec.parse(yaml: yaml, path: "base.yaml")
        #expect(warnings.isEmpty)
        let theme = ResolvedTheme(spec: spec, noColor: false)
        #expect(theme.style(for: .selection) == Style(attributes: .reverse))
        #expect(theme.style(for: .selectionInactive) == Style(attributes: [.reverse, .dim]))
        #expect(theme.style(for: .titleFocused) != theme.style(for: .title))
        #expect(theme.style(for: .titleFocused) == Style(foreground: .indexed(75), attributes: .bold))
        // A theme that sets them keeps its own.
        let builtin = ResolvedTheme(spec: .builtinDefault, noColor: false)
        #expect(builtin.style(for: .selection) == Style(foreground: .indexed(231), background: .indexed(24), attributes: .bold))
        #expect(builtin.style(for: .titleFocused) == Style(foreground: .indexed(75), attributes: .bold))
    }

    @Test func coloursDegradeToThePalette() {
        #expect(Palette.nearestIndex(r: 0x5F, g: 0xAF, b: 0xFF) == 75)
        #expect(Palette.nearestIndex(r: 128, g: 128, b: 128) == 244)
        #expect(ColorAllocator.degrade(196, colorCount: 16) == 9)
        #expect(ColorAllocator.degrade(196, colorCount: 8) == 1)
        #expect(ColorAllocator.degrade(75, colorCount: 256) == 75)
    }

    /// QA F1: on TERM=xterm, screen and linux (8 colours) the borders, tree guides, dots and the
    /// traffic pane's time, method and status columns came out black on black.
    @Test(arguments: [8, 16]) func noThemeColourBecomesBlackTextOnFewColourTerminals(colorCount: Int) {
        for index in 16..<256 {
            #expect(ColorAllocator.degrade(index, colorCount: colorCount, role: .foreground) != 0, "colour \(index)")
        }
    }

    @Test func eightColourTerminalsKeepHuesAndTurnGreysToTheTerminalsOwn() {
        func eight(_ index: Int, _ role: ColorAllocator.Role = .foreground) -> Int {
            ColorAllocator.degrade(index, colorCount: 8, role: role)
        }
        #expect(eight(71) == 2)      // success, 2xx: green
        #expect(eight(203) == 1)     // error: red
        #expect(eight(179) == 3)     // accent: yellow
        #expect(eight(214) == 3)     // warning: yellow
        #expect(eight(75) == 6)      // primary
        #expect(eight(110) == 6)     // method
        #expect(eight(141) == 5)     // tree branch: magenta
        for grey in [240, 245, 250, 252, 231, 8] { #expect(eight(grey) == -1, "grey \(grey)") }
        #expect(eight(24, .background) == 6)   // selection stays visible
        #expect(eight(237, .background) == 0)
        #expect(eight(9) == 1)       // an ANSI name keeps its hue
        #expect(ColorAllocator.degrade(240, colorCount: 16) == 8)
    }
}
