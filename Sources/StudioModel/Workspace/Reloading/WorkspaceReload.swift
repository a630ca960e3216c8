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

    /// Of ``changedPaths``, the files that are no longer there, sorted.
    public var removedPaths: [String] { changedPaths.filter { files.stamps[$0] == nil } }

    /// Of ``changedPaths``, the files added or changed, sorted.
    public var reloadedPaths: [String] { changedPaths.filter { files.stamps[$0] != nil } }

    /// One line for a log: what was reloaded, what was removed, the first error of each broken
    /// file (`path:line:col: error: …`) and the definitions kept running in spite of it.
    ///
    ///     reloaded webhooks/bi-events.yaml; webhooks/bi-events.yaml:4:9: error: …; the last good webhook bi-events keeps running
    ///     removed workflows/welcome.yaml, webhooks/letter.yaml
    public func summary(kept: [KeptDefinition]) -> String {
        var parts: [String] = []
        if !reloadedPaths.isEmpty { parts.append("reloaded " + reloadedPaths.joined(separator: ", ")) }
        if !removedPaths.isEmpty { parts.append("removed " + removedPaths.joined(separator: ", ")) }
        return (parts + brokenFiles.map(\.description) + kept.map(\.description)).joined(separator: "; ")
    }
}
