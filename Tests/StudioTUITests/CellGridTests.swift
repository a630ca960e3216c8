import Testing
import StudioModel
@testable import StudioTUI

struct CellGridTests {
    @Test func wideCharactersTakeTwoCells() {
        var grid = CellGrid(size: Size(width: 6, height: 1))
        let used = grid.put("日本x", at: Point(x: 0, y: 0))
        #expect(used == 5)
        #expect(grid[0, 0].width == 2)
        #expect(grid[1, 0].isContinuation)
        #expect(grid[4, 0].grapheme == "x")
        #expect(grid.rowText(0) == "日本x ")
    }

    /// QA F5: a family kept only its first person, a skin tone was lost and 🇩🇪🇯🇵 became 🇩🇯.
    @Test func emojiSequencesKeepEveryCodePoint() {
        var grid = CellGrid(size: Size(width: 20, height: 1))
        let text = "🇩🇪🇯🇵👍🏽👨‍👩‍👧‍👦🏳️‍🌈"
        let used = grid.put(text, at: Point(x: 0, y: 0))
        #expect(used == DisplayWidth.width(of: text))
        #expect(used == 4 + 4 + 2 + 1)
        #expect(grid.rowText(0).hasPrefix(text))
        // A flag's letters and a tone are cells of their own, as ncurses and tmux measure them.
        #expect((0..<4).map { grid[$0, 0].grapheme } == ["🇩", "🇪", "🇯", "🇵"])
        #expect(grid[4, 0].grapheme == "👍")
        #expect(grid[6, 0].grapheme == "🏽")
        #expect(grid[8, 0].grapheme == "👨‍👩‍👧‍👦")
        #expect(grid[8, 0].width == 2)
        #expect(grid[10, 0].grapheme == "🏳️‍🌈")
        #expect(DisplayWidth.cells(of: "👩🏽‍💻") == ["👩", "🏽‍💻"])
        #expect(DisplayWidth.truncate("ab🇩🇪", to: 3) == "ab…")
    }

    @Test func wideCharacterAtTheRightEdgeBecomesASpace() {
        var grid = CellGrid(size: Size(width: 3, height: 1))
        grid.put("a日本", at: Point(x: 0, y: 0))
        #expect(grid.rowText(0) == "a日")
        grid.put("ab日", at: Point(x: 0, y: 0))
        #expect(grid.rowText(0) == "ab ")
        #expect(!grid[2, 0].isContinuation)
    }

    @Test func overwritingHalfOfAWideCellBlanksTheOtherHalf() {
        var grid = CellGrid(size: Size(width: 4, height: 1))
        grid.put("日本", at: Point(x: 0, y: 0))
        grid.put("x", at: Point(x: 1, y: 0))
        #expect(grid.rowText(0) == " x本")
        grid.put("y", at: Point(x: 2, y: 0))
        #expect(grid.rowText(0) == " xy ")
    }

    @Test func writesOutsideTheGridOrClipAreNoOps() {
        var grid = CellGrid(size: Size(width: 4, height: 2))
        #expect(grid.put("hello", at: Point(x: -2, y: 0)) == 5)
        #expect(grid.rowText(0) == "llo ")
        grid.put("zz", at: Point(x: 0, y: 5))
        grid.put("zz", at: Point(x: 10, y: 1))
        grid.fill(Rect(x: -5, y: -5, width: 100, height: 100), with: ".")
        #expect(grid.rowText(1) == "....")
        grid.put("abcd", at: Point(x: 0, y: 1), clip: Rect(x: 1, y: 1, width: 2, height: 1))
        #expect(grid.rowText(1) == ".bc.")
        grid.put("abcd", at: Point(x: 0, y: 0), maxWidth: 2)
        #expect(grid.rowText(0) == "ab..")
    }

    @Test func combiningMarksStayInOneCell() {
        var grid = CellGrid(size: Size(width: 3, height: 1))
        grid.put("e\u{301}x", at: Point(x: 0, y: 0))
        #expect(grid[0, 0].grapheme == "e\u{301}")
        #expect(grid[1, 0].grapheme == "x")
    }

    @Test func asciiOnlyReplacesNonASCII() {
        var grid = CellGrid(size: Size(width: 4, height: 1), asciiOnly: true)
        grid.put("日a", at: Point(x: 0, y: 0))
        #expect(grid.rowText(0) == "?a  ")
    }

    @Test func changesReportOnlyDifferingCells() {
        var a = CellGrid(size: Size(width: 5, height: 2))
        a.put("hello", at: Point(x: 0, y: 0))
        var b = a
        b.put("J", at: Point(x: 0, y: 0))
        b.put("日", at: Point(x: 0, y: 1))
        let changes = b.changes(since: a)
        #expect(changes.map(\.point) == [Point(x: 0, y: 0), Point(x: 0, y: 1)])
        #expect(b.changes(since: nil).count == 9)  // continuation cells are not written
        #expect(b.changes(since: CellGrid(size: Size(width: 2, height: 2))).count == 9)
    }

    @Test func truncationIsWidthAware() {
        #expect(DisplayWidth.truncate("日本語テキスト", to: 7) == "日本語…")
        #expect(DisplayWidth.truncate("short", to: 10) == "short")
        #expect(DisplayWidth.pad("ab", to: 4, alignRight: true) == "  ab")
        #expect(DisplayWidth.width(of: "😀a") == 3)
    }

    @Test func sanitizerNeutralisesControls() {
        #expect(Sanitizer.clean("a\u{1B}[31mb\tc\u{7F}\u{85}") == "a␛[31mb c··")
        #expect(Sanitizer.clean(String(repeating: "x", count: 5000)).count == Sanitizer.maximumLength + 1)
    }

    /// A right-to-left override in a path would show `/admin\u{202E}txt.exe` as `/adminexe.txt`;
    /// the bidirectional controls are made visible, and right-to-left letters themselves kept.
    @Test func sanitizerNeutralisesBidirectionalControls() {
        #expect(Sanitizer.clean("/admin\u{202E}txt.exe") == "/admin·txt.exe")
        #expect(Sanitizer.clean("a\u{2066}b\u{2069}c\u{200F}d\u{061C}") == "a·b·c·d·")
        #expect(Sanitizer.clean("שלום مرحبا") == "שלום مرحبا")
    }
}
