import Foundation
import StudioModel
import Synchronization

/// Polls a workspace folder's definition files and secrets file (``DefinitionFiles``) — path,
/// size and modification time, once a second by default — and when one was added, changed or
/// removed, loads the workspace again on its own queue and holds the reload for its reader, whom
/// it wakes.
///
/// ```swift
/// let watcher = WorkspaceWatcher(root: root, since: filesAtLoad)
/// watcher.onAvailable { if let reload = watcher.take() { engine.apply(reload.workspace) } }
/// defer { watcher.stop() }
/// ```
// @unchecked because of `timer`: Dispatch sources are thread-safe but not marked Sendable.
public final class WorkspaceWatcher: WorkspaceChangeSource, @unchecked Sendable {
    private struct State {
        /// The files as the last reload (or the first load) read them.
        var files: DefinitionFiles
        var pending: WorkspaceReload?
        var wake: (@Sendable () -> Void)?
    }

    private let root: URL
    private let state: Mutex<State>
    private let timer: any DispatchSourceTimer

    /// Starts polling `root` at once.
    /// - Parameters:
    ///   - files: The files as the workspace in use was loaded from them (scanned before loading
    ///     it, so that no change is missed); nil scans them now.
    ///   - interval: Time between looks. Default: 1 s.
    public init(root: URL, since files: DefinitionFiles? = nil, interval: DispatchTimeInterval = .seconds(1)) {
        self.root = root
        state = Mutex(State(files: files ?? DefinitionFiles.scan(root: root)))
        timer = DispatchSource.makeTimerSource(queue: DispatchQueue(label: "hookline.workspace-watcher"))
        timer.schedule(deadline: .now() + interval, repeating: interval, leeway: .milliseconds(100))
        timer.setEventHandler { @Sendable [weak self] in self?.look() }
        timer.resume()
    }

    deinit { timer.cancel() }

    /// Stops polling; a reload already held can still be taken.
    public func stop() { timer.cancel() }

    public func take() -> WorkspaceReload? {
        state.withLock { state in
            defer { state.pending = nil }
            return state.pending
        }
    }

    public func onAvailable(_ wake: @escaping @Sendable () -> Void) {
        let waiting = state.withLock { state in
            state.wake = wake
            return state.pending != nil
        }
        if waiting { wake() }
    }

    private func look() {
        let now = DefinitionFiles.scan(root: root)
        let before = state.withLock { $0.files }
        guard now != before else { return }
        let workspace = WorkspaceLoader.load(from: root)
        // A file still being written may have been read half-way: read it again at the next
        // look, once the files hold still.
        guard DefinitionFiles.scan(root: root) == now else { return }
        let reload = WorkspaceReload(workspace: workspace, changedPaths: now.changedPaths(since: before), files: now)
        let wake = state.withLock { state in
            state.files = now
            state.pending = state.pending.map { $0.merged(with: reload) } ?? reload
            return state.wake
        }
        wake?()
    }
}
