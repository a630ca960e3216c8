import Foundation
import Synchronization

/// Collects items from any thread and hands them to `write` in batches, on one serial queue,
/// at most `interval` after the first item of a batch arrived.
///
/// A batch that cannot be written is kept, ahead of what arrives meanwhile, and tried again
/// after ``StoreRetryBackoff``'s wait; `health` hears of each run of failures and its end.
final class BatchWriter<Item: Sendable>: Sendable {
    private struct State {
        var pending: [Item] = []
        var flushScheduled = false
        var backoff = StoreRetryBackoff()
    }

    private let state = Mutex(State())
    private let queue: DispatchQueue
    private let interval: DispatchTimeInterval
    private let records: StoreHealth.Records
    private let health: StoreHealth
    private let write: @Sendable ([Item]) throws -> Void

    init(
        label: String, interval: DispatchTimeInterval, records: StoreHealth.Records, health: StoreHealth,
        write: @escaping @Sendable ([Item]) throws -> Void
    ) {
        self.queue = DispatchQueue(label: label)
        self.interval = interval
        self.records = records
        self.health = health
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

    /// Writes everything still waiting, trying a failing store once more now; returns after
    /// earlier batches are written.
    /// - Returns: How many items are still waiting because the store did not take them.
    @discardableResult
    func flush() -> Int {
        queue.sync {
            writePending()
            return state.withLock { $0.pending.count }
        }
    }

    private func writePending() {
        let batch = state.withLock { state in
            state.flushScheduled = false
            defer { state.pending.removeAll(keepingCapacity: true) }
            return state.pending
        }
        guard !batch.isEmpty else { return }
        do {
            try write(batch)
            if state.withLock({ $0.backoff.succeeded() }) { health.recovered(records, count: batch.count) }
        } catch {
            let (kept, wait, schedule) = state.withLock { state in
                state.pending.insert(contentsOf: batch, at: 0)
                defer { state.flushScheduled = true }
                return (state.pending.count, state.backoff.failed(), !state.flushScheduled)
            }
            health.failed(records, count: kept, error: error, retryIn: wait)
            if schedule {
                queue.asyncAfter(deadline: .now() + wait) { [self] in writePending() }
            }
        }
    }
}
