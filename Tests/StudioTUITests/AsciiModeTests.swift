import Foundation
import StudioModel
import Testing
@testable import StudioTUI

/// `--ascii`: every symbol the studio draws has an ASCII form a reader understands (`⏎` is
/// `Enter`, never a `?` that reads as the help key).
struct AsciiModeTests {
    @Test(arguments: [
        ("⏎ run · Esc closes", "Enter run - Esc closes"), ("±20 %", "+/-20 %"), ("→ yes", "-> yes"), ("loading…", "loading..."),
        ("↑/↓ choose", "Up/Down choose"), ("José Müller", "Jose Muller"), ("Win back 日本", "Win back ??"),
        ("Bearer ••••••", "Bearer ******"), ("x.test/␛[2J", "x.test/^[[2J"), ("step › id", "step > id"), ("✓ ok ✗ no", "ok ok x no"),
    ])
    func symbolsBecomeTheirASCIIForm(text: String, ascii: String) {
        #expect(CellGrid.asciiText(text) == ascii)
        var grid = CellGrid(size: Size(width: 40, height: 1), asciiOnly: true)
        #expect(grid.put(text, at: Point(x: 0, y: 0)) == ascii.count)
        #expect(grid.rowText(0).hasPrefix(ascii))
    }

    /// A user or URL with wide characters (`日本`, emoji) is measured as drawn: the attempt
    /// column stays under the others.
    @Test func wideNamesInTrafficKeepTheColumnsInASCII() throws {
        var state = Fixtures.state(records: 2, ascii: true)
        var wide = Fixtures.record(2)
        wide.userEmail = "renée.日本👩@example.com"
        wide.url = "https://例え.jp/日本語/パス/とても長い/path"
        _ = reduce(&state, .traffic(records: [wide], dropped: 0))
        let rows = Self.asciiScreen(state).components(separatedBy: "\n").filter { $0.contains("1/8") }
        #expect(rows.count == 3)
        let columns = Set(rows.compactMap { row in row.range(of: "1/8").map { row.distance(from: row.startIndex, to: $0.lowerBound) } })
        #expect(columns.count == 1, "\(rows.joined(separator: "\n"))")
    }

    /// Every cell of `state`'s screen, as text, after checking that each one is ASCII.
    static func asciiScreen(_ state: AppState, sourceLocation: Testing.SourceLocation = #_sourceLocation) -> String {
        let grid = renderApp(state)
        #expect(grid.cells.allSatisfy { $0.grapheme.allSatisfy(\.isASCII) }, sourceLocation: sourceLocation)
        return (0..<grid.size.height).map(grid.rowText).joined(separator: "\n")
    }

    @Test func thePalettesFooterSaysEnterNotAQuestionMark() {
        var state = Fixtures.state(records: 3, ascii: true)
        _ = reduce(&state, .key(.char(":")))
        let screen = Self.asciiScreen(state)
        #expect(screen.contains(" Enter run - Esc closes "))
        #expect(!screen.contains("? run"))
        // Titles holding ⏎ keep it readable too.
        _ = reduce(&state, .key(.escape))
        _ = reduce(&state, .key(.char("?")))
        var rows = Self.asciiScreen(state).components(separatedBy: "\n")
        for _ in 0..<HelpOverlay.maximumScroll(state) {
            _ = reduce(&state, .key(.char("j")))
            rows += Self.asciiScreen(state).components(separatedBy: "\n")
        }
        let help = LongTextTests.words(rows)
        #expect(help.contains("Enter on one opens its file"), "\(help)")
    }

    @Test func theRetryJitterReadsPlusOrMinus() {
        var state = Fixtures.state(size: Size(width: 120, height: 40), ascii: true)
        _ = reduce(&state, .key(.char("2")))
        let screen = Self.asciiScreen(state)
        #expect(screen.contains("+/-20 %"), "\(screen)")
        #expect(!screen.contains("?20 %"))
    }

    @Test func aStepsFormShowsItsOutputsWithAnASCIIArrowAndItsFooterInWords() throws {
        let root = try Fixtures.folder([
            ("hookline.yaml", "name: Ascii\n"),
            ("workflows/split.yaml", """
                id: split
                start: {kind: event, event: signup}
                nodes:
                  - id: is-pro
                    type: yesNo
                    condition: {all: [{field: plan, op: equals, value: pro}]}
                    next: {yes: done, no: done}
                  - {id: done, type: exit}

                """),
        ])
        defer { try? FileManager.default.removeItem(at: root) }
        var state = AppState(workspace: WorkspaceLoader.load(from: root), size: Size(width: 80, height: 24), ascii: true)
        _ = reduce(&state, .key(.enter))
        _ = reduce(&state, .key(.char("j")))
        _ = reduce(&state, .key(.enter))
        let screen = Self.asciiScreen(state)
        #expect(screen.contains("-> yes"), "\(screen)")
        #expect(screen.contains("Enter choose - Esc closes"))
    }

    @Test func cutTrafficColumnsStayInPlace() {
        var state = Fixtures.state(records: 3, ascii: true)
        _ = reduce(&state, .key(.char("5")))
        let rows = Self.asciiScreen(state).split(separator: "\n").filter { $0.contains("POST") }
        #expect(!rows.isEmpty)
        for row in rows { #expect(row.hasSuffix("/8 |"), "\(row)") }
    }
}
