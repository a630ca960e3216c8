import Foundation
import StudioModel
import Testing
@testable import StudioTUI

/// `r` in the workflow list: run the selected workflow now, for whom the hint row asks.
struct RunKeyTests {
    private func type(_ text: String, into state: inout AppState) {
        for character in text { _ = reduce(&state, .key(.char(character))) }
    }

    @Test func enterOnAnEmptyLineRunsForEveryUserAndTheRowSaysSo() {
        var state = Fixtures.state(records: 0)
        #expect(reduce(&state, .key(.char("r"))).isEmpty)
        #expect(state.runInput == RunInput(workflowID: "welcome-series"))
        let grid = renderApp(state)
        let screen = (0..<grid.size.height).map(grid.rowText).joined(separator: "\n")
        #expect(screen.contains("run welcome-series for ▏(every user · list:NAME · email)  ⏎ run  Esc cancel"), "\(screen)")
        #expect(reduce(&state, .key(.enter)) == [.run(workflowID: "welcome-series", audience: .everyUser)])
        #expect(state.runInput == nil)
        #expect(state.status?.text == "starting welcome-series for every user…")
    }

    @Test func theTypedTextNamesAListOrOneAddressAndAListStartUsesItsOwnList() {
        var state = Fixtures.state(records: 0)
        _ = reduce(&state, .key(.char("r")))
        type("list: trial", into: &state)
        #expect(reduce(&state, .key(.enter)) == [.run(workflowID: "welcome-series", audience: .list("trial"))])
        _ = reduce(&state, .key(.char("r")))
        type("ada@example.com", into: &state)
        #expect(reduce(&state, .key(.enter)) == [.run(workflowID: "welcome-series", audience: .user("ada@example.com"))])
        _ = reduce(&state, .key(.char("r")))
        type("list:", into: &state)
        #expect(reduce(&state, .key(.enter)).isEmpty)
        #expect(state.status?.text == "name the list: list:NAME")
        // winback starts from the list "lapsed".
        #expect(RunInput(workflowID: "winback").audience(startingFrom: .list("lapsed")) == .list("lapsed"))
        _ = reduce(&state, .key(.char("r")))
        #expect(reduce(&state, .key(.escape)).isEmpty)
        #expect(state.runInput == nil)
    }

    /// Users are stored and matched lowercase: the run, and what the hint row says of it, name
    /// the user as stored, not as typed (QA).
    @Test func anAddressTypedInCapitalsNamesTheUserAsStored() {
        var state = Fixtures.state(records: 0)
        _ = reduce(&state, .key(.char("r")))
        type("Ada@Example.com", into: &state)
        #expect(reduce(&state, .key(.enter)) == [.run(workflowID: "welcome-series", audience: .user("ada@example.com"))])
        #expect(state.status?.text == "starting welcome-series for ada@example.com…")
    }

    @Test func theOutcomeCountsTheJourneysStartedAndThoseTheEntryLimitsKeptOut() {
        #expect(RunAudience.everyUser.outcome(of: "direct-mail", asked: 14, started: 2)
            == StatusMessage("started direct-mail for 2 of 14 users: the entry limits kept out 12"))
        #expect(RunAudience.everyUser.outcome(of: "direct-mail", asked: 14, started: 14)
            == StatusMessage("started direct-mail for 14 users"))
        #expect(RunAudience.list("trial").outcome(of: "direct-mail", asked: 3, started: 0)
            == StatusMessage("started direct-mail for nobody: the entry limits kept out all 3 users", level: .warning))
        #expect(RunAudience.list("trial").outcome(of: "direct-mail", asked: 0, started: 0)
            == StatusMessage("list trial has nobody to run direct-mail for"))
        #expect(RunAudience.user("ada@example.com").outcome(of: "direct-mail", asked: 1, started: 0)
            == StatusMessage("ada@example.com is past the entry limits of direct-mail: not started", level: .warning))
        #expect(RunAudience.user("ada@example.com").outcome(of: "direct-mail", asked: 1, started: 1)
            == StatusMessage("started direct-mail for ada@example.com"))
    }

    /// A line that is not an address runs nothing (it used to send real requests for
    /// `not-an-email`): the prompt stays open with the text typed and why, as `hookline run
    /// --users` refuses such a line.
    @Test func textThatIsNotAnAddressKeepsThePromptOpenAndRunsNothing() {
        var state = Fixtures.state(records: 0)
        _ = reduce(&state, .key(.char("r")))
        type("not-an-email", into: &state)
        #expect(reduce(&state, .key(.enter)).isEmpty)
        #expect(state.runInput == RunInput(workflowID: "welcome-series", text: "not-an-email"))
        #expect(state.status == StatusMessage(
            "'not-an-email' is not an email address: it has no '@'; type one, list:NAME, or nothing for every user",
            level: .warning))
        let grid = renderApp(state)
        let row = grid.rowText(AppLayout.compute(state).hint.y)
        #expect(row.contains("run welcome-series for not-an-email▏  ⏎ run  Esc cancel"), "\(row)")
        // The reason, too long to share the row with the text, is shown whole above it.
        let above = (0..<AppLayout.compute(state).hint.y).map(grid.rowText).joined(separator: "\n")
        #expect(above.contains("'not-an-email' is not an email address: it has no '@'; type one,"), "\(above)")
        type("@example.com", into: &state)
        #expect(reduce(&state, .key(.enter)) == [.run(workflowID: "welcome-series", audience: .user("not-an-email@example.com"))])
        #expect(state.runInput == nil)
    }

    /// An address no user has runs as `hookline run` runs it, with the address alone as the
    /// profile; the hint row says so.
    @Test func anAddressWithNoStoredUserIsSaidToBeANewUser() {
        #expect(RunAudience.user("x@example.com").outcome(of: "direct-mail", asked: 1, started: 1, stored: false)
            == StatusMessage("started direct-mail for x@example.com (no stored profile: a new user, the address alone)"))
    }

    @Test func readOnlyStudiosCannotRun() {
        var state = Fixtures.state(records: 0)
        state.readonly = true
        #expect(reduce(&state, .key(.char("r"))).isEmpty)
        #expect(state.runInput == nil)
        #expect(!state.keyMap.barBindings(focus: .workflows, readonly: true).contains { $0.id == .run })
    }
}
