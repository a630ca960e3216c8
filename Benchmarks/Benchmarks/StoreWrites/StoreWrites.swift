import Benchmark
import Foundation
import StudioEngine
import StudioModel

/// The SQLite writes and reads one delivery of `hookline run` makes, each in the batch size
/// the executor uses: the store's share of compare-wrk.sh's per-delivery cost, measured alone.
/// One iteration is one batch; divide by the batch size for the cost per delivery. The records
/// are made in `setup`, outside the measurement.
///
///   cd Benchmarks && swift package --disable-sandbox benchmark --target StoreWrites
let benchmarks: @Sendable () -> Void = {
    // Each iteration writes new rows, made beforehand in `setup`: one batch per iteration,
    // warm-up included.
    let batches = 210
    let configuration = Benchmark.Configuration(
        metrics: [.wallClock, .throughput, .mallocCountTotal], warmupIterations: 1, maxDuration: .seconds(5),
        maxIterations: batches - 10)

    Benchmark("Outbox rows, 32 per transaction (before each send)", configuration: configuration) {
        (benchmark: Benchmark, fixture: StoreFixture) in
        for _ in benchmark.scaledIterations {
            try fixture.store.enqueueDeliveries(fixture.nextBatch().deliveries, journeys: [])
        }
    } setup: {
        try StoreFixture(batches: batches, size: 32)
    }

    Benchmark("Attempts with their settlements, 256 per transaction", configuration: configuration) {
        (benchmark: Benchmark, fixture: StoreFixture) in
        for _ in benchmark.scaledIterations {
            let batch = fixture.nextBatch()
            blackHole(try fixture.store.recordAttempts(batch.attempts, settling: batch.settlements))
        }
    } setup: {
        let fixture = try StoreFixture(batches: batches, size: 256)
        // The rows the attempts settle.
        try fixture.store.enqueueDeliveries(fixture.batches.flatMap(\.deliveries), journeys: [])
        return fixture
    }

    Benchmark("Journeys, 256 per transaction", configuration: configuration) {
        (benchmark: Benchmark, fixture: StoreFixture) in
        for _ in benchmark.scaledIterations {
            try fixture.store.saveJourneys(fixture.nextBatch().journeys)
        }
    } setup: {
        try StoreFixture(batches: batches, size: 256)
    }

    Benchmark("Profiles, 32 per read", configuration: configuration) { (benchmark: Benchmark, fixture: StoreFixture) in
        for _ in benchmark.scaledIterations {
            blackHole(try fixture.store.users(emails: fixture.nextBatch().deliveries.compactMap(\.email)))
        }
    } setup: {
        let fixture = try StoreFixture(batches: batches, size: 32)
        try fixture.store.saveUsers(fixture.batches.flatMap(\.deliveries).map { delivery in
            var profile = delivery.snapshot.profile
            profile["email"] = delivery.email.map(JSONValue.string)
            return profile
        })
        return fixture
    }
}

/// A fresh store in a temporary folder, and batches of records shaped like compare-wrk.sh's.
final class StoreFixture: @unchecked Sendable {
    struct Batch {
        var journeys: [JourneyRecord] = []
        var deliveries: [OutboxDelivery] = []
        var attempts: [AttemptRecord] = []
        var settlements: [DeliverySettlement] = []
    }

    let store: SQLiteStateStore
    let batches: [Batch]
    private var next = 0

    init(batches count: Int, size: Int) throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("hookline-store-writes-\(UUID())")
        store = try SQLiteStateStore(path: folder.appendingPathComponent("state.sqlite").path)
        // About the size of bench_workspace.py's profiles: 12 short fields and an email.
        var fields: [(String, JSONValue)] = [("email", .string("user@example.com"))]
        for index in 0..<12 { fields.append(("field\(index)", .string(String(repeating: "v", count: 25)))) }
        let profile = JSONObject(fields)
        let body = String(repeating: "b", count: 353)
        let now = Date()
        var user = 0
        batches = (0..<count).map { _ in
            var batch = Batch()
            for _ in 0..<size {
                user += 1
                let email = "user\(user)@example.com"
                let journey = JourneyRecord(
                    id: DeliveryID.ulid(), workflowID: "bench", email: email, nodeID: "call", status: .running)
                let delivery = OutboxDelivery(
                    id: DeliveryID.make(), kind: .step, journeyID: journey.id, workflowID: "bench", nodeID: "call",
                    webhookID: "bench-hook", email: email,
                    snapshot: DeliverySnapshot(
                        profile: profile, liveData: JSONObject([("workflowName", .string("Bench"))]), now: now),
                    status: .sending, nextAttemptAt: now, leaseOwner: "bench:1", leaseUntil: now + 45)
                batch.journeys.append(journey)
                batch.deliveries.append(delivery)
                batch.attempts.append(
                    AttemptRecord(
                        startedAt: now, deliveryID: delivery.id, workflowID: "bench", nodeID: "call",
                        webhookID: "bench-hook", userEmail: email, method: "POST", url: "http://127.0.0.1:8080/hook",
                        requestHeaders: [
                            HeaderField("Content-Type", "application/json"), HeaderField("User-Agent", "Hookline/1.0"),
                            HeaderField("webhook-id", delivery.id), HeaderField("Idempotency-Key", delivery.id),
                        ],
                        requestBody: body, status: 204,
                        responseHeaders: [
                            HeaderField("Server", "nginx"), HeaderField("Date", "Sun, 29 Nov 2026 10:00:00 GMT"),
                        ],
                        latencyMilliseconds: 2.5, outcome: .success))
                batch.settlements.append(DeliverySettlement(deliveryID: delivery.id, status: .succeeded, attempts: 1))
            }
            return batch
        }
    }

    /// The next batch not written yet; `maxIterations` keeps the benchmark within the batches made.
    func nextBatch() -> Batch {
        defer { next += 1 }
        return batches[next % batches.count]
    }
}
