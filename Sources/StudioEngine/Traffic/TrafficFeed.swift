import Foundation
import StudioModel
import Synchronization

/// The thread-safe hand-off from the engine to readers such as the studio's traffic pane.
///
/// Publishers append stored attempts; one reader drains them in batches. The buffer is bounded:
/// when the reader falls behind, the oldest records are dropped and counted, so memory stays
/// flat however fast traffic flows. The reader is woken at most once per `batchWindow`.
///
/// ```swift
/// let feed = TrafficFeed()
/// feed.onAvailable { wakeUIThread() }
/// let batch = feed.drain()   // on the UI thread
/// ```
public final class TrafficFeed: TrafficSource {
    private struct State {
        /// Records not yet drained are `pending[head...]`: dropping the oldest only moves `head`,
        /// so a feed nobody drains (`hookline run`) costs no copying per batch.
        var pending: [AttemptRecord] = []
        var head = 0
        var dropped = 0
        var wake: (@Sendable () -> Void)?
        var wakeScheduled = false
        var observers: [@Sendable ([AttemptRecord]) -> Void] = []
    }

    private let state = Mutex(State())
    private let capacity: Int
    private let batchWindow: DispatchTimeInterval
    private let wakeQueue = DispatchQueue(label: "hookline.traffic-feed.wake")

    /// - Parameters:
    ///   - capacity: Records held for a reader that has not drained yet. Default: 10,000.
    ///   - batchWindow: Minimum time between wake-ups. Default: 50 ms.
    public init(capacity: Int = 10_000, batchWindow: DispatchTimeInterval = .milliseconds(50)) {
        self.capacity = capacity
        self.batchWindow = batchWindow
    }

    /// Appends records and schedules a wake-up of the reader.
    public func publish(_ records: [AttemptRecord]) {
        guard !records.isEmpty else { return }
        let (wake, observers) = state.withLock { state -> ((@Sendable () -> Void)?, [@Sendable ([AttemptRecord]) -> Void]) in
            if capacity == 0 {
                // Holding nothing (`hookline run` observes instead): every record is dropped, uncopied.
                state.dropped += records.count
            } else {
                state.pending.append(contentsOf: records)
                let held = state.pending.count - state.head
                if held > capacity {
                    let excess = held - capacity
                    state.head += excess
                    state.dropped += excess
                }
                if state.head > 0, state.head >= capacity {
                    state.pending.removeFirst(state.head)
                    state.head = 0
                }
            }
            guard !state.wakeScheduled, let wake = state.wake else { return (nil, state.observers) }
            state.wakeScheduled = true
            return (wake, state.observers)
        }
        for observer in observers { observer(records) }
        if let wake {
            wakeQueue.asyncAfter(deadline: .now() + batchWindow) { [self] in
                state.withLock { $0.wakeScheduled = false }
                wake()
            }
        }
    }

    public func drain() -> TrafficBatch {
        state.withLock { state in
            defer {
                state.pending.removeAll(keepingCapacity: true)
                state.head = 0
                state.dropped = 0
            }
            let records = state.head == 0 ? state.pending : Array(state.pending[state.head...])
            return TrafficBatch(records: records, dropped: state.dropped)
        }
    }

    public func onAvailable(_ wake: @escaping @Sendable () -> Void) {
        let hasPending = state.withLock { state in
            state.wake = wake
            return state.pending.count > state.head
        }
        if hasPending { wake() }
    }

    /// Adds a listener that sees every published record synchronously, without draining
    /// (used by `hookline run` to print JSON Lines).
    public func observe(_ observer: @escaping @Sendable ([AttemptRecord]) -> Void) {
        state.withLock { $0.observers.append(observer) }
    }
}
