/// Where a reader on another thread (the studio's UI loop) gets the workspace loaded again after
/// its files changed on disk; the engine's `WorkspaceWatcher` is one.
public protocol WorkspaceChangeSource: AnyObject, Sendable {
    /// The reloads since the last call, merged into one (``WorkspaceReload/merged(with:)``), or nil.
    func take() -> WorkspaceReload?

    /// Registers the one reader's wake-up; it is called from any thread when a reload, or a
    /// store problem, is waiting.
    func onAvailable(_ wake: @escaping @Sendable () -> Void)

    /// Why the workspace's store can no longer keep what is written to it (its file was
    /// removed, say), once: when that was found since the last call; else nil.
    func takeStoreProblem() -> String?
}

extension WorkspaceChangeSource {
    /// Nil: a source that does not look at the store finds no problem with it.
    public func takeStoreProblem() -> String? { nil }
}
