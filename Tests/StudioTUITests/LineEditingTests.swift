import StudioModel
import Testing
@testable import StudioTUI

/// Typing in the hint row's prompts (tui.md, Forms): the caret moves with ←/→, Home/End and
/// Ctrl+A/Ctrl+E, and typing, deleting and pasting happen where it stands. Before, only the end
/// of the line could be changed: fixing a typo at its start meant deleting the whole line.
struct LineEditingTests {
    private func filtering(_ text: String) -> AppState {
        var state = Fixtures.state(records: 14)
        _ = reduce(&state, .key(.char("/")))
        for character in text { _ = reduce(&state, .key(.char(character))) }
        return state
    }

    private func press(_ keys: [KeyEvent], in state: inout AppState) {
        for key in keys { _ = reduce(&state, .key(key)) }
    }

    @Test func theCaretMovesAndTypingAndDeletingHappenWhereItStands() {
        var state = filtering("stat:5xx")
        press([.home, .right, .right, .right, .right, .char("u"), .char("s")], in: &state)
        #expect(state.traffic.filterInput == "status:5xx")
        press([.ctrl("e"), .left, .left, .backspace, .char("4")], in: &state)
        #expect(state.traffic.filterInput == "status:4xx")
        press([.ctrl("a"), .delete, .char("S")], in: &state)
        #expect(state.traffic.filterInput == "Status:4xx")
        press([.end, .char("!")], in: &state)
        #expect(state.traffic.filterInput == "Status:4xx!")
    }

    /// Ctrl+C quits from every prompt, as the key map says, instead of being taken as text or
    /// ignored (QA: pressed twice in the filter, the palette and `r`'s prompt, it did nothing).
    @Test func ctrlCQuitsFromAPromptThePaletteAndAQuestion() {
        var filter = filtering("status:5")
        #expect(reduce(&filter, .key(.ctrl("c"))) == [.quit(code: 0)])
        var palette = Fixtures.state(records: 3)
        _ = reduce(&palette, .key(.char(":")))
        #expect(reduce(&palette, .key(.ctrl("c"))) == [.quit(code: 0)])
        var finding = Fixtures.state(records: 3)
        Fixtures.focus(.traffic, in: &finding)
        _ = reduce(&finding, .key(.char("?")))
        #expect(reduce(&finding, .key(.ctrl("c"))) == [.quit(code: 0)])
    }

    @Test func killKeysCutToTheStartToTheEndAndTheWordBefore() {
        var state = filtering("method:get status:5xx")
        press([.left, .left, .left, .left, .ctrl("k")], in: &state)
        #expect(state.traffic.filterInput == "method:get status")
        press([.ctrl("w")], in: &state)
        #expect(state.traffic.filterInput == "method:get ")
        press([.ctrl("w")], in: &state)
        #expect(state.traffic.filterInput == "")
        state = filtering("method:get status:5xx")
        press(Array(repeating: .left, count: 10) + [.ctrl("u")], in: &state)
        #expect(state.traffic.filterInput == "status:5xx")
    }

    @Test func aPasteGoesInAtTheCaret() {
        var state = filtering("status: user:ada")
        press(Array(repeating: .left, count: 9), in: &state)
        _ = reduce(&state, .paste("5xx"))
        #expect(state.traffic.filterInput == "status:5xx user:ada")
    }

    /// The caret is drawn where it stands, the text on both sides of it.
    @Test func theHintRowDrawsTheCaretInsideTheLine() {
        var state = filtering("status:5xx")
        press([.home, .right], in: &state)
        let row = renderApp(state).rowText(state.size.height - 2)
        #expect(row.contains("/s▏tatus:5xx"), "\(row)")
    }

    /// A prompt closed by another key leaves no caret behind: the next one starts at its end.
    @Test func aNewPromptStartsWithTheCaretAtTheEnd() {
        var state = filtering("status:5xx")
        press([.home, .escape], in: &state)
        #expect(state.lineCursor == 0)
        _ = reduce(&state, .key(.char("/")))
        press([.char("x")], in: &state)
        #expect(state.traffic.filterInput == "x")
        state.lineCursor = 3
        _ = reduce(&state, .key(.escape))
        _ = reduce(&state, .key(.char("j")))
        #expect(state.lineCursor == 0)
    }
}
