import Testing
@testable import StudioTUI

struct RenderSnapshotTests {
    @Test func mainScreenAt80x24() {
        Snapshot.assert(renderApp(Fixtures.state(records: 12)), named: "main-80x24")
    }

    @Test func mainScreenAt120x40() {
        var state = Fixtures.state(size: Size(width: 120, height: 40), records: 20)
        Fixtures.focus(.traffic, in: &state)
        _ = reduce(&state, .command(.moveUp))
        _ = reduce(&state, .traffic(records: Fixtures.records(20..<23), dropped: 0))
        Snapshot.assert(renderApp(state), named: "main-120x40")
    }

    @Test func tooSmallAt20x5() {
        Snapshot.assert(renderApp(Fixtures.state(size: Size(width: 20, height: 5))), named: "too-small-20x5")
    }

    /// Keys under the notice would act blind on what cannot be seen: only quitting and redraw act.
    @Test func underTheTooSmallNoticeOnlyQuitAndRedrawAct() {
        var state = Fixtures.state(size: Size(width: 40, height: 10))
        let before = state
        for key: KeyEvent in [.char("j"), .enter, .char("d"), .char("y"), .char("5"), .char("?"), .char("a")] {
            #expect(reduce(&state, .key(key)) == [])
        }
        #expect(state == before)
        #expect(reduce(&state, .key(.char("q"))) == [.quit(code: 0)])
        #expect(reduce(&state, .key(.ctrl("c"))) == [.quit(code: 0)])
        #expect(reduce(&state, .key(.ctrl("l"))) == [.redraw])
        _ = reduce(&state, .resize(Size(width: 80, height: 24)))
        _ = reduce(&state, .key(.char("?")))
        #expect(state.showHelp)
    }

    @Test func zeroSizeDoesNotCrash() {
        let grid = renderApp(Fixtures.state(size: Size(width: 0, height: 0)))
        #expect(grid.cells.isEmpty)
    }

    @Test func helpOverlayAt80x24() {
        var state = Fixtures.state(records: 3)
        _ = reduce(&state, .key(.char("?")))
        Snapshot.assert(renderApp(state), named: "help-80x24", styles: false)
    }

    @Test func asciiModeAt80x24() {
        var state = Fixtures.state(records: 3, ascii: true)
        _ = reduce(&state, .command(.moveDown))
        Snapshot.assert(renderApp(state), named: "ascii-80x24", styles: false)
    }

    @Test func offlineWithoutTraffic() {
        var state = Fixtures.state()
        state.trafficConnected = false
        let grid = renderApp(state)
        #expect(grid.rowText(0).contains("○ offline"))
        #expect(grid.rowText(AppLayout.compute(size: state.size).traffic.y).contains("no traffic source"))
    }

    @Test func headerShowsRateAndErrorShare() {
        let grid = renderApp(Fixtures.state(records: 10))
        // 10 records within the 5 s window: 2/s; statuses 503, 404, ERR, 302 are not successes.
        #expect(grid.rowText(0).contains("● live 2.0/s 50.0% err"))
    }

    /// A read-only studio runs no executor: it watches what the workspace's executor stores, and
    /// its header said "● live" as if it ran one (QA).
    @Test func aReadOnlyStudiosHeaderSaysItWatches() {
        var state = Fixtures.state(records: 10)
        state.readonly = true
        let header = renderApp(state).rowText(0)
        #expect(header.contains("● watching 2.0/s 50.0% err · read-only"), "\(header)")
        #expect(!header.contains("live"), "\(header)")
    }

    /// Whether `row` shows frame lines beside an overlay: a divider's end between it and the
    /// frame's edge, or the frame's tee leading into it.
    static func showsStub(_ row: String) -> Bool {
        ["─│", "│─", "─┌", "┐─", "─└", "┘─", "├│", "│┤"].contains { row.contains($0) } || row.hasPrefix("├ ") || row.hasSuffix(" ┤")
    }

    /// QA: the help and the palette showed the ends of the dividers beneath them at their sides.
    @Test(arguments: [Size(width: 80, height: 24), Size(width: 120, height: 40)])
    func overlaysCoverTheFrameLinesBeneathThem(size: Size) {
        var help = Fixtures.state(size: size, records: 3)
        _ = reduce(&help, .key(.char("?")))
        var palette = Fixtures.state(size: size, records: 3)
        _ = reduce(&palette, .key(.char(":")))
        var details = Fixtures.state(size: size, records: 3)
        Fixtures.focus(.traffic, in: &details)
        _ = reduce(&details, .key(.enter))
        for state in [help, palette, details] {
            let grid = renderApp(state)
            for y in 0..<grid.size.height {
                let row = grid.rowText(y)
                #expect(!Self.showsStub(row), "row \(y): \(row)")
            }
        }
    }

    @Test func controlCharactersInRecordsAreNeutralised() {
        var state = Fixtures.state()
        let evil = Fixtures.record(1, url: "https://x.test/\u{1B}[2J\u{07}boom")
        _ = reduce(&state, .traffic(records: [evil], dropped: 0))
        let grid = renderApp(state)
        let row = grid.rowText(AppLayout.compute(size: state.size).traffic.y)
        #expect(row.contains("x.test/␛[2J·boom"))
        #expect(!grid.cells.contains { $0.grapheme.unicodeScalars.contains { $0.value < 0x20 } })
    }
}
