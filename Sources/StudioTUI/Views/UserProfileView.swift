import StudioModel

/// The Users screen: stored users in address order, a page at a time, and the selected one's
/// profile as JSON.
enum UserProfileView {
    static func listRows(_ state: AppState) -> [SelectableListView.Row] {
        state.users.rows.map { SelectableListView.Row(name: $0.email) }
    }

    /// What the list says while it has no rows.
    static func emptyText(_ state: AppState) -> String {
        if state.users.loadingAfter != nil { return state.ascii ? "loading..." : "loading…" }
        return state.users.total == nil ? "no store" : "no users (hookline users import FILE)"
    }

    static func lines(_ state: AppState, width: Int) -> [StyledLine] {
        guard let user = state.users.selected else { return [] }
        var lines = StyledLines(width: width)
        lines.add(user.email, .titleFocused)
        lines.add("\(user.profile.count) fields", .muted)
        lines.blank()
        lines.addBlock(JSONValue.object(user.profile).prettyJSONText, .foreground, indent: "")
        return lines.lines
    }
}
