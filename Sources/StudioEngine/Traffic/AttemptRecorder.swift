import Foundation
import Logging
import StudioModel

/// Writes attempts to the store in batches, then publishes the stored copies to the feed.
///
/// Storing first means the traffic pane never shows an attempt that is not in the store.
/// Batching turns thousands of attempts per second into a few transactions.
public final class AttemptRecorder: Sendable {
    private let writer: BatchWriter<AttemptRecord>

    /// - Parameter interval: Longest time an attempt waits before it is written. Default: 20 ms.
    public init(
        store: any StateStore, feed: TrafficFeed, interval: DispatchTimeInterval = .milliseconds(20),
        logger: Logger = Logger(label: "hookline.recorder")
    ) {
        writer = BatchWriter(label: "hookline.attempt-recorder", interval: interval) { batch in
            do {
                feed.publish(try store.recordAttempts(batch))
            } catch {
                logger.error("could not store \(batch.count) attempts: \(error)")
                feed.publish(batch)
            }
        }
    }

    public func record(_ attempt: AttemptRecord) {
        writer.append(attempt)
    }

    /// Writes everything still waiting before returning.
    public func flush() {
        writer.flush()
    }
}
