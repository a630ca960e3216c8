import StudioModel

extension Engine {
    /// Runs from each workspace `changes` loads again from now on, as `hookline serve` does while
    /// its files are edited: a definition whose file is broken keeps running as it last loaded
    /// (``apply(_:)``). `report` gets one line per reload (``WorkspaceReload/summary(kept:)``),
    /// on the thread that woke the reader.
    public func follow(_ changes: any WorkspaceChangeSource, report: @escaping @Sendable (String) -> Void) {
        changes.onAvailable { [weak changes, self] in
            guard let reload = changes?.take() else { return }
            report(reload.summary(kept: apply(reload.workspace)))
        }
    }
}
