import Synchronization

/// Actions posted from other threads (answers to commands), taken by the UI loop.
final class ActionInbox: Sendable {
    private let actions = Mutex<[Action]>([])

    func post(_ action: Action) { actions.withLock { $0.append(action) } }

    func take() -> [Action] {
        actions.withLock { actions in
            defer { actions.removeAll() }
            return actions
        }
    }
}
