import Foundation
import StudioModel
import Testing
@testable import StudioTUI

/// `/` in the traffic pane: the filter language and how the pane lists its matches.
struct TrafficFilterTests {
    /// QA F9: long counts were drawn over the title, cutting the filter mid-word with no `…`.
    @Test func theTitleEndsBeforeTheCountsWithAnEllipsis() {
        var state = Fixtures.state(records: 14)
        _ = reduce(&state, .key(.char("/")))
        for character in "status:ok method:GET" { _ = reduce(&state, .key(.char(character))) }
        _ = reduce(&state, .key(.enter))
        _ = reduce(&state, .traffic(records: [], dropped: 3147))
        state.traffic.unseen = 14
        let row = renderApp(state).rowText(AppLayout.compute(state).trafficSeparatorY)
        #expect(row.contains("14 new · 3,147 dropped"), "\(row)")
        let title = row.prefix { !$0.isNumber }
        #expect(title.contains("filter s") && title.contains("…"), "\(row)")
    }

    /// QA: the title was cut at half the row, though the counts left it room for the whole filter.
    @Test func theTitleShowsTheWholeFilterWhenTheRowHasRoom() {
        var state = Fixtures.state(records: 14)
        _ = reduce(&state, .key(.char("/")))
        _ = reduce(&state, .paste("method:POST host:api.lob.com"))
        _ = reduce(&state, .key(.enter))
        let row = renderApp(state).rowText(AppLayout.compute(state).trafficSeparatorY)
        #expect(row.contains("· filter method:POST host:api.lob.com ─"), "\(row)")
        #expect(!row.contains("…"), "\(row)")
    }

    // Fixtures.records: statuses cycle 201, 200, 503, 404, 201, nil (timeout), 302; every 4th is GET.
    @Test(arguments: [
        ("status:5xx", [2, 9]),
        ("status:503", [2, 9]),
        // As the header's "% err" counts: every attempt that did not succeed.
        ("status:err", [2, 3, 5, 6, 9, 10, 12, 13]),
        ("status:ok", [0, 1, 4, 7, 8, 11]),
        ("status:none", [5, 12]),
        ("re:^GET 404 ", [3]),
        ("!status:2xx", [2, 3, 5, 6, 9, 10, 12, 13]),
        ("method:get", [3, 7, 11]),
        ("method:GET status:4xx", [3]),
        ("user:user1", [1, 10, 11, 12, 13]),
        ("timeout", [5, 12]),
        ("re:user1[0-2]@", [10, 11, 12]),
        ("host:lob", Array(0..<14)),
        ("host:nowhere", []),
    ])
    func termsSelectTheMatchingAttempts(filter: String, expected: [Int]) throws {
        let parsed = try TrafficFilter(filter)
        let matched = Fixtures.records(0..<14).filter(parsed.matches).compactMap { Int($0.deliveryID.dropFirst()) }
        #expect(matched == expected)
    }

    /// `host:127.0.0.1:18080` and `host:18080` matched nothing while the rows showed
    /// `127.0.0.1:18080/…`: the host is matched with its port, as shown.
    @Test(arguments: [
        ("host:127.0.0.1:18080", true), ("host:18080", true), ("host:127.0.0.1", true), ("host:18081", false),
        ("host:hook", false),
    ])
    func hostMatchesWithItsPortAsShown(filter: String, matches: Bool) throws {
        var record = Fixtures.records(0..<1)[0]
        record.url = "http://user:pw@127.0.0.1:18080/hook?x=1"
        #expect(try TrafficFilter(filter).matches(record) == matches)
        #expect(TrafficFilter.hostAndPort(of: "https://[::1]:8443/a") == "[::1]:8443")
    }

    @Test(arguments: [
        ("status:teapot", "status:teapot is not a status"),
        ("colour:red", "unknown filter 'colour:'"),
        ("re:[", "'[' is not a valid regular expression"),
        ("user:", "'user:' needs a value"),
        ("!", "'!' needs a term after it"),
    ])
    func badFiltersSayWhatIsWrong(filter: String, message: String) {
        #expect(throws: TrafficFilter.ParseError.self) { try TrafficFilter(filter) }
        do { _ = try TrafficFilter(filter) } catch { #expect(error.message.contains(message), "\(error.message)") }
    }

    private func type(_ text: String, into state: inout AppState) {
        for character in text { _ = reduce(&state, .key(.char(character))) }
    }

    @Test func slashTypesAFilterThatEnterAppliesAndTheHeaderShows() {
        var state = Fixtures.state(records: 14)
        _ = reduce(&state, .key(.char("/")))
        #expect(state.focus == .traffic)
        type("status:5xx", into: &state)
        #expect(state.traffic.filterInput == "status:5xx")
        _ = reduce(&state, .key(.enter))
        #expect(state.traffic.filterInput == nil)
        #expect(state.trafficCount == 2)
        #expect(state.trafficRecord(at: state.traffic.list.selected)?.deliveryID == "d9")
        let frame = renderApp(state)
        #expect((0..<frame.size.height).map(frame.rowText).contains { $0.contains("filter status:5xx") && $0.contains("2 of 14 lines") })
    }

    @Test func newTrafficIsFilteredAsItArrivesAndEnterOpensAMatch() {
        var state = Fixtures.state(records: 14)
        _ = reduce(&state, .key(.char("/")))
        type("status:none", into: &state)
        _ = reduce(&state, .key(.enter))
        _ = reduce(&state, .traffic(records: Fixtures.records(14..<21), dropped: 0))
        #expect(state.trafficCount == 3)
        _ = reduce(&state, .key(.enter))
        #expect(state.details?.record.deliveryID == "d19")
    }

    @Test func escapeLeavesTheFilterAsItWasAndAnEmptyFilterClearsIt() {
        var state = Fixtures.state(records: 14)
        _ = reduce(&state, .key(.char("/")))
        type("method:get", into: &state)
        _ = reduce(&state, .key(.enter))
        _ = reduce(&state, .key(.char("/")))
        #expect(state.traffic.filterInput == "method:get")
        type("x", into: &state)
        _ = reduce(&state, .key(.escape))
        #expect(state.traffic.filter?.text == "method:get")
        _ = reduce(&state, .key(.char("/")))
        _ = reduce(&state, .key(.ctrl("u")))
        _ = reduce(&state, .key(.enter))
        #expect(state.traffic.filter == nil)
        #expect(state.trafficCount == 14)
    }

    @Test func aBadFilterKeepsTheInputOpenWithTheError() {
        var state = Fixtures.state(records: 3)
        _ = reduce(&state, .key(.char("/")))
        type("status:teapot", into: &state)
        _ = reduce(&state, .key(.enter))
        #expect(state.traffic.filterInput == "status:teapot")
        #expect(state.status?.level == .error)
        #expect(state.traffic.filter == nil)
    }

    @Test func matchesFollowTheRingWhenOldRecordsAreDropped() {
        var state = AppState(workspace: Fixtures.workspace, size: Size(width: 80, height: 24), logCapacity: 10)
        _ = reduce(&state, .traffic(records: Fixtures.records(0..<10), dropped: 0))
        _ = reduce(&state, .key(.char("/")))
        type("status:5xx", into: &state)
        _ = reduce(&state, .key(.enter))
        #expect(state.trafficCount == 2)
        // d2 falls out of the ring; d16 arrives.
        _ = reduce(&state, .traffic(records: Fixtures.records(10..<17), dropped: 0))
        #expect((0..<state.trafficCount).compactMap { state.trafficRecord(at: $0)?.deliveryID } == ["d9", "d16"])
    }

    @Test func filterInputAt80x24() {
        var state = Fixtures.state(records: 14)
        _ = reduce(&state, .key(.char("/")))
        type("status:5xx !method:get", into: &state)
        Snapshot.assert(renderApp(state), named: "filter-input-80x24", styles: false)
    }

    @Test func exportHandsTheListedAttemptsToTheEngine() {
        var state = Fixtures.state(records: 14)
        _ = reduce(&state, .key(.char("/")))
        type("status:5xx", into: &state)
        _ = reduce(&state, .key(.enter))
        let effects = reduce(&state, .key(.char("e")))
        #expect(effects == [.exportHAR(Fixtures.records(0..<14).filter { $0.status == 503 })])
    }
}
