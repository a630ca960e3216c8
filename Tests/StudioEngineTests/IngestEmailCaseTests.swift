import Foundation
import StudioEngine
import StudioModel
import Testing

/// Addresses reach the store lowercase through every ingest call, as Iterable stores them: a
/// client that writes `A@Example.COM` one time and `a@example.com` the next is one user.
struct IngestEmailCaseTests {
    @Test func anEventTrackedInMixedCaseIsFoundUnderTheLowercaseAddress() async throws {
        let ingest = try await IngestTestServer.start(.waitingADayAfterSignup)
        let (status, _) = try await ingest.post("/api/events/track", #"{"email": "A@Example.COM", "eventName": "signup"}"#)
        #expect(status == 200)

        let store = ingest.engine.store
        #expect(try store.user(email: "a@example.com") == ["email": "a@example.com"])
        #expect(try store.userCount() == 1)
        #expect(try store.unfinishedJourneys().map(\.email) == ["a@example.com"])
        try await ingest.shutdown()
    }

    @Test func updatesBulkEventsTriggersAndListsAllNameTheSameUser() async throws {
        let ingest = try await IngestTestServer.start(.waitingADayAfterSignup)
        let calls = [
            ("/api/users/update", #"{"email": "Ada@Example.com", "dataFields": {"plan": "pro"}}"#),
            ("/api/events/trackBulk", #"{"events": [{"email": "ADA@example.com", "eventName": "signup"}]}"#),
            ("/api/workflows/triggerWorkflow", #"{"workflowId": "welcome", "email": "ada@EXAMPLE.com"}"#),
            ("/api/lists/subscribe", #"{"listId": 7, "subscribers": [{"email": "aDa@example.com", "dataFields": {"age": 36}}]}"#),
        ]
        for (path, body) in calls {
            let (status, answer) = try await ingest.post(path, body)
            #expect(status == 200, "\(path): \(answer)")
        }

        let store = ingest.engine.store
        #expect(try store.userCount() == 1)
        #expect(try store.user(email: "ada@example.com") == ["email": "ada@example.com", "plan": "pro", "age": 36])
        #expect(try store.unfinishedJourneys().map(\.email) == ["ada@example.com", "ada@example.com"])
        #expect(try store.listMembers("7", after: nil, limit: 10) == ["ada@example.com"])

        let (status, answer) = try await ingest.post(
            "/api/lists/unsubscribe", #"{"listId": 7, "subscribers": [{"email": "ADA@EXAMPLE.COM"}]}"#)
        #expect(status == 200)
        #expect(answer["successCount"] == 1)
        #expect(try store.listMembers("7", after: nil, limit: 10) == [])
        try await ingest.shutdown()
    }

    /// One user named twice in a lists/subscribe, in different cases, is one subscriber: counted
    /// once, a member once, with both entries' fields merged in order.
    @Test func aSubscriberNamedTwiceInOneCallCountsOnce() async throws {
        let ingest = try await IngestTestServer.start()
        let (status, answer) = try await ingest.post(
            "/api/lists/subscribe",
            #"{"listId": 7, "subscribers": [{"email": "S1@x.com", "dataFields": {"a": 1}}, {"email": "s1@X.com", "dataFields": {"b": 2}}]}"#)
        #expect(status == 200)
        #expect(answer["successCount"] == 1)
        #expect(answer["failCount"] == 0)
        let store = ingest.engine.store
        #expect(try store.listMembers("7", after: nil, limit: 10) == ["s1@x.com"])
        #expect(try store.user(email: "s1@x.com") == ["email": "s1@x.com", "a": 1, "b": 2])

        let (_, left) = try await ingest.post(
            "/api/lists/unsubscribe", #"{"listId": 7, "subscribers": [{"email": "S1@X.COM"}, {"email": "s1@x.com"}]}"#)
        #expect(left["successCount"] == 1)
        try await ingest.shutdown()
    }
}
