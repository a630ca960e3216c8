import Foundation
import StudioModel
import Synchronization

/// Polls a workspace folder's definition files and secrets file (``DefinitionFiles``) — path,
/// size and modification time, once a second by default — and when one was added, changed or
/// removed, loads the workspace again on its own queue and holds the reload for its reader, whom
/// it wakes. Given a store to watch, it also looks each time whether the store's file is still
/// the one opened and sound (``SQLiteStateStore/problem``), and holds the first problem found
/// for its reader too.
///
/// ```swift
/// let watcher = WorkspaceWatcher(root: root, since: filesAtLoad, store: { engine.storeProblem })
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
        /// The store's problem, until taken; once found, the store is not looked at again.
        var storeProblem: StoreError?
        var storeProblemFound = false
    }

    private let root: URL
    private let storeProblem: (@Sendable () -> StoreError?)?
    private let state: Mutex<State>
    private let timer: any DispatchSourceTimer

    /// Starts polling `root` at once.
    /// - Parameters:
    ///   - files: The files as the workspace in use was loaded from them (scanned before loading
    ///     it, so that no change is missed); nil scans them now.
    ///   - interval: Time between looks. Default: 1 s.
    ///   - store: What is wrong with the workspace's store, asked at each look
    ///     (``Engine/storeProblem``); nil does not look at the store.
    public init(
        root: URL, since files: DefinitionFiles? = nil, interval: DispatchTimeInterval = .seconds(1),
        store: (@Sendable () -> StoreError?)? = nil
    ) {
        self.root = root
        storeProblem = store
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
            return state.pending != nil || state.storeProblem != nil
        }
        if waiting { wake() }
    }

    public func takeStoreProblem() -> String? {
        state.withLock { state in
            defer { state.storeProblem = nil }
            return state.storeProblem.map(\.description)
        }
    }

    private func look() {
        lookAtStore()
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

    /// Holds the store's problem, when there is one for the first time, and wakes the reader.
    private func lookAtStore() {
        guard let storeProblem, !state.withLock({ $0.storeProblemFound }), let problem = storeProblem() else { return }
        let wake = state.withLock { state in
            state.storeProblem = problem
            state.storeProblemFound = true
            return state.wake
        }
        wake?()
    }
}
