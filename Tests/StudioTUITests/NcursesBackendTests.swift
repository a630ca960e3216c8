import Foundation
import Testing
@testable import StudioTUI

/// The only tests that call ncurses, on a headless screen (newterm on a file, tui.md P17).
/// Serialized: ncurses has global state and is not thread-safe.
@Suite(.serialized)
struct NcursesBackendTests {
    @Test func presentWritesGlyphsWideCharactersAndColourPairs() throws {
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("hookline-ncurses-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: output) }
        let screen = try #require(HeadlessScreen(term: "xterm-256color", outputPath: output, size: Size(width: 80, height: 24)))
        defer { screen.close() }

        let backend = NcursesBackend(
            window: screen.window, theme: ResolvedTheme(spec: .builtinDefault, noColor: false), colorsEnabled: screen.hasColors)
        #expect(backend.size == Size(width: 80, height: 24))
        let grid = renderApp(Fixtures.state(records: 3))
        backend.present(grid)

        #expect(screen.cell(x: 0, y: 0).text == "┌")
        #expect(screen.cell(x: 2, y: 0).text == "H")
        // "winback" row has no wide text; the header's right side is drawn with a colour pair.
        let live = try #require(grid.rowText(0).firstRange(of: "live"))
        let liveX = grid.rowText(0).distance(from: grid.rowText(0).startIndex, to: live.lowerBound)
        #expect(screen.cell(x: liveX, y: 0).text == "l")
        #expect(screen.cell(x: liveX, y: 0).pair != 0)

        var wide = grid
        wide.put("日本", at: Point(x: 3, y: 5))
        backend.present(wide)
        #expect(screen.cell(x: 3, y: 5).text == "日")
        #expect(screen.cell(x: 5, y: 5).text == "本")
        #expect(screen.cell(x: 7, y: 5).text == grid[7, 5].grapheme)
    }

    @Test func noColourTerminalUsesPairZero() throws {
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("hookline-vt100-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: output) }
        let screen = try #require(HeadlessScreen(term: "vt100", outputPath: output, size: Size(width: 80, height: 24)))
        defer { screen.close() }
        #expect(!screen.hasColors)
        let backend = NcursesBackend(
            window: screen.window, theme: ResolvedTheme(spec: .builtinDefault, noColor: false), colorsEnabled: screen.hasColors)
        backend.present(renderApp(Fixtures.state(records: 3)))
        #expect(screen.cell(x: 0, y: 0).pair == 0)
        #expect(screen.cell(x: 2, y: 0).text == "H")
    }

    /// Untrusted text can put a grapheme with no spacing character in a cell. ncurses would add
    /// it to the cell before (or draw `^[` over two cells), leaving the last frame's text on screen.
    @Test func zeroWidthAndControlGraphemesReplaceWhatTheirCellShowed() throws {
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("hookline-zero-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: output) }
        let screen = try #require(HeadlessScreen(term: "xterm-256color", outputPath: output, size: Size(width: 80, height: 24)))
        defer { screen.close() }
        let backend = NcursesBackend(
            window: screen.window, theme: ResolvedTheme(spec: .builtinDefault, noColor: false), colorsEnabled: screen.hasColors)
        var before = renderApp(Fixtures.state(records: 3))
        before.put("ZZZZZZ", at: Point(x: 3, y: 5))
        backend.present(before)

        var after = before
        after.put("\u{200B}\u{1B}\u{0301}\u{202E}", at: Point(x: 3, y: 5))
        after.put("👨‍👩‍👧", at: Point(x: 10, y: 5))
        backend.present(after)

        for x in 3...6 { #expect(screen.cell(x: x, y: 5).text == " ", "column \(x)") }
        #expect(screen.cell(x: 7, y: 5).text == "Z")
        #expect(screen.cell(x: 8, y: 5).text == "Z")
        #expect(screen.cell(x: 10, y: 5).text == "👨‍👩‍👧")
    }

    /// QA F5: every code point of an emoji sequence reaches the terminal; one longer than a
    /// cell holds (five) is cut before a joiner, never to another emoji.
    @Test func emojiSequencesAreWrittenWhole() throws {
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("hookline-emoji-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: output) }
        let screen = try #require(HeadlessScreen(term: "xterm-256color", outputPath: output, size: Size(width: 80, height: 24)))
        defer { screen.close() }
        let backend = NcursesBackend(
            window: screen.window, theme: ResolvedTheme(spec: .builtinDefault, noColor: false), colorsEnabled: screen.hasColors)
        var grid = renderApp(Fixtures.state(records: 3))
        grid.put("🇩🇪🇯🇵👍🏽👩‍💻🏳️‍🌈👨‍👩‍👧‍👦x", at: Point(x: 3, y: 5))
        backend.present(grid)
        let cells = [3, 4, 5, 6, 7, 9, 11, 13, 14, 16].map { screen.cell(x: $0, y: 5).text }
        #expect(cells == ["🇩", "🇪", "🇯", "🇵", "👍", "🏽", "👩‍💻", "🏳️‍🌈", "👨‍👩‍👧", "x"])
    }

    /// Esc then a key that is no character (Esc, Enter, an arrow) in one read: both keys count.
    @Test func escapeThenAKeyGivesBothOrAlt() throws {
        let directory = FileManager.default.temporaryDirectory
        let output = directory.appendingPathComponent("hookline-keys-out-\(UUID().uuidString)").path
        let keys = directory.appendingPathComponent("hookline-keys-in-\(UUID().uuidString)").path
        defer {
            try? FileManager.default.removeItem(atPath: output)
            try? FileManager.default.removeItem(atPath: keys)
        }
        try "\u{1B}x\u{1B}\r\u{1B}\u{1B}OAj".write(toFile: keys, atomically: true, encoding: .utf8)
        let screen = try #require(
            HeadlessScreen(term: "xterm-256color", outputPath: output, size: Size(width: 80, height: 24), inputPath: keys))
        defer { screen.close() }

        var input = NcursesInput()
        // HeadlessScreen's resizeterm queues a resize first.
        #expect(input.drain(screen.window).filter { $0 != .resize } == [
            .key(.alt("x")), .key(.escape), .key(.enter), .key(.escape), .key(.up), .key(.char("j")),
        ])
    }

    /// QA F2: keys whose sequences `$TERM`'s terminfo does not list (End as `ESC[4~` in tmux
    /// with TERM=xterm-256color, Ctrl+→ as `ESC[1;5C` with TERM=screen) were typed as `4~` and
    /// `1;5C`. They are read whole: known ones become their key, the others are left out.
    @Test(arguments: ["xterm-256color", "screen"]) func sequencesTheTerminfoDoesNotKnowAreNeverTyped(term: String) throws {
        let directory = FileManager.default.temporaryDirectory
        let output = directory.appendingPathComponent("hookline-seq-out-\(UUID().uuidString)").path
        let keys = directory.appendingPathComponent("hookline-seq-in-\(UUID().uuidString)").path
        defer {
            try? FileManager.default.removeItem(atPath: output)
            try? FileManager.default.removeItem(atPath: keys)
        }
        let sent = "\u{1B}[4~a\u{1B}[1~b\u{1B}[1;5Cc\u{1B}[Hd\u{1B}[Fe\u{1B}OHf\u{1B}OFg\u{1B}[8~h\u{1B}[1;2Ai\u{1B}[2~j"
        try sent.write(toFile: keys, atomically: true, encoding: .utf8)
        let screen = try #require(
            HeadlessScreen(term: term, outputPath: output, size: Size(width: 80, height: 24), inputPath: keys))
        defer { screen.close() }

        var input = NcursesInput()
        var events: [InputEvent] = []
        for _ in 0..<3 { events += input.drain(screen.window).filter { $0 != .resize } }
        // A modified key ncurses decodes itself arrives as a code the studio has no name for.
        events.removeAll { if case .key(.unknown) = $0 { true } else { false } }
        #expect(events == [
            .key(.end), .key(.char("a")), .key(.home), .key(.char("b")), .key(.char("c")), .key(.home), .key(.char("d")),
            .key(.end), .key(.char("e")), .key(.home), .key(.char("f")), .key(.end), .key(.char("g")), .key(.end),
            .key(.char("h")), .key(.char("i")), .key(.char("j")),
        ])
    }

    @Test func sequencesDecode() {
        func decode(_ introducer: Unicode.Scalar, _ body: String) -> NcursesInput.Sequence {
            NcursesInput.decode(introducer: introducer, Array(body.unicodeScalars))
        }
        #expect(decode("[", "200~") == .pasteStart)
        #expect(decode("[", "4~") == .key(.end))
        #expect(decode("[", "7~") == .key(.home))
        #expect(decode("[", "3~") == .key(.delete))
        #expect(decode("[", "6~") == .key(.pageDown))
        #expect(decode("[", "A") == .key(.up))
        #expect(decode("[", "Z") == .key(.backTab))
        #expect(decode("O", "P") == .key(.function(1)))
        #expect(decode("O", "S") == .key(.function(4)))
        #expect(decode("[", "1;5C") == .dropped)
        #expect(decode("[", "15;2~") == .dropped)
        #expect(decode("[", "I") == .dropped)
        #expect(decode("[", "12") == .dropped)
        #expect(decode("[", "") == .alt)
    }

    /// A large bracketed paste (a 600 kB JSON file) arrives whole as one paste, then the next key.
    @Test(.timeLimit(.minutes(1))) func aLargePasteArrivesWholeAndThenTheNextKey() throws {
        let directory = FileManager.default.temporaryDirectory
        let output = directory.appendingPathComponent("hookline-paste-out-\(UUID().uuidString)").path
        let keys = directory.appendingPathComponent("hookline-paste-in-\(UUID().uuidString)").path
        defer {
            try? FileManager.default.removeItem(atPath: output)
            try? FileManager.default.removeItem(atPath: keys)
        }
        let pasted = (0..<12000).map { "  {\"n\": \($0), \"name\": \"日本 👩‍💻 é\"},\n" }.joined()
        try ("\u{1B}[200~" + pasted + "\u{1B}[201~j").write(toFile: keys, atomically: true, encoding: .utf8)
        let screen = try #require(
            HeadlessScreen(term: "xterm-256color", outputPath: output, size: Size(width: 80, height: 24), inputPath: keys))
        defer { screen.close() }

        var input = NcursesInput()
        var events: [InputEvent] = []
        for _ in 0..<10 { events += input.drain(screen.window).filter { $0 != .resize } }
        #expect(events == [.paste(pasted), .key(.char("j"))])
    }

    @Test func unknownTerminalReturnsNil() {
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("hookline-none-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: output) }
        #expect(HeadlessScreen(term: "no-such-terminal-xyz", outputPath: output, size: Size(width: 80, height: 24)) == nil)
    }
}
