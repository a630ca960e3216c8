import Foundation
import StudioEngine
import StudioModel
import Testing

/// delivery.md §8.10: logs are kept 30 days, held messages 14 days.
struct RetentionTests {
    @Test func pruningDropsOldAttemptsAndSettledDeliveriesAndFailsLongHeldOnes() throws {
        let store = try SQLiteStateStore()
        let now = Date()
        let old = now.addingTimeInterval(-40 * 86_400)
        _ = try store.recordAttempts([
            AttemptRecord(startedAt: old, deliveryID: "msg_old", method: "POST", url: "https://x.test", outcome: .success),
            AttemptRecord(startedAt: now, deliveryID: "msg_new", method: "POST", url: "https://x.test", outcome: .success),
        ])
        func delivery(_ id: String, _ status: OutboxDelivery.Status, at date: Date) -> OutboxDelivery {
            OutboxDelivery(
                id: id, kind: .step, webhookID: "w", snapshot: DeliverySnapshot(now: date), status: status,
                nextAttemptAt: date, createdAt: date)
        }
        try store.enqueueDeliveries(
            [
                delivery("msg_done_old", .succeeded, at: old), delivery("msg_done_new", .succeeded, at: now),
                delivery("msg_retrying_old", .retrying, at: old), delivery("msg_held_old", .held, at: old),
                delivery("msg_held_new", .held, at: now),
            ], journeys: [])

        let deleted = try store.prune(
            before: now.addingTimeInterval(-30 * 86_400), heldBefore: now.addingTimeInterval(-14 * 86_400))

        #expect(deleted == 2)
        #expect(try store.attempts(matching: AttemptFilter()).map(\.deliveryID) == ["msg_new"])
        #expect(try store.delivery(id: "msg_done_old") == nil)
        #expect(try store.delivery(id: "msg_done_new")?.status == .succeeded)
        #expect(try store.delivery(id: "msg_retrying_old")?.status == .retrying, "unsettled work is never pruned")
        #expect(try store.delivery(id: "msg_held_old")?.status == .failed)
        #expect(try store.delivery(id: "msg_held_new")?.status == .held)
    }
}
