import Foundation
import StudioModel
import Testing
@testable import StudioTUI

/// At 80×24 text is wrapped, not cut: the help, a long message in the hint row, and a small
/// chooser is as wide as its footer.
struct LongTextTests {
    static func rows(_ grid: CellGrid) -> [String] { (0..<grid.size.height).map(grid.rowText) }

    /// The words of `rows`, frame lines left out, one space apart: text wrapped over rows reads on.
    static func words(_ rows: [String]) -> String {
        rows.joined(separator: " ").split { " │|┌┐└┘├┤─+".contains($0) }.joined(separator: " ")
    }

    @Test func helpLinesWrapUnderThemselves() throws {
        var state = Fixtures.state()
        _ = reduce(&state, .key(.char("?")))
        let rows = Self.rows(renderApp(state))
        let run = try #require(rows.firstIndex { $0.contains("Run the selected workflow now") })
        #expect(rows[run + 1].contains("(list:NAME) or one address"), "\(rows.joined(separator: "\n"))")
        // Every title is there whole, scrolled to if need be.
        var seen = rows
        for _ in 0..<HelpOverlay.maximumScroll(state) {
            _ = reduce(&state, .key(.char("j")))
            seen += Self.rows(renderApp(state))
        }
        let text = Self.words(seen)
        for binding in state.keyMap.bindings(in: .global, readonly: false) {
            let words = binding.title.split(separator: " ").suffix(3).joined(separator: " ")
            #expect(text.contains(words), "\(binding.title)")
        }
    }

    /// A prompt shows the end of what was typed or pasted, however long, next to its cursor.
    @Test func aPromptShowsTheEndOfAVeryLongPaste() throws {
        var state = Fixtures.state(records: 3)
        _ = reduce(&state, .key(.char("/")))
        _ = reduce(&state, .paste(String(repeating: "status:5xx 日本 ", count: 400) + "user:ada END"))
        let hint = try #require(Self.rows(renderApp(state)).first { $0.contains("Esc cancel") })
        #expect(hint.contains("user:ada END▏"), "\(hint)")
    }

    static let metadata =
        "webhooks/lob-letter.yaml:6:6: error: 169.254.169.254 is a cloud metadata address: never allowed, even by network.allow"

    @Test func aMessageTooLongForTheHintRowIsShownWholeAboveTheKeys() {
        var state = Fixtures.state(records: 12)
        _ = reduce(&state, .status(StatusMessage(Self.metadata, level: .error)))
        let grid = renderApp(state)
        let rows = Self.rows(grid)
        #expect(rows[22].contains("? help"))
        #expect(rows[22].contains("q quit"))
        #expect(rows[20].contains("webhooks/lob-letter.yaml:6:6: error: 169.254.169.254 is a cloud metadata"), "\(rows[20])")
        #expect(rows[21].contains("address: never allowed, even by network.allow"), "\(rows[21])")
        #expect(rows[19].hasPrefix("├───") && rows[19].hasSuffix("─┤"))
        #expect(grid[2, 20].token == .statusError)
        // The next key takes it away and the traffic is back.
        _ = reduce(&state, .key(.char("j")))
        #expect(!Self.rows(renderApp(state))[21].contains("network.allow"))
    }

    /// QA: while following, the newest requests stayed under a long message until the next key.
    @Test func whileFollowingTheNewestTrafficStaysInViewAboveALongMessage() throws {
        var state = Fixtures.state(records: 12)
        #expect(state.traffic.follow)
        let newest = Self.rows(renderApp(state))[20]
        let older = Self.rows(renderApp(state))[19]
        _ = reduce(&state, .status(StatusMessage(Self.metadata, level: .error)))
        let rows = Self.rows(renderApp(state))
        #expect(rows[18] == newest, "\(rows.joined(separator: "\n"))")
        #expect(rows[17] == older)
        #expect(rows[20].contains("webhooks/lob-letter.yaml:6:6"))
    }

    @Test func aLongMessageShowsOverAnOpenExchange() {
        var state = Fixtures.state(records: 3)
        Fixtures.focus(.traffic, in: &state)
        _ = reduce(&state, .key(.enter))
        let path = "/tmp/hookline-studio-0123456789/.hookline/exports/curl-msg_01JDX8Y2C6Q5K9M7N3P1R4S2T0-1.sh"
        _ = reduce(&state, .status(StatusMessage("curl command written to \(path)")))
        let rows = Self.rows(renderApp(state))
        #expect(rows[20].contains("curl command written to /tmp/hookline-studio-0123456789/.hookline/exports/"), "\(rows[20])")
        #expect(rows[21].contains("│ curl-msg_01JDX8Y2C6Q5K9M7N3P1R4S2T0-1.sh"), "\(rows[21])")
        #expect(rows[21].hasSuffix("│"))
        #expect(rows[19].hasPrefix("├───"))
        #expect(rows[22].contains("Esc close"))
    }

    /// QA: a URL starting early on the first line was split in the middle, after one of its `/`.
    @Test func aLongMessageWrapsAtSpacesAndKeepsAURLWholeOnALine() {
        var state = Fixtures.state(records: 12)
        let url = "https://hooks.example.com/services/T0001/B0002/abcdef"
        _ = reduce(&state, .status(StatusMessage("test send failed: could not connect to \(url) (connection refused)", level: .error)))
        let rows = Self.rows(renderApp(state))
        #expect(rows[20].trimmingCharacters(in: CharacterSet(charactersIn: "│ ")) == "test send failed: could not connect to",
                "\(rows[20])")
        #expect(rows[21].contains("│ \(url) (connection refused)"), "\(rows[21])")
    }

    @Test func aShortMessageStaysBesideTheKeys() {
        var state = Fixtures.state(records: 12)
        _ = reduce(&state, .status(StatusMessage("traffic filtered to workflow:welcome-series")))
        let rows = Self.rows(renderApp(state))
        #expect(rows[22].contains("traffic filtered to workflow:welcome-series"))
        #expect(rows[22].contains("q quit"))
        #expect(rows[21].hasPrefix("├───"))
    }

    @Test func aSmallChooserIsAsWideAsItsFooter() throws {
        let root = try StepCommandTests.workspaceFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        var state = StepCommandTests.tree(root, row: 1)
        _ = reduce(&state, .key(.enter))
        _ = FormTests.pick("webhook", in: &state)
        #expect(state.choice?.title == "webhook")
        let rows = Self.rows(renderApp(state))
        let footer = try #require(rows.first { $0.contains("choose · Esc closes") })
        #expect(footer.contains("└─ ⏎ choose · Esc closes ─┘"), "\(footer)")
        let top = try #require(rows.first { $0.contains(" webhook ") })
        #expect(top.contains("┌─ webhook ─") && top.contains("┐"), "\(top)")
    }
}

extension LongTextTests {
    /// A message can quote what a server answered: a value of the secret store in it is masked,
    /// short or long.
    @Test func aSecretValueInAMessageIsMasked() {
        for text in ["send failed: sk_live_4f3e2d1c", Self.metadata + " — sk_live_4f3e2d1c"] {
            var state = Fixtures.state(records: 12)
            state.secretValues = ["sk_live_4f3e2d1c"]
            _ = reduce(&state, .status(StatusMessage(text, level: .error)))
            let shown = Self.rows(renderApp(state)).joined(separator: "\n")
            #expect(!shown.contains("sk_live_4f3e2d1c"), "\(shown)")
            #expect(shown.contains(SecretDisplay.mask), "\(shown)")
        }
    }

    /// A line that breaks at a space leaves the space behind: the next line starts with the word
    /// (a problem wrapped in the `!` list read "column" then "  10)" one column too far in).
    @Test func aLineBrokenAtASpaceStartsTheNextWithTheWord() {
        #expect(StyledLines.wrap("starts at line 4, column 10)", width: 22) == ["starts at line 4, ", "column 10)"])
        // The break falls on the space itself.
        #expect(StyledLines.wrap("abcdef ghij", width: 6) == ["abcdef", "ghij"])
        // A path with no space is still cut at the width.
        #expect(StyledLines.wrap("abcdefghij", width: 4) == ["abcd", "efgh", "ij"])
    }
}
