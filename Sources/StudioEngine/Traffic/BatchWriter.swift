import Foundation
import Synchronization

/// Collects items from any thread and hands them to `write` in batches, on one serial queue,
/// at most `interval` after the first item of a batch arrived.
final class BatchWriter<Item: Sendable>: Sendable {
    private struct State {
        var pending: [Item] = []
        var flushScheduled = false
    }

    private let state = Mutex(State())
    private let queue: DispatchQueue
    private let interval: DispatchTimeInterval
    private let write: @Sendable ([Item]) -> Void

    init(label: String, interval: DispatchTimeInterval, write: @escaping @Sendable ([Item]) -> Void) {
        self.queue = DispatchQueue(label: label)
        self.interval = interval
        self.write = write
    }

    func append(_ item: Item) {
        let schedule = state.withLock { state in
            state.pending.append(item)
            defer { state.flushScheduled = true }
            return !state.flushScheduled
        }
        if schedule {
            queue.asyncAfter(deadline: .now() + interval) { [self] in writePending() }
        }
    }

    /// Writes everything still waiting; returns after earlier batches are written.
    func flush() {
        queue.sync { writePending() }
    }

    private func writePending() {
        let batch = state.withLock { state in
            state.flushScheduled = false
            defer { state.pending.removeAll(keepingCapacity: true) }
            return state.pending
        }
        if !batch.isEmpty { write(batch) }
    }
}
