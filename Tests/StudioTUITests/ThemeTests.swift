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

    @Test func coloursDegradeToThePalette() {
        #expect(Palette.nearestIndex(r: 0x5F, g: 0xAF, b: 0xFF) == 75)
        #expect(Palette.nearestIndex(r: 128, g: 128, b: 128) == 244)
        #expect(ColorAllocator.degrade(196, colorCount: 16) == 9)
        #expect(ColorAllocator.degrade(196, colorCount: 8) == 1)
        #expect(ColorAllocator.degrade(75, colorCount: 256) == 75)
    }
}
