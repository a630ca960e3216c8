import Foundation
import StudioModel

/// The Users screen: stored users in address order, a page at a time, and the selected one's
/// profile as JSON.
enum UserProfileView {
    static func listRows(_ state: AppState) -> [SelectableListView.Row] {
        state.users.rows.map { SelectableListView.Row(name: $0.email) }
    }

    /// What the list says while it has no rows.
    static func emptyText(_ state: AppState) -> String {
        if state.users.loading != nil { return state.ascii ? "loading..." : "loading…" }
        return state.users.total == nil ? "no store" : "no users yet"
    }

    static func lines(_ state: AppState, width: Int) -> [StyledLine] {
        var lines = StyledLines(width: width)
        guard let user = state.users.selected else {
            if state.users.total == 0 {
                lines.add("The store holds no users yet.", .muted)
                lines.add("hookline users import FILE (CSV or JSON Lines) adds them; so do tracked events.", .muted)
            }
            return lines.lines
        }
        lines.add(user.email, .titleFocused)
        lines.add("\(user.profile.count) fields", .muted)
        lines.blank()
        addJourneys(state, of: user, to: &lines)
        lines.blank()
        lines.addBlock(JSONValue.object(user.profile).prettyJSONText, .foreground, indent: "")
        return lines.lines
    }

    /// Where the user is in the workflows: each recent journey, its step and, while it waits,
    /// until when.
    private static func addJourneys(_ state: AppState, of user: StoredUser, to lines: inout StyledLines) {
        guard let loaded = state.users.journeys, loaded.email == user.email else {
            return lines.add(state.ascii ? "journeys: reading..." : "journeys: reading…", .muted)
        }
        if let problem = loaded.problem { return lines.add("journeys: cannot read them (\(problem))", .statusError) }
        guard !loaded.journeys.isEmpty else { return lines.add("no journeys (r on a workflow starts one)", .muted) }
        lines.add("Journeys, newest first", .helpSection)
        lines.labelWidth = max(10, (loaded.journeys.map { DisplayWidth.width(of: $0.workflowID) }.max() ?? 0) + 2)
        for journey in loaded.journeys {
            var text = journey.status
            if let step = journey.stepID { text += journey.status == "finished" ? " after \(step)" : " at \(step)" }
            if journey.status == "waiting", let wake = journey.wakeAt {
                text += " until " + wake.formatted(Date.ISO8601FormatStyle(timeZone: state.timeZone))
            } else {
                text += " · " + TrafficRow.timestamp(journey.updatedAt, timeZone: state.timeZone)
            }
            let token: ThemeToken = switch journey.status {
            case "failed": .statusError
            case "finished": .muted
            default: .success
            }
            lines.add(label: journey.workflowID, text, token)
        }
    }
}
