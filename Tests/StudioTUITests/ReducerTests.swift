import Testing
@testable import StudioTUI

struct ReducerTests {
    @Test func selectionMovesWithinTheWorkflowListAndResetsTheTree() {
        var state = Fixtures.state()
        state.tree.selected = 3
        _ = reduce(&state, .key(.char("j")))
        #expect(state.workflows.selected == 1)
        #expect(state.tree == ListState())
        _ = reduce(&state, .key(.down))
        _ = reduce(&state, .key(.down))
        #expect(state.workflows.selected == 2)
        _ = reduce(&state, .key(.char("g")))
        #expect(state.workflows.selected == 0)
        _ = reduce(&state, .key(.up))
        #expect(state.workflows.selected == 0)
    }

    /// QA F6: raw mode turns Ctrl+Z into a key, and nothing was bound to it.
    @Test func ctrlZSuspendsFromAnywhere() throws {
        var state = Fixtures.state()
        #expect(reduce(&state, .key(.ctrl("z"))) == [.suspend])
        _ = reduce(&state, .key(.char("/")))
        #expect(state.traffic.filterInput != nil)
        #expect(reduce(&state, .key(.ctrl("z"))) == [.suspend])
        #expect(state.traffic.filterInput != nil)
        #expect(state.keyMap.bindings(in: .global, readonly: true).contains { $0.id == .suspend })
    }

    @Test func tabCyclesFocusAndEnterOpensTheWorkflow() {
        var state = Fixtures.state()
        #expect(state.focus == .workflows)
        _ = reduce(&state, .key(.tab))
        #expect(state.focus == .workflow)
        _ = reduce(&state, .key(.tab))
        #expect(state.focus == .traffic)
        _ = reduce(&state, .key(.tab))
        #expect(state.focus == .workflows)
        _ = reduce(&state, .key(.backTab))
        #expect(state.focus == .traffic)
        Fixtures.focus(.workflows, in: &state)
        _ = reduce(&state, .key(.enter))
        #expect(state.focus == .workflow)
    }

    @Test func treeSelectionIsBoundedByItsRows() {
        var state = Fixtures.state()
        Fixtures.focus(.workflow, in: &state)
        for _ in 0..<20 { _ = reduce(&state, .key(.char("j"))) }
        // start + 5 nodes + the `exit` branch target.
        #expect(state.tree.selected == 6)
    }

    @Test func trafficFollowsWhileAtTheBottom() {
        var state = Fixtures.state(records: 5)
        #expect(state.traffic.follow)
        #expect(state.traffic.list.selected == 4)
        _ = reduce(&state, .traffic(records: Fixtures.records(5..<30), dropped: 0))
        #expect(state.traffic.list.selected == 29)
        #expect(state.traffic.unseen == 0)
        let height = AppLayout.compute(size: state.size).traffic.height
        #expect(state.traffic.list.offset == 30 - height)
    }

    @Test func scrollingUpStopsFollowingAndCountsNewRecords() {
        var state = Fixtures.state(records: 10)
        Fixtures.focus(.traffic, in: &state)
        _ = reduce(&state, .key(.char("k")))
        #expect(!state.traffic.follow)
        #expect(state.traffic.list.selected == 8)
        _ = reduce(&state, .traffic(records: Fixtures.records(10..<47), dropped: 0))
        #expect(state.traffic.list.selected == 8)
        #expect(state.traffic.unseen == 37)
        let grid = renderApp(state)
        #expect(grid.rowText(AppLayout.compute(size: state.size).trafficSeparatorY).contains("47 lines · 37 new"))
    }

    @Test func bottomKeyResumesFollowing() {
        var state = Fixtures.state(records: 10)
        Fixtures.focus(.traffic, in: &state)
        _ = reduce(&state, .key(.char("k")))
        _ = reduce(&state, .traffic(records: Fixtures.records(10..<12), dropped: 0))
        _ = reduce(&state, .key(.char("G")))
        #expect(state.traffic.follow)
        #expect(state.traffic.unseen == 0)
        #expect(state.traffic.list.selected == 11)
        _ = reduce(&state, .key(.char("k")))
        _ = reduce(&state, .key(.end))
        #expect(state.traffic.follow)
    }

    @Test func movingDownOntoTheNewestRecordResumesFollowing() {
        var state = Fixtures.state(records: 10)
        Fixtures.focus(.traffic, in: &state)
        _ = reduce(&state, .key(.up))
        _ = reduce(&state, .traffic(records: Fixtures.records(10..<11), dropped: 0))
        _ = reduce(&state, .key(.down))
        #expect(!state.traffic.follow)
        _ = reduce(&state, .key(.down))
        #expect(state.traffic.follow)
        #expect(state.traffic.unseen == 0)
    }

    @Test func ringDropsOldestAndKeepsTheSelectionOnItsRecord() {
        var state = Fixtures.state()
        state.log = TrafficLog(capacity: 20)
        _ = reduce(&state, .traffic(records: Fixtures.records(0..<20), dropped: 0))
        Fixtures.focus(.traffic, in: &state)
        _ = reduce(&state, .key(.char("k")))  // record 18
        _ = reduce(&state, .traffic(records: Fixtures.records(20..<25), dropped: 3))
        #expect(state.log.count == 20)
        #expect(state.log.droppedCount == 8)
        #expect(state.log[state.traffic.list.selected]?.id == 18)
    }

    /// Paused on a full buffer, the header said "10,000 lines · 10,630 new": arrivals that pushed
    /// older new ones out were counted as new twice.
    @Test func newRecordsAreCountedOnlyWhileTheBufferHoldsThem() {
        var state = Fixtures.state()
        state.log = TrafficLog(capacity: 20)
        _ = reduce(&state, .traffic(records: Fixtures.records(0..<20), dropped: 0))
        Fixtures.focus(.traffic, in: &state)
        _ = reduce(&state, .key(.char("k")))
        _ = reduce(&state, .traffic(records: Fixtures.records(20..<35), dropped: 0))
        #expect(state.traffic.unseen == 15)
        _ = reduce(&state, .traffic(records: Fixtures.records(35..<60), dropped: 0))
        #expect(state.traffic.unseen == 20)
        #expect(state.traffic.unseen <= state.log.count)
    }

    @Test func helpTogglesAndSwallowsKeys() {
        var state = Fixtures.state()
        _ = reduce(&state, .key(.char("?")))
        #expect(state.showHelp)
        _ = reduce(&state, .key(.char("j")))
        #expect(state.workflows.selected == 0)
        #expect(reduce(&state, .key(.char("q"))).isEmpty)
        #expect(!state.showHelp)
        _ = reduce(&state, .key(.char("?")))
        _ = reduce(&state, .key(.escape))
        #expect(!state.showHelp)
    }

    @Test func quitKeysAndSignalsProduceQuitEffects() {
        var state = Fixtures.state()
        #expect(reduce(&state, .key(.char("q"))) == [.quit(code: 0)])
        #expect(reduce(&state, .key(.ctrl("c"))) == [.quit(code: 0)])
        #expect(reduce(&state, .terminate(signal: 15)) == [.quit(code: 143)])
        #expect(reduce(&state, .key(.ctrl("l"))) == [.redraw])
    }

    @Test func resizeKeepsSelectionsVisible() {
        var state = Fixtures.state(size: Size(width: 120, height: 40), records: 30)
        Fixtures.focus(.traffic, in: &state)
        _ = reduce(&state, .command(.top))
        _ = reduce(&state, .resize(Size(width: 80, height: 24)))
        #expect(state.size == Size(width: 80, height: 24))
        #expect(state.traffic.list.offset <= state.traffic.list.selected)
    }

    @Test func readonlyRejectsDangerousBindings() {
        var state = Fixtures.state()
        state.readonly = true
        state.keyMap.bindings.append(
            Binding(id: .redraw, keys: [.char("x")], title: "Dangerous thing", short: "danger", group: .global,
                    showInBar: true, dangerous: true))
        #expect(state.keyMap.command(for: .char("x"), focus: .workflows, readonly: true) == nil)
        #expect(!state.keyMap.barBindings(focus: .workflows, readonly: true).contains { $0.short == "danger" })
    }

    @Test func hintBarIsDrivenByTheBindingTable() {
        var state = Fixtures.state()
        let hint = { (state: AppState) in renderApp(state).rowText(AppLayout.compute(size: state.size).hint.y) }
        #expect(hint(state).contains("? help  ⏎ open  e edit  n new  r run  j/k move  Tab pane  q quit"))
        // `G follow` only once the pane has stopped following (it was offered while following).
        state = Fixtures.state(records: 5)
        Fixtures.focus(.traffic, in: &state)
        #expect(state.traffic.follow)
        #expect(!hint(state).contains("G follow"), "\(hint(state))")
        _ = reduce(&state, .key(.char("k")))
        #expect(!state.traffic.follow)
        #expect(hint(state).contains("G follow"), "\(hint(state))")
    }

    @Test func helpTallerThanTheScreenScrollsToItsLastLine() {
        var state = Fixtures.state(records: 3)
        Fixtures.focus(.traffic, in: &state)
        _ = reduce(&state, .key(.char("?")))
        let maximum = HelpOverlay.maximumScroll(state)
        #expect(maximum > 0)
        for _ in 0..<50 { _ = reduce(&state, .key(.char("j"))) }
        #expect(state.helpScroll == maximum)
        let screen = renderApp(state)
        // The last navigation key: G/End is the traffic's own (follow live), listed above.
        #expect((0..<screen.size.height).map(screen.rowText).contains { $0.contains("Go to the top") })
        _ = reduce(&state, .key(.escape))
        _ = reduce(&state, .key(.char("?")))
        #expect(state.helpScroll == 0)
    }
}
