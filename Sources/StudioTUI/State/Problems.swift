import StudioModel

/// The workspace's problems (`!`): what the loader found in its files, and what the engine's
/// save-time checks refuse, printed as `hookline validate` prints them (`path:line:col: error: …`).
/// A file with an error does not load, so without this list it would only be missing. The
/// problems of a draft that did not pass come first: the hint row named only the first of them.
enum Problems {
    /// Every problem, in path, line and column order.
    static func sorted(_ workspace: Workspace) -> [Diagnostic] {
        workspace.diagnostics.sorted { ($0.path, $0.line, $0.column) < ($1.path, $1.line, $1.column) }
    }

    /// `2 files have errors: ! lists them`, for the hint row at start; nil without problems.
    static func notice(_ workspace: Workspace) -> StatusMessage? {
        let errors = Set(workspace.errors.map(\.path)).count
        if errors > 0 {
            return StatusMessage(
                errors == 1 ? "1 file has errors: ! lists them" : "\(errors) files have errors: ! lists them", level: .error)
        }
        let warnings = Set(workspace.diagnostics.map(\.path)).count
        guard warnings > 0 else { return nil }
        return StatusMessage(
            warnings == 1 ? "1 file has warnings: ! lists them" : "\(warnings) files have warnings: ! lists them",
            level: .warning)
    }

    /// `2 errors, 1 warning`; nil without problems.
    static func summary(_ workspace: Workspace) -> String? {
        summary(of: workspace.diagnostics)
    }

    /// `2 errors, 1 warning` of `problems`; nil when there are none.
    static func summary(of problems: [Diagnostic]) -> String? {
        let errors = problems.filter { $0.severity == .error }.count
        let warnings = problems.count - errors
        var parts: [String] = []
        if errors > 0 { parts.append(counted(errors, "error")) }
        if warnings > 0 { parts.append(counted(warnings, "warning")) }
        return parts.isEmpty ? nil : parts.joined(separator: ", ")
    }

    /// Whether `!` has anything to list: problems of the files, or of a draft that did not pass.
    static func any(_ state: AppState) -> Bool {
        !state.workspace.diagnostics.isEmpty || !state.draftProblems.isEmpty
    }

    /// The list over the panes: one problem each, in full (long ones wrap), those of unsaved
    /// drafts first; ⏎ opens its file in `$EDITOR` at its line, as `e` would (a read-only studio
    /// lists them only; the secrets file is not opened), or reopens the draft.
    static func choice(_ state: AppState) -> Choice? {
        let drafts = state.draftProblems.values.sorted { $0.path < $1.path }
        let draftSummary = summary(of: drafts.flatMap(\.problems)).map { "unsaved draft: " + $0 }
        let parts = [summary(state.workspace), draftSummary].compactMap(\.self)
        guard !parts.isEmpty else { return nil }
        let options = sorted(state.workspace).map { problem in
            let label = SecretDisplay.hiding(state.secretValues, in: problem.description)
            if state.readonly {
                return Choice.Option(
                    label: label, then: .status(StatusMessage("read-only: files are not edited here", level: .warning)))
            }
            guard !problem.path.hasPrefix("/") else {
                return Choice.Option(
                    label: label, then: .status(StatusMessage("\(problem.path) is outside the workspace", level: .warning)))
            }
            // The studio would show the secrets; the file is edited outside it, and read again.
            guard problem.path != SecretsFile.path else {
                return Choice.Option(
                    label: label,
                    then: .status(StatusMessage("edit \(SecretsFile.path) outside the studio: it holds the secrets", level: .warning)))
            }
            let line = problem.line > 0 ? problem.line : nil
            return Choice.Option(
                label: label, effects: [.edit(path: problem.path, line: line)],
                then: .status(StatusMessage("editing \(problem.path)…")))
        }
        let dot = state.glyphs.dot
        return Choice(
            title: "Problems \(dot) " + parts.joined(separator: " \(dot) "), options: draftOptions(drafts, state: state) + options,
            wraps: true)
    }

    /// One option per problem of the unsaved drafts, marked `draft` (`draft of <file>` when it is
    /// in another file the draft breaks); ⏎ reopens the draft.
    private static func draftOptions(_ drafts: [DraftProblems], state: AppState) -> [Choice.Option] {
        drafts.flatMap { draft in
            draft.problems.map { problem in
                let marker = problem.path == draft.path ? "draft" : "draft of \(draft.path)"
                return Choice.Option(
                    label: "\(marker) \(state.glyphs.dot) " + SecretDisplay.hiding(state.secretValues, in: problem.description),
                    effects: [draft.reopen(at: problem)], then: .status(StatusMessage("editing the draft of \(draft.path)…")))
            }
        }
    }
}

/// The problems of a changed text the studio did not save because it did not pass its checks,
/// all of them, as `hookline validate` would list them once saved: the hint row names the first.
public struct DraftProblems: Sendable, Equatable {
    /// The file the text was for; its draft is kept in `.hookline/drafts/`.
    public var path: String
    /// In this file or in others the change breaks; empty when the text passed.
    public var problems: [Diagnostic]
    /// What `n` was creating, when the file is not there yet: its draft is reopened with `n`'s.
    public var created: DefinitionSkeleton.Kind?

    public init(path: String, problems: [Diagnostic], created: DefinitionSkeleton.Kind? = nil) {
        self.path = path
        self.problems = problems
        self.created = created
    }

    /// Opens the draft again in `$EDITOR`, at the line of `problem` when it is in the draft itself.
    func reopen(at problem: Diagnostic) -> Effect {
        if let created { return .create(created) }
        return .edit(path: path, line: problem.path == path && problem.line > 0 ? problem.line : nil)
    }
}
