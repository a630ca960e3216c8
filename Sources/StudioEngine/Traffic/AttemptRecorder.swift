import Foundation
import Logging
import StudioModel

/// Writes attempts and the delivery settlements they cause to the store in batches, then
/// publishes the stored attempts to the feed.
///
/// Storing first means the traffic pane never shows an attempt that is not in the store.
/// An attempt and the outbox update it causes share one transaction. Batching turns thousands
/// of attempts per second into a few transactions. A batch the store does not take (a full
/// disk) is kept and written later, in order, once it does; `health` says meanwhile that it
/// waits.
public final class AttemptRecorder: Sendable {
    private struct Entry: Sendable {
        var attempt: AttemptRecord?
        var settlement: DeliverySettlement?
    }

    private let writer: BatchWriter<Entry>

    /// - Parameters:
    ///   - interval: Longest time an attempt waits before it is written. Default: 20 ms.
    ///   - health: Told when the store does not take a batch, and when it does again.
    public init(
        store: any StateStore, feed: TrafficFeed, interval: DispatchTimeInterval = .milliseconds(20),
        health: StoreHealth = StoreHealth()
    ) {
        writer = BatchWriter(
            label: "hookline.attempt-recorder", interval: interval, records: .attempts, health: health
        ) { batch in
            // Handed over whole: the store sets the ids in place.
            let attempts = batch.compactMap(\.attempt)
            feed.publish(try store.recordAttempts(consume attempts, settling: batch.compactMap(\.settlement)))
        }
    }

    /// Records an attempt and, for an outbox delivery, what it means for the delivery.
    public func record(_ attempt: AttemptRecord, settling settlement: DeliverySettlement? = nil) {
        writer.append(Entry(attempt: attempt, settlement: settlement))
    }

    /// Records a delivery's new status when no attempt was made (held, cancelled).
    public func settle(_ settlement: DeliverySettlement) {
        writer.append(Entry(attempt: nil, settlement: settlement))
    }

    /// Writes everything still waiting before returning.
    /// - Returns: How many attempts and settlements are still waiting because the store did not
    ///   take them.
    @discardableResult
    public func flush() -> Int {
        writer.flush()
    }
}
