import Foundation
import StudioEngine
import StudioModel
import Synchronization
import Testing

struct TrafficFeedTests {
    private func record(_ n: Int) -> AttemptRecord {
        AttemptRecord(startedAt: Date(timeIntervalSince1970: Double(n)), deliveryID: "msg_\(n)", method: "POST", url: "http://127.0.0.1/x", outcome: .success)
    }

    @Test func drainReturnsRecordsOnceInOrder() {
        let feed = TrafficFeed()
        feed.publish([record(1), record(2)])
        feed.publish([record(3)])
        #expect(feed.drain().records.map(\.deliveryID) == ["msg_1", "msg_2", "msg_3"])
        #expect(feed.drain().records.isEmpty)
    }

    @Test func aSlowReaderLosesTheOldestRecordsAndIsToldHowMany() {
        let feed = TrafficFeed(capacity: 3)
        feed.publish((1...5).map(record))
        let batch = feed.drain()
        #expect(batch.records.map(\.deliveryID) == ["msg_3", "msg_4", "msg_5"])
        #expect(batch.dropped == 2)
    }

    @Test func theReaderIsWokenWhenRecordsArrive() async {
        let feed = TrafficFeed(batchWindow: .milliseconds(1))
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let once = Mutex(Optional(continuation))
            feed.onAvailable { once.withLock { $0.take() }?.resume() }
            feed.publish([record(1)])
        }
        #expect(feed.drain().records.count == 1)
    }
}
