import StudioModel

/// The workspace's problems (`!`): what the loader found in its files, and what the engine's
/// save-time checks refuse, printed as `hookline validate` prints them (`path:line:col: error: …`).
/// A file with an error does not load, so without this list it would only be missing.
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
        let errors = workspace.errors.count
        let warnings = workspace.diagnostics.count - errors
        var parts: [String] = []
        if errors > 0 { parts.append(counted(errors, "error")) }
        if warnings > 0 { parts.append(counted(warnings, "warning")) }
        return parts.isEmpty ? nil : parts.joined(separator: ", ")
    }

    /// The list over the panes: one problem each, in full (long ones wrap); ⏎ opens its file in
    /// `$EDITOR` at its line, as `e` would (a read-only studio lists them only; the secrets file
    /// is not opened).
    static func choice(_ state: AppState) -> Choice? {
        guard let summary = summary(state.workspace) else { return nil }
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
        return Choice(title: "Problems \(state.glyphs.dot) \(summary)", options: options, wraps: true)
    }
}
