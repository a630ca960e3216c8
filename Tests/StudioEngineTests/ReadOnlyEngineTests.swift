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

    /// With nothing stored yet, the read-only engine shows an empty store kept in memory: an
    /// empty file stays 0 bytes, with no log or lock file beside it, and a missing one is not
    /// made; a read-only open made either a new ~90 KB store.
    @Test(arguments: [true, false])
    func aReadOnlyEngineLeavesAnEmptyOrMissingStoreFileAsItIs(fileThere: Bool) async throws {
        let folder = try EngineFixtures.temporaryDirectory()
        let storePath = folder.appendingPathComponent("state.sqlite").path
        if fileThere { try Data().write(to: URL(fileURLWithPath: storePath)) }

        let engine = try Engine(
            workspace: EngineFixtures.workspace(baseURL: "http://127.0.0.1:9"), secrets: [:],
            configuration: .init(storePath: storePath, readonly: true))
        #expect(try engine.store.attempts(matching: AttemptFilter(limit: 10)).isEmpty)
        #expect(await engine.shutdown() == 0)

        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path)
        #expect(files == (fileThere ? ["state.sqlite"] : []))
        if fileThere { #expect(try Data(contentsOf: URL(fileURLWithPath: storePath)).isEmpty) }
        #expect(throws: StoreError.self) { try SQLiteStateStore(path: storePath, readonly: true) }
    }
}
