import Foundation
import Logging
import StudioModel

/// Writes new outbox deliveries in batches and lets each sender continue once its row is
/// committed: a delivery is never sent before it is stored.
final class OutboxWriter: Sendable {
    private struct Entry: Sendable {
        var delivery: OutboxDelivery
        var journey: JourneyRecord?
        var committed: CheckedContinuation<Void, Never>
    }

    private let writer: BatchWriter<Entry>

    init(store: any StateStore, logger: Logger) {
        // A short interval: senders wait for the commit, and whatever arrives meanwhile joins the batch.
        writer = BatchWriter(label: "hookline.outbox", interval: .milliseconds(1)) { batch in
            do {
                try store.enqueueDeliveries(batch.map(\.delivery), journeys: batch.compactMap(\.journey))
            } catch {
                // Sending anyway keeps the workflow going; only the restart guarantee is lost.
                logger.error("could not store \(batch.count) outbox deliveries: \(error)")
            }
            for entry in batch { entry.committed.resume() }
        }
    }

    /// Stores `delivery` (and the journey's state at its step) and returns once committed.
    func enqueue(_ delivery: OutboxDelivery, journey: JourneyRecord?) async {
        await withCheckedContinuation { continuation in
            writer.append(Entry(delivery: delivery, journey: journey, committed: continuation))
        }
    }
}
