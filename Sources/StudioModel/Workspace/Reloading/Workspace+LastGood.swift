extension Workspace {
    /// A workspace just loaded, with the running definitions it lacked only because their file is broken.
    public struct LastGood: Sendable, Hashable {
        public var workspace: Workspace
        /// What was carried over from the running workspace, workflows first.
        public var kept: [KeptDefinition]
    }

    /// This workspace, just loaded again, with every workflow, webhook and system webhook of
    /// `running` that it lacks because the file defining it (in `running`'s source paths) now has
    /// an error — it does not parse, cannot be read, or no longer validates — kept as it was;
    /// every workflow that ran and now loads with an error (which does not run) in its place as
    /// it ran (``lastGoodWorkflowIDs``); and `running`'s settings while `hookline.yaml` has an error.
    ///
    /// A file being edited or pulled is often broken for a moment; its definition keeps running
    /// until the file loads again, instead of every delivery to it failing as "not defined".
    /// A definition whose file was deleted, or now loads under another id, is not kept.
    /// Kept definitions take their place in file order, and their source paths with them.
    public func keepingLastGood(from running: Workspace) -> LastGood {
        var result = self
        result.lastGoodWorkflowIDs = []
        func error(in path: String) -> Diagnostic? {
            diagnostics.first { $0.path == path && $0.severity == .error }
        }
        // Only a workflow that ran is kept: one whose file had an error already never did.
        let ran = running.runnable
        var kept = Self.keepInPlace(ran, in: &result, error: error)
        let carried = Self.carry(
            .workflow, ran.workflows, paths: ran.sourcePaths.workflows, into: &result.workflows,
            loadedPaths: &result.sourcePaths.workflows, error: error)
        result.lastGoodWorkflowIDs.formUnion(carried.map(\.id))
        kept += carried
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

    /// Puts back, where `loaded` has them, the workflows of `ran` that read from the same file but
    /// do not validate now (a step of an unknown type, a branch to no step): the loader keeps what
    /// it could read of them, which does not run, so the studio would show a tree that is not the
    /// one running. Returns those that differ from what was read; one the same as it ran (its error
    /// is in another file, a webhook it calls that is gone) runs on unreported.
    private static func keepInPlace(
        _ ran: Workspace, in loaded: inout Workspace, error: (String) -> Diagnostic?
    ) -> [KeptDefinition] {
        var kept: [KeptDefinition] = []
        for index in loaded.workflows.indices {
            let id = loaded.workflows[index].id
            guard let path = loaded.sourcePaths.workflows[id], let problem = error(path),
                ran.sourcePaths.workflows[id] == path, let lastGood = ran.workflow(id: id)
            else { continue }
            loaded.lastGoodWorkflowIDs.insert(id)
            guard loaded.workflows[index] != lastGood else { continue }
            loaded.workflows[index] = lastGood
            kept.append(KeptDefinition(kind: .workflow, id: id, problem: problem))
        }
        return kept
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
