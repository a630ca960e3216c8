import Foundation
import GRDB
import StudioEngine
import StudioModel
import Testing

/// An event's data fields keep the type they were first tracked with, per event name, as
/// Iterable's do ("cannot be changed for user and event fields once set"): `amount` could be 5,
/// then "five", then `true`, each answered Success.
struct EventFieldTypesTests {
    @Test func aDataFieldKeepsItsTypeForItsEventNameAndACoercibleValueIsStoredAsIt() async throws {
        let folder = try EngineFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("state.sqlite").path
        let ingest = try await IngestTestServer.start(storePath: path)
        func track(_ name: String, _ amount: String) async throws -> (status: UInt, answer: JSONValue) {
            try await ingest.post(
                "/api/events/track", #"{"email": "ada@example.com", "eventName": "\#(name)", "dataFields": {"amount": \#(amount)}}"#)
        }
        #expect(try await track("purchase", "5").0 == 200)
        #expect(try await track("purchase", #""6""#).0 == 200)
        let (refused, answer) = try await track("purchase", #""five""#)
        #expect(refused == 400)
        #expect(
            answer["msg"]
                == "event 'purchase': field 'amount' has type number and keeps it: a value of type string cannot be stored in it (null clears it)")
        #expect(try await track("purchase", "true").0 == 400)
        // Another event's field of the same name is its own.
        #expect(try await track("refund", #""five""#).0 == 200)

        let (bulk, bulkAnswer) = try await ingest.post(
            "/api/events/trackBulk",
            #"{"events": [{"email": "bob@example.com", "eventName": "purchase", "dataFields": {"amount": 7}}, {"email": "bob@example.com", "eventName": "purchase", "dataFields": {"amount": [1]}}]}"#)
        #expect(bulk == 400)
        #expect(bulkAnswer["msg"]?.stringValue?.hasPrefix("none of the 2 events was stored: event 'purchase'") == true)

        try await ingest.shutdown()
        let stored = try await DatabaseQueue(path: path).read { db in
            try String.fetchAll(db, sql: "SELECT dataFields FROM event WHERE name = 'purchase' ORDER BY id")
        }
        #expect(stored == [#"{"amount":5}"#, #"{"amount":6}"#])
    }

    /// Migration `v10-event-field-types` reads the types most stored events of each name hold.
    @Test func theTypesAreReadFromTheStoredEventsOnce() async throws {
        let path = try await EngineFixtures.storeBefore(
            migrations: ["v10-event-field-types"], dropping: ["eventField"],
            rows: """
                INSERT INTO event (email, name, dataFields, createdAt) VALUES
                  ('ada@example.com', 'purchase', '{"amount":5,"sku":"a"}', '2026-01-01 00:00:00.000'),
                  ('bob@example.com', 'purchase', '{"amount":6.5}', '2026-01-01 00:00:00.000'),
                  ('eve@example.com', 'purchase', '{"amount":"x"}', '2026-01-01 00:00:00.000'),
                  ('eve@example.com', 'refund', '{"amount":"x"}', '2026-01-01 00:00:00.000');
                """)
        let store = try SQLiteStateStore(path: path)
        #expect(try store.eventFieldTypes("purchase", of: ["amount", "sku", "none"]) == ["amount": .number, "sku": .string])
        #expect(try store.eventFieldTypes("refund", of: ["amount"]) == ["amount": .string])
    }
}
