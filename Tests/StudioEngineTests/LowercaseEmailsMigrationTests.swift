import Foundation
import GRDB
import StudioEngine
import StudioModel
import Testing

/// Migration `v8-lowercase-emails` on a store file the previous version wrote: addresses that
/// differed only in case become one lowercase user, and nothing stored under either is lost.
struct LowercaseEmailsMigrationTests {
    /// A store file as the version before `v8-lowercase-emails` left it: v8 changes no table and
    /// v9 only adds `profileField`, so a current store without that table, whose record of
    /// migrations stops at `v7-event-id`, has the old schema, and the rows written here with raw
    /// SQL are the old data, mixed-case addresses included.
    private func oldStore(_ rows: String) async throws -> String {
        try await EngineFixtures.storeBefore(
            migrations: ["v8-lowercase-emails", "v9-profile-field-types"], dropping: ["profileField"], rows: rows)
    }

    private static let mixedCaseRows = """
        INSERT INTO user (email, profile) VALUES
          ('ada@example.com', '{"email":"ada@example.com","plan":"pro","age":36}'),
          ('Ada@Example.com', '{"email":"Ada@Example.com","plan":"free","city":"Oslo","tags":["new"]}'),
          ('ADA@EXAMPLE.COM', '{"email":"ADA@EXAMPLE.COM","city":"Paris","vip":true}'),
          ('Bob@Example.com', '{"email":"Bob@Example.com","name":"Bob"}'),
          ('ZOË@Example.com', '{"email":"ZOË@Example.com","name":"Zoë"}'),
          ('cy@example.com', '{"email":"cy@example.com"}');
        INSERT INTO listMember (list, email, addedAt) VALUES
          ('vip', 'Ada@Example.com', 200), ('vip', 'ada@example.com', 300), ('vip', 'ADA@EXAMPLE.COM', 100),
          ('news', 'Bob@Example.com', 50);
        INSERT INTO journeyPruned (workflowID, email, count) VALUES
          ('welcome', 'Ada@Example.com', 2), ('welcome', 'ada@example.com', 1), ('welcome', 'Bob@Example.com', 4);
        INSERT INTO journey (id, workflowID, email, status, updatedAt) VALUES
          ('j1', 'welcome', 'Ada@Example.com', 'waiting', '2026-11-01 10:00:00.000'),
          ('j2', 'welcome', 'ada@example.com', 'finished', '2026-11-02 10:00:00.000');
        INSERT INTO event (email, name, dataFields, createdAt, eventID) VALUES
          ('ADA@EXAMPLE.COM', 'signup', '{}', '2026-11-01 10:00:00.000', 'evt_1'),
          ('ada@example.com', 'purchase', '{}', '2026-11-02 10:00:00.000', 'evt_2');
        INSERT INTO delivery (id, kind, journeyID, webhookID, email, snapshot, status, attempts, nextAttemptAt,
                              createdAt, updatedAt)
          VALUES ('msg_1', 'journey', 'j1', 'hook', 'Ada@Example.com', '{}', 'pending', 0, 0, 0, 0);
        INSERT INTO attempt (startedAt, deliveryID, attempt, webhookID, userEmail, method, url, requestHeaders,
                             requestBody, responseHeaders, responseBody, responseTruncated, latencyMs)
          VALUES ('2026-11-01 10:00:00.000', 'msg_1', 1, 'hook', 'Ada@Example.com', 'POST', 'http://127.0.0.1/',
                  '[]', '', '[]', '', 0, 1);
        """

    @Test func profilesDifferingInCaseBecomeOneWithEveryField() async throws {
        let store = try SQLiteStateStore(path: try await oldStore(Self.mixedCaseRows))

        #expect(try store.userEmails(after: nil, limit: 10) == ["ada@example.com", "bob@example.com", "cy@example.com", "zoë@example.com"])
        // The lowercase profile's plan wins; city comes from `Ada@…`, later in byte order than `ADA@…`.
        #expect(
            try store.user(email: "ada@example.com")
                == ["email": "ada@example.com", "plan": "pro", "age": 36, "city": "Oslo", "tags": ["new"], "vip": true])
        #expect(try store.user(email: "bob@example.com") == ["email": "bob@example.com", "name": "Bob"])
        #expect(try store.user(email: "zoë@example.com") == ["email": "zoë@example.com", "name": "Zoë"])
    }

    @Test func listsEntryLimitsAndHistoryFollowTheLowercaseAddress() async throws {
        let path = try await oldStore(Self.mixedCaseRows)
        let store = try SQLiteStateStore(path: path)

        #expect(try store.listMembers("vip", after: nil, limit: 10) == ["ada@example.com"])
        #expect(try store.listMembers("news", after: nil, limit: 10) == ["bob@example.com"])
        // Two journeys and three pruned ones, all entries of the one user now.
        #expect(try store.entryCount(workflowID: "welcome", email: "ada@example.com") == EntryCount(entered: 5, active: 1))
        #expect(try store.entryCount(workflowID: "welcome", email: "bob@example.com") == EntryCount(entered: 4, active: 0))
        #expect(try store.journeys(email: "ada@example.com", limit: 10).map(\.id) == ["j2", "j1"])
        #expect(try store.attempts(matching: AttemptFilter(userEmail: "ada@example.com")).map(\.deliveryID) == ["msg_1"])

        let stored = try await DatabaseQueue(path: path).read { db in
            (
                events: try String.fetchAll(db, sql: "SELECT email FROM event ORDER BY id"),
                deliveries: try String.fetchAll(db, sql: "SELECT email FROM delivery"),
                addedAt: try Double.fetchOne(db, sql: "SELECT addedAt FROM listMember WHERE list = 'vip'")
            )
        }
        #expect(stored.events == ["ada@example.com", "ada@example.com"])
        #expect(stored.deliveries == ["ada@example.com"])
        #expect(stored.addedAt == 100)
    }

    @Test func aStoreWithOnlyLowercaseAddressesIsLeftAsItWas() async throws {
        let path = try await oldStore(
            """
            INSERT INTO user (email, profile) VALUES ('ada@example.com', '{"email":"ada@example.com","plan":"pro"}');
            INSERT INTO listMember (list, email, addedAt) VALUES ('vip', 'ada@example.com', 100);
            """)
        let store = try SQLiteStateStore(path: path)
        #expect(try store.user(email: "ada@example.com") == ["email": "ada@example.com", "plan": "pro"])
        #expect(try store.listMembers("vip", after: nil, limit: 10) == ["ada@example.com"])
    }
}
