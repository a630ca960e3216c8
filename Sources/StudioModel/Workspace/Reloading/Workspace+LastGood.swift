extension Workspace {
    /// A workspace just loaded, with the running definitions it lacked only because their file is broken.
    public struct LastGood: Sendable, Hashable {
        public var workspace: Workspace
        /// What was carried over from the running workspace, workflows first.
        public var kept: [KeptDefinition]
    }

    /// This workspace, just loaded again, with every workflow, webhook and system webhook of
    /// `running` that it lacks because the file defining it (in `running`'s source paths) now has
    /// an error — it does not parse, cannot be read, or no longer validates — kept as it was; and
    /// `running`'s settings while `hookline.yaml` has an error.
    ///
    /// A file being edited or pulled is often broken for a moment; its definition keeps running
    /// until the file loads again, instead of every delivery to it failing as "not defined".
    /// A definition whose file was deleted, or now loads under another id, is not kept.
    /// Kept definitions take their place in file order, and their source paths with them.
    public func keepingLastGood(from running: Workspace) -> LastGood {
        var result = self
        func error(in path: String) -> Diagnostic? {
            diagnostics.first { $0.path == path && $0.severity == .error }
        }
        var kept = Self.carry(
            .workflow, running.workflows, paths: running.sourcePaths.workflows, into: &result.workflows,
            loadedPaths: &result.sourcePaths.workflows, error: error)
        kept += Self.carry(
            .webhook, running.webhooks, paths: running.sourcePaths.webhooks, into: &result.webhooks,
            loadedPaths: &result.sourcePaths.webhooks, error: error)
        kept += Self.carry(
            .systemWebhook, running.systemWebhooks, paths: running.sourcePaths.systemWebhooks,
            into: &result.systemWebhooks, loadedPaths: &result.sourcePaths.systemWebhooks, error: error)
        // The executor keeps the settings it started with; the name and the rest shown beside it
        // stay too while the settings file is broken.
        if error(in: WorkspaceLoader.settingsPath) != nil { result.settings = running.settings }
        return LastGood(workspace: result, kept: kept)
    }

    /// Puts each of `running` that `loaded` lacks and whose file has an error back into `loaded`,
    /// before the first definition from a later file (the loader's order).
    private static func carry<Definition: Identifiable>(
        _ kind: KeptDefinition.Kind, _ running: [Definition], paths: [String: String], into loaded: inout [Definition],
        loadedPaths: inout [String: String], error: (String) -> Diagnostic?
    ) -> [KeptDefinition] where Definition.ID == String {
        var kept: [KeptDefinition] = []
        let present = Set(loaded.map(\.id))
        for definition in running where !present.contains(definition.id) {
            guard let path = paths[definition.id], let problem = error(path) else { continue }
            let position = loaded.firstIndex { (loadedPaths[$0.id] ?? "") > path } ?? loaded.endIndex
            loaded.insert(definition, at: position)
            loadedPaths[definition.id] = path
            kept.append(KeptDefinition(kind: kind, id: definition.id, problem: problem))
        }
        return kept
    }
}
