import Foundation
import StudioModel
import Testing

@testable import StudioEngine

/// The engine of a read-only studio: it opens the store for reading only, shows what the
/// workspace's executor stored, and writes nothing there, not even when it shuts down.
struct ReadOnlyEngineTests {
    @Test func aReadOnlyEngineReadsTheStoredTrafficAndNeverWritesTheStore() async throws {
        let storePath = try EngineFixtures.temporaryDirectory().appendingPathComponent("state.sqlite").path
        // What an executor left: a letter sent once, its delivery still unsettled.
        let letter = EngineFixtures.orphanedDelivery(journeyID: "j-1", user: EngineFixtures.users[0])
        do {
            let writer = try SQLiteStateStore(path: storePath)
            try writer.enqueueDeliveries([letter], journeys: [])
            var attempt = AttemptStoreTests.record
            attempt.deliveryID = letter.id
            _ = try writer.recordAttempts([attempt], settling: [])
        }
        let before = try Data(contentsOf: URL(fileURLWithPath: storePath))
        let capture = LogCapture()

        let engine = try Engine(
            workspace: EngineFixtures.workspace(baseURL: "http://127.0.0.1:9"), secrets: [:],
            configuration: .init(storePath: storePath, readonly: true), logger: capture.logger)
        #expect(try engine.store.attempts(matching: AttemptFilter(limit: 10)).map(\.deliveryID) == [letter.id])
        #expect(throws: (any Error).self, "the store was opened to write") {
            try engine.store.saveUsers([EngineFixtures.users[1]])
        }
        #expect(await engine.shutdown() == 0)

        #expect(capture.messages.isEmpty, "it tried to write: \(capture.messages)")
        #expect(engine.storeProblem == nil)
        #expect(try Data(contentsOf: URL(fileURLWithPath: storePath)) == before)
    }
}
