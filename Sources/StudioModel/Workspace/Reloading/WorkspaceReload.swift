/// A workspace loaded again because its definition files changed on disk (an editor, a
/// `git pull`), with which files changed.
public struct WorkspaceReload: Sendable, Hashable {
    /// The workspace as loaded, before any last good definition is carried over
    /// (``Workspace/keepingLastGood(from:)``).
    public var workspace: Workspace
    /// The files added, changed or removed since the previous load, relative to the root, sorted.
    public var changedPaths: [String]
    /// The files as they were when ``workspace`` was read from them.
    public var files: DefinitionFiles

    public init(workspace: Workspace, changedPaths: [String], files: DefinitionFiles) {
        self.workspace = workspace
        self.changedPaths = changedPaths
        self.files = files
    }

    /// This reload followed by `later`: the later workspace, and every file either changed.
    public func merged(with later: WorkspaceReload) -> WorkspaceReload {
        WorkspaceReload(
            workspace: later.workspace, changedPaths: Array(Set(changedPaths).union(later.changedPaths)).sorted(),
            files: later.files)
    }

    /// The first error of each file that has one, in path order: what makes it broken. A file
    /// that did not change can be among them, such as a workflow calling a webhook whose file was
    /// deleted.
    public var brokenFiles: [Diagnostic] {
        var seen: Set<String> = []
        return workspace.errors.filter { seen.insert($0.path).inserted }.sorted { $0.path < $1.path }
    }

    /// One line for a log: what was reloaded, the first error of each broken file
    /// (`path:line:col: error: …`) and the definitions kept running in spite of it.
    ///
    ///     reloaded webhooks/bi-events.yaml; webhooks/bi-events.yaml:4:9: error: …; the last good webhook bi-events keeps running
    public func summary(kept: [KeptDefinition]) -> String {
        (["reloaded " + changedPaths.joined(separator: ", ")] + brokenFiles.map(\.description) + kept.map(\.description))
            .joined(separator: "; ")
    }
}
