import Foundation
import StudioModel
import Testing
@testable import StudioTUI

/// tui.md §6.1: a key that cannot apply to the selection or the mode is hidden from the hint
/// bar, and pressing it says why in one line, from the one binding table.
struct DisabledKeyTests {
    private static func bar(_ state: AppState) -> String {
        renderApp(state).rowText(AppLayout.compute(state).hint.y)
    }

    /// The tree of welcome-series, step `id` selected.
    private static func tree(selecting id: String) throws -> AppState {
        var state = Fixtures.state()
        _ = reduce(&state, .key(.enter))
        while state.selectedTreeRow?.nodeID != id {
            let before = state.tree.selected
            _ = reduce(&state, .key(.char("j")))
            try #require(state.tree.selected != before, "no step \(id)")
        }
        return state
    }

    /// `p preview` and `t test` showed on a Delay, a split and an Exit step, which send nothing.
    @Test func previewAndTestShowOnlyOnAStepThatCallsAWebhook() throws {
        let webhookStep = try Self.tree(selecting: "direct-mail")
        #expect(Self.bar(webhookStep).contains("p preview") && Self.bar(webhookStep).contains("t test"), "\(Self.bar(webhookStep))")
        for id in ["wait", "is-pro"] {
            var state = try Self.tree(selecting: id)
            #expect(!Self.bar(state).contains("preview") && !Self.bar(state).contains("test"), "\(id): \(Self.bar(state))")
            #expect(reduce(&state, .key(.char("p"))) == [])
            #expect(state.stepUserInput == nil)
            #expect(state.status?.text.hasPrefix("p: \(id) is a step of type") == true, "\(String(describing: state.status))")
            #expect(state.status?.text.hasSuffix("sends no request: select a step that calls a webhook") == true)
            #expect(state.status?.level == .warning)
        }
    }

    /// While `hookline serve` runs the journeys, `r` and `R` stayed in the bar and `r` asked
    /// for whom before refusing. Pressed, they say why and ask whether it still does.
    @Test func runAndReplayAreHiddenWhileAnotherProcessRunsTheJourneys() {
        var state = Fixtures.state(records: 3)
        #expect(Self.bar(state).contains("r run"))
        state.executorElsewhere = "hookline serve (pid 412)"
        #expect(!Self.bar(state).contains("r run"), "\(Self.bar(state))")
        #expect(reduce(&state, .key(.char("r"))) == [.checkExecutor])
        #expect(state.runInput == nil)
        #expect(state.status?.text == "r: this workspace's journeys are run by hookline serve (pid 412): run and replay from there")
        Fixtures.focus(.traffic, in: &state)
        #expect(!Self.bar(state).contains("replay"), "\(Self.bar(state))")
        #expect(reduce(&state, .key(.char("R"))) == [.checkExecutor])
        // That process stopped: this studio runs the journeys, and the keys are back.
        _ = reduce(&state, .executorChecked(nil))
        #expect(state.executorElsewhere == nil)
        #expect(Self.bar(state).contains("R replay"), "\(Self.bar(state))")
    }

    /// In `--readonly` the keys that change or send anything are hidden, as before, and
    /// pressing one now says why instead of nothing.
    @Test func aHiddenKeyOfAReadOnlyStudioSaysWhy() {
        var state = Fixtures.state()
        state.readonly = true
        #expect(!Self.bar(state).contains("edit"))
        #expect(reduce(&state, .key(.char("e"))) == [])
        #expect(state.status == StatusMessage("e: a read-only studio (--readonly) changes and sends nothing", level: .warning))
        #expect(reduce(&state, .key(.char("r"))) == [])
        #expect(state.runInput == nil)
        #expect(state.status?.text == "r: a read-only studio (--readonly) changes and sends nothing")
    }
}

/// The `?` overlay lists each key once, as it acts on the screen shown.
struct HelpOverlayKeyTests {
    /// On the Users screen `/` was listed twice: "Find a user" and the global "Filter the traffic".
    @Test func aKeyTheScreenBindsIsNotListedAgainUnderGlobal() {
        var state = Fixtures.state()
        _ = reduce(&state, .key(.char("4")))
        let slash = HelpOverlay.lines(state).filter { $0.keys == "/" }
        #expect(slash.map(\.text).count == 1 && slash.first?.text.hasPrefix("Find a user") == true, "\(slash.map(\.text))")
        // Elsewhere the global filter stays.
        _ = reduce(&state, .key(.char("1")))
        #expect(HelpOverlay.lines(state).filter { $0.keys == "/" }.map(\.text) == ["Filter the traffic"])
    }

    /// The traffic filter's help named neither `workflow:`, `id:` nor `status:err|ok|none`,
    /// which work and the README documents.
    @Test func theTrafficFilterHelpNamesEveryTerm() {
        var state = Fixtures.state()
        Fixtures.focus(.traffic, in: &state)
        let text = HelpOverlay.lines(state).filter { $0.keys == "/" }.map(\.text).joined()
        for term in ["status:5xx|503|err|ok|none", "method:", "host:", "user:", "webhook:", "workflow:", "id:", "re:"] {
            #expect(text.contains(term), "\(term): \(text)")
        }
    }

    /// `R` and `y` on the workflow list passed without a word (QA, session 20): a key of another
    /// pane says where it applies; a key bound nowhere still does nothing.
    @Test func aKeyOfAnotherPaneSaysWhereItApplies() {
        var state = Fixtures.state(records: 3)
        #expect(state.focus == .workflows)
        #expect(reduce(&state, .key(.char("R"))) == [])
        #expect(state.status?.text.hasPrefix("R does nothing in Workflows · in Traffic: Replay the selected delivery") == true,
            "\(String(describing: state.status))")
        #expect(reduce(&state, .key(.char("y"))) == [])
        #expect(state.status?.text.hasPrefix("y does nothing in Workflows · in Traffic: ") == true, "\(String(describing: state.status))")
        state.status = nil
        _ = reduce(&state, .key(.char("Z")))
        #expect(state.status == nil)
    }
}
