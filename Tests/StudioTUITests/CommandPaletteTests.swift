import Foundation
import StudioModel
import Testing
@testable import StudioTUI

/// `:` or Ctrl+P: find a command of the binding table by name and run it where the palette was opened.
struct CommandPaletteTests {
    private func type(_ text: String, into state: inout AppState) {
        for character in text { _ = reduce(&state, .key(.char(character))) }
    }

    private func titles(_ state: AppState) -> [String] {
        state.palette?.matches(in: state.keyMap, readonly: state.readonly).map(\.title) ?? []
    }

    @Test func typedLettersFindTheCommandAndEnterRunsItInThePaneItWasOpenedFrom() throws {
        var state = Fixtures.state(records: 5)
        Fixtures.focus(.traffic, in: &state)
        _ = reduce(&state, .key(.char("k")))
        let selected = try #require(state.trafficRecord(at: state.traffic.list.selected))
        _ = reduce(&state, .key(.char(":")))
        type("rply", into: &state)
        #expect(titles(state).first?.hasPrefix("Replay the selected delivery") == true, "\(titles(state))")
        #expect(reduce(&state, .key(.enter)) == [.replay(deliveryID: selected.deliveryID)])
        #expect(state.palette == nil)
        #expect(state.focus == .traffic)
    }

    @Test func arrowsChooseAmongMatchesAndAContiguousMatchComesFirst() {
        var state = Fixtures.state(records: 5)
        Fixtures.focus(.traffic, in: &state)
        _ = reduce(&state, .key(.ctrl("p")))
        type("follow", into: &state)
        #expect(titles(state) == ["Follow live traffic", "Toggle follow (auto-scroll)"])
        _ = reduce(&state, .key(.down))
        #expect(state.palette?.selected == 1)
        _ = reduce(&state, .key(.down))
        #expect(state.palette?.selected == 0)
        _ = reduce(&state, .key(.up))
        _ = reduce(&state, .key(.enter))
        #expect(state.traffic.follow == false)
    }

    @Test func readOnlyStudiosOfferNoDangerousCommand() {
        var state = Fixtures.state(records: 5)
        state.readonly = true
        Fixtures.focus(.traffic, in: &state)
        _ = reduce(&state, .key(.char(":")))
        #expect(!titles(state).isEmpty)
        #expect(!titles(state).contains { $0.hasPrefix("Replay") })
        type("replay", into: &state)
        #expect(titles(state).isEmpty)
        #expect(reduce(&state, .key(.enter)).isEmpty)
    }

    @Test func escapeClosesItAndKeysAreTextWhileItIsOpen() {
        var state = Fixtures.state(records: 5)
        _ = reduce(&state, .key(.char(":")))
        #expect(reduce(&state, .key(.char("q"))).isEmpty)
        #expect(state.palette?.query == "q")
        _ = reduce(&state, .key(.backspace))
        #expect(state.palette?.query == "")
        _ = reduce(&state, .key(.escape))
        #expect(state.palette == nil)
        #expect(state.focus == .workflows)
    }

    /// A command that cannot apply where the palette was opened is listed dimmed, not hidden,
    /// and running it says why, as its key does.
    @Test func aCommandThatCannotApplyIsDimmedAndSaysWhyWhenRun() throws {
        var state = Fixtures.state(records: 5)
        Fixtures.focus(.traffic, in: &state)
        state.executorElsewhere = "hookline serve (pid 4242)"
        _ = reduce(&state, .key(.char(":")))
        let titles = titles(state)
        let replay = try #require(titles.firstIndex { $0.hasPrefix("Replay the selected delivery") })
        let applying = try #require(titles.firstIndex { $0.hasPrefix("Toggle follow") })
        #expect(state.palette?.selected != replay && state.palette?.selected != applying)
        let rows = LongTextTests.rows(renderApp(state))
        let grid = renderApp(state)
        for (title, token) in [("Replay the selected", ThemeToken.muted), ("Toggle follow", .foreground)] {
            let y = try #require(rows.firstIndex { $0.contains(title) }, "\(title) not on screen")
            let x = try #require(rows[y].range(of: title).map { rows[y].distance(from: rows[y].startIndex, to: $0.lowerBound) })
            #expect(grid[x + 1, y].token == token, "\(title)")
        }

        for _ in 0..<replay { _ = reduce(&state, .key(.down)) }
        let effects = reduce(&state, .key(.enter))
        #expect(!effects.contains { if case .replay = $0 { true } else { false } }, "\(effects)")
        #expect(state.status?.text.contains("run by hookline serve (pid 4242)") == true, "\(String(describing: state.status))")
    }

    @Test func paletteAt80x24() {
        var state = Fixtures.state(records: 14)
        Fixtures.focus(.traffic, in: &state)
        _ = reduce(&state, .key(.char(":")))
        type("tr", into: &state)
        Snapshot.assert(renderApp(state), named: "palette-80x24", styles: false)
    }
}

extension CommandPaletteTests {
    /// QA: a query longer than the palette's input was drawn from its start, the caret past the edge.
    @Test func aLongQueryScrollsToItsCaret() throws {
        var state = Fixtures.state(records: 5)
        _ = reduce(&state, .key(.char(":")))
        _ = reduce(&state, .paste(String(repeating: "toggle follow ", count: 8) + "END"))
        var rows = LongTextTests.rows(renderApp(state))
        var input = try #require(rows.first { $0.contains("› ") }, "\(rows.joined(separator: "\n"))")
        #expect(input.contains("› …"), "\(input)")
        #expect(input.contains("END_"), "\(input)")
        // Home: the start, the caret before it, the cut end marked.
        _ = reduce(&state, .key(.home))
        rows = LongTextTests.rows(renderApp(state))
        input = try #require(rows.first { $0.contains("› ") })
        #expect(input.contains("› _toggle follow"), "\(input)")
        #expect(input.contains("…│"), "\(input)")
    }
}
