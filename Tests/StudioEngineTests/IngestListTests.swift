import Foundation
import StudioEngine
import StudioModel
import Testing

/// The ingest API's list calls, shaped like Iterable's `lists/subscribe` and `lists/unsubscribe`.
struct IngestListTests {
    private func post(_ ingest: IngestTestServer, _ path: String, _ body: String) async throws -> JSONValue {
        let (status, answer) = try await ingest.post(path, body)
        #expect(status == 200)
        return answer
    }

    @Test func subscribersJoinTheListWithTheirProfilesAndBadAddressesAreCounted() async throws {
        let ingest = try await IngestTestServer.start()
        let engine = ingest.engine
        try engine.store.saveUsers([["email": "ada@example.com", "plan": "pro"]])

        // Iterable's clients read the failures by reason in `failedUpdates`, and its Node client
        // refuses an answer whose address lists hold anything but strings.
        let subscribed = try await post(
            ingest, "/api/lists/subscribe",
            #"{"listId": 42, "subscribers": [{"email": "ada@example.com", "dataFields": {"tier": "gold"}}, {"email": "bob@example.com"}, {"email": "not an address"}, {}, {"userId": "u-7"}]}"#
        )
        #expect(
            subscribed == [
                "successCount": 2, "failCount": 3,
                "failedUpdates": [
                    "invalidEmails": ["not an address", ""], "invalidUserIds": [], "notFoundEmails": [], "notFoundUserIds": ["u-7"],
                ],
                "createdFields": [], "filteredOutFields": [], "invalidEmails": ["not an address", ""], "notFoundEmails": [],
            ])
        #expect(try engine.store.listMembers("42", after: nil, limit: 10) == ["ada@example.com", "bob@example.com"])
        #expect(try engine.store.user(email: "ada@example.com") == ["email": "ada@example.com", "plan": "pro", "tier": "gold"])
        #expect(try engine.store.user(email: "bob@example.com") == ["email": "bob@example.com"])

        // Only known users, when asked; then one leaves the list.
        let known = try await post(
            ingest, "/api/lists/subscribe",
            #"{"listId": "vip", "subscribers": [{"email": "ada@example.com"}, {"email": "cy@example.com"}], "updateExistingUsersOnly": true}"#)
        #expect(known["notFoundEmails"] == ["cy@example.com"])
        #expect(known["failedUpdates"]?["notFoundEmails"] == ["cy@example.com"])
        #expect(try engine.store.user(email: "cy@example.com") == nil)
        let left = try await post(
            ingest, "/api/lists/unsubscribe", #"{"listId": 42, "subscribers": [{"email": "bob@example.com"}]}"#)
        #expect(left["successCount"] == 1)
        #expect(try engine.store.listMembers("42", after: nil, limit: 10) == ["ada@example.com"])
        #expect(try engine.store.listMembers("vip", after: nil, limit: 10) == ["ada@example.com"])

        try await ingest.shutdown()
    }

    /// lists/unsubscribe answered `successCount: 1` for an address no user has and for a list
    /// no one is on. As Iterable's, each such address is in `notFoundEmails` and counted as
    /// failed; a known user who is not on a known list is removed as asked (a retry is no failure).
    @Test func unsubscribingAnUnknownUserOrFromAnUnknownListIsNotFound() async throws {
        let ingest = try await IngestTestServer.start()
        let store = ingest.engine.store
        try store.saveUsers([["email": "ada@example.com"], ["email": "bob@example.com"], ["email": "cy@example.com"]])
        try store.addToList("42", emails: ["ada@example.com", "cy@example.com"])

        let left = try await post(
            ingest, "/api/lists/unsubscribe",
            #"{"listId": 42, "subscribers": [{"email": "Ada@example.com"}, {"email": "nobody@example.com"}, {"email": "bob@example.com"}]}"#)
        #expect(
            left == [
                "successCount": 2, "failCount": 1,
                "failedUpdates": [
                    "invalidEmails": [], "invalidUserIds": [], "notFoundEmails": ["nobody@example.com"], "notFoundUserIds": [],
                ],
                "createdFields": [], "filteredOutFields": [], "invalidEmails": [], "notFoundEmails": ["nobody@example.com"],
            ], "\(left)")
        #expect(try store.listMembers("42", after: nil, limit: 10) == ["cy@example.com"])

        let noList = try await post(
            ingest, "/api/lists/unsubscribe", #"{"listId": "trial", "subscribers": [{"email": "cy@example.com"}]}"#)
        #expect(noList["successCount"] == 0)
        #expect(noList["failCount"] == 1)
        #expect(noList["notFoundEmails"] == ["cy@example.com"])
        #expect(noList["failedUpdates"]?["notFoundEmails"] == ["cy@example.com"])
        #expect(try store.listMembers("42", after: nil, limit: 10) == ["cy@example.com"])
        try await ingest.shutdown()
    }

    @Test(arguments: [
        ("/api/events/track", #"{"email": "ada@example.com", "eventName": "signup", "dataFields": "str"}"#),
        ("/api/users/update", #"{"email": "ada@example.com", "dataFields": ["plan", "pro"]}"#),
        ("/api/workflows/triggerWorkflow", #"{"workflowId": "welcome", "email": "ada@example.com", "dataFields": 3}"#),
    ])
    func dataFieldsThatAreNotAnObjectAreABadRequest(path: String, body: String) async throws {
        let ingest = try await IngestTestServer.start()
        let (status, answer) = try await ingest.post(path, body)
        #expect(status == 400)
        #expect(answer == ["msg": "dataFields must be a JSON object", "code": "BadJsonBody", "params": nil])
        #expect(try ingest.engine.store.user(email: "ada@example.com") == nil)
        try await ingest.shutdown()
    }
}

extension IngestListTests {
    /// A field name with a period could never be read back (a lookup reads it as a path), so
    /// users/update refuses it and says how to nest it, instead of dropping it unseen.
    @Test func aDottedFieldNameIsRefusedWithHowToNestIt() async throws {
        let ingest = try await IngestTestServer.start()
        try ingest.engine.store.saveUsers([["email": "ada@example.com", "plan": "free"]])
        let (status, answer) = try await ingest.post(
            "/api/users/update", #"{"email": "ada@example.com", "dataFields": {"address.city": "Oslo", "plan": "pro"}}"#)
        #expect(status == 400)
        #expect(answer["msg"] == #"field 'address.city': a name may not contain '.'; nest it instead: {"address": {"city": …}}"#)
        #expect(try ingest.engine.store.user(email: "ada@example.com") == ["email": "ada@example.com", "plan": "free"])
        try await ingest.shutdown()
    }

    /// A profile field keeps the type it was first set with, as Iterable's do: users/update or
    /// lists/subscribe giving it a value of another type fails, naming the field and both types,
    /// and stores nothing of the call. Whole and fractional numbers are one type; null clears a
    /// field's value, and the field keeps its type in the project.
    @Test func aFieldKeepsTheTypeItWasFirstSetWith() async throws {
        let ingest = try await IngestTestServer.start()
        let store = ingest.engine.store
        let first = try await ingest.post(
            "/api/users/update", #"{"email": "ada@example.com", "dataFields": {"age": 36, "prefs": {"sms": true}}}"#)
        #expect(first.status == 200)

        let (status, answer) = try await ingest.post(
            "/api/users/update", #"{"email": "ada@example.com", "dataFields": {"plan": "pro", "age": "thirty"}}"#)
        #expect(status == 400)
        #expect(
            answer == [
                "msg": "field 'age' has type number and keeps it: a value of type string cannot be stored in it (null clears it)",
                "code": "BadParams", "params": nil,
            ])
        let (nested, nestedAnswer) = try await ingest.post(
            "/api/users/update",
            #"{"email": "ada@example.com", "dataFields": {"prefs": {"sms": "yes"}}, "mergeNestedObjects": true}"#)
        #expect(nested == 400)
        #expect(
            nestedAnswer["msg"]
                == "field 'prefs.sms' has type boolean and keeps it: a value of type string cannot be stored in it (null clears it)")
        let (listed, listedAnswer) = try await ingest.post(
            "/api/lists/subscribe",
            #"{"listId": 7, "subscribers": [{"email": "bob@example.com"}, {"email": "ada@example.com", "dataFields": {"age": [36]}}]}"#)
        #expect(listed == 400)
        #expect(
            listedAnswer["msg"]
                == "ada@example.com: field 'age' has type number and keeps it: a value of type array cannot be stored in it (null clears it)")
        #expect(try store.user(email: "ada@example.com") == ["email": "ada@example.com", "age": 36, "prefs": ["sms": true]])
        #expect(try store.user(email: "bob@example.com") == nil)
        #expect(try store.listMembers("7", after: nil, limit: 10) == [])

        let (coerced, _) = try await ingest.post(
            "/api/users/update", #"{"email": "ada@example.com", "dataFields": {"age": 36.5, "prefs": null}}"#)
        #expect(coerced == 200)
        let (retyped, retypedAnswer) = try await ingest.post(
            "/api/users/update", #"{"email": "ada@example.com", "dataFields": {"prefs": "none"}}"#)
        #expect(retyped == 400)
        #expect(retypedAnswer["msg"]?.stringValue?.hasPrefix("field 'prefs' has type object and keeps it") == true)
        #expect(try store.user(email: "ada@example.com") == ["email": "ada@example.com", "age": 36.5, "prefs": nil])
        try await ingest.shutdown()
    }

    /// track, users/update and triggerWorkflow take an address as `users import` does, and as
    /// Iterable does (``EmailAddress``): markup, a path, a domain without a TLD or an IP literal
    /// after the `@` made a user; the refusal says why.
    @Test(arguments: [
        ("/api/events/track", #"{"email": "notanemail", "eventName": "signup"}"#, "'notanemail' is not an email address: it has no '@'"),
        ("/api/users/update", #"{"email": "ada@", "dataFields": {}}"#, "'ada@' is not an email address: nothing comes after the '@'"),
        ("/api/workflows/triggerWorkflow", #"{"workflowId": "welcome"}"#, "email is required"),
        ("/api/users/update", #"{"email": "a@x.com<script>", "dataFields": {}}"#,
         "'a@x.com<script>' is not an email address: '<' is not allowed in the domain (letters, digits, '-' and '.' are)"),
        ("/api/events/track", #"{"email": "a@b", "eventName": "signup"}"#,
         "'a@b' is not an email address: the domain 'b' has no top-level domain: write it in full, as example.com"),
        ("/api/users/update", #"{"email": "a@x.com/../../admin"}"#,
         "'a@x.com/../../admin' is not an email address: '/' is not allowed in the domain (letters, digits, '-' and '.' are)"),
        ("/api/workflows/triggerWorkflow", #"{"workflowId": "welcome", "email": "a@[127.0.0.1]"}"#,
         "'a@[127.0.0.1]' is not an email address: an IP address ([127.0.0.1]) is not taken as its domain; give a domain name"),
    ])
    func anAddressThatIsNotOneIsABadRequest(path: String, body: String, message: String) async throws {
        let ingest = try await IngestTestServer.start()
        let (status, answer) = try await ingest.post(path, body)
        #expect(status == 400)
        #expect(answer == ["msg": .string(message), "code": "InvalidEmailAddressError", "params": nil])
        try await ingest.shutdown()
    }
}
