/// Where a reader on another thread (the studio's UI loop) gets the workspace loaded again after
/// its files changed on disk; the engine's `WorkspaceWatcher` is one.
public protocol WorkspaceChangeSource: AnyObject, Sendable {
    /// The reloads since the last call, merged into one (``WorkspaceReload/merged(with:)``), or nil.
    func take() -> WorkspaceReload?

    /// Registers the one reader's wake-up; it is called from any thread when a reload is waiting.
    func onAvailable(_ wake: @escaping @Sendable () -> Void)
}
