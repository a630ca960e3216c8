extension Workspace {
    /// This workspace without the workflows whose file has an error (what `hookline validate`
    /// exits 65 for): such a workflow would run without the step, delay, branch or condition that
    /// is wrong, as the loader keeps what it could read of it for the studio to show. Their
    /// source paths and the diagnostics stay, so a command can say which file to fix.
    /// A workflow kept as it last loaded well (``lastGoodWorkflowIDs``) runs.
    public var runnable: Workspace {
        let broken = Set(errors.map(\.path))
        func isBroken(_ workflow: Workflow) -> Bool {
            broken.contains(sourcePaths.workflows[workflow.id] ?? "") && !lastGoodWorkflowIDs.contains(workflow.id)
        }
        guard workflows.contains(where: isBroken) else { return self }
        var runnable = self
        runnable.workflows.removeAll(where: isBroken)
        return runnable
    }

    /// The file of workflow `id` when it is there but does not run because it has an error: the
    /// path the loader read it from, or `workflows/<id>.yaml` (`.yml`) when it could not read it.
    public func brokenWorkflowPath(_ id: String) -> String? {
        let broken = Set(errors.map(\.path))
        let candidates = [sourcePaths.workflows[id]].compactMap(\.self)
            + WorkspaceLoader.definitionExtensions.map { "workflows/\(id)\($0)" }
        return candidates.first(where: broken.contains)
    }
}
