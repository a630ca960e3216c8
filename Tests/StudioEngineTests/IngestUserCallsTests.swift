import Foundation
import StudioEngine
import StudioModel
import Testing

/// Iterable's `users/bulkUpdate`, `users/getByEmail` and `users/{email}`, which were 404s: a
/// connector that syncs profiles in bulk, or reads one back, had nothing to call.
struct IngestUserCallsTests {
    /// Each user is merged as users/update merges one (lowercase address, its own
    /// mergeNestedObjects, the project's field types, the top-level createNewFields), in one
    /// transaction; a user that cannot be updated is counted in Iterable's failedUpdates by
    /// reason, and the others are stored all the same.
    @Test func bulkUpdateMergesEachUserAndCountsTheOnesThatFail() async throws {
        let ingest = try await IngestTestServer.start()
        let store = ingest.engine.store
        try store.saveUsers([["email": "ada@example.com", "age": 36, "prefs": ["sms": true]]])

        let (status, answer) = try await ingest.post(
            "/api/users/bulkUpdate",
            #"""
            {"createNewFields": false, "users": [
              {"email": "Ada@Example.com", "dataFields": {"prefs": {"email": true}, "shoeSize": 41}, "mergeNestedObjects": true},
              {"email": "bob@example.com", "dataFields": {"age": 40, "prefs": {"push": false}}},
              {"email": "cy@example.com", "dataFields": {"age": "forty"}},
              {"email": "dee@example.com", "dataFields": {"signupDate": "2024-01-01"}},
              {"email": "eve@example.com", "dataFields": {"obj": {"a.b": 1}}},
              {"email": "a@x.com<script>", "dataFields": {"age": 1}},
              {"userId": "u-7", "dataFields": {"age": 1}},
              {"email": "fay@example.com", "userId": "u-8"}
            ]}
            """#)
        #expect(status == 200)
        #expect(
            answer == [
                "successCount": 2, "failCount": 6,
                "failedUpdates": [
                    "invalidEmails": ["a@x.com<script>"], "invalidUserIds": [], "notFoundEmails": [],
                    "notFoundUserIds": ["u-7"],
                    "invalidDataEmails": ["dee@example.com", "eve@example.com", "fay@example.com", "cy@example.com"],
                    "invalidDataUserIds": [],
                ],
                // shoeSize, which no user has, is dropped: createNewFields is false (it said [], QA).
                "createdFields": [], "filteredOutFields": ["shoeSize"], "invalidEmails": ["a@x.com<script>"],
                "invalidUserIds": [],
            ], "\(answer)")
        #expect(
            try store.user(email: "ada@example.com") == ["email": "ada@example.com", "age": 36, "prefs": ["sms": true, "email": true]])
        #expect(try store.user(email: "bob@example.com") == ["email": "bob@example.com", "age": 40, "prefs": ["push": false]])
        #expect(try store.users(emails: ["cy@example.com", "dee@example.com", "eve@example.com", "fay@example.com"]).isEmpty)
        try await ingest.shutdown()
    }

    /// The answer lists the fields the call added to the project, each once, as Iterable's
    /// `createdFields` does: not those some user had already, nor those of an update left out.
    @Test func bulkUpdateListsTheFieldsItCreated() async throws {
        let ingest = try await IngestTestServer.start()
        try ingest.engine.store.saveUsers([["email": "ada@example.com", "age": 36]])

        let (status, answer) = try await ingest.post(
            "/api/users/bulkUpdate",
            #"""
            {"users": [
              {"email": "bob@example.com", "dataFields": {"age": 40, "tier": "gold"}},
              {"email": "cy@example.com", "dataFields": {"tier": "silver", "shoeSize": 41}},
              {"email": "dee@example.com", "dataFields": {"age": "forty", "nickname": "D"}}
            ]}
            """#)
        try await ingest.shutdown()

        #expect(status == 200)
        #expect(answer["successCount"] == 2, "\(answer)")
        #expect(answer["createdFields"] == ["tier", "shoeSize"], "\(answer)")
        #expect(answer["filteredOutFields"] == [], "\(answer)")
    }

    /// A user entry of the wrong JSON shape is the client's bug, as in trackBulk: the whole
    /// request is refused, naming the entry, and nothing is stored.
    @Test(arguments: [
        (#"{"users": [{"email": "ada@example.com"}, 3]}"#, "users[1] must be a JSON object"),
        (#"{"users": [{"email": "ada@example.com"}, {"email": "bob@example.com", "dataFields": "x"}]}"#,
         "users[1].dataFields must be a JSON object"),
        (#"{"users": {"email": "ada@example.com"}}"#, "users must be an array of users"),
    ])
    func aMalformedBulkUpdateIsRefusedWhole(body: String, message: String) async throws {
        let ingest = try await IngestTestServer.start()
        let (status, answer) = try await ingest.post("/api/users/bulkUpdate", body)
        #expect(status == 400)
        #expect(answer["msg"] == .string(message), "\(answer)")
        #expect(answer["code"] == "BadJsonBody")
        #expect(try ingest.engine.store.userCount() == 0)
        try await ingest.shutdown()
    }

    /// Both of Iterable's lookups answer `{"user": {"email", "dataFields"}}` for a known user,
    /// in any case and percent-encoded, and `{}` for an unknown one; they take the key as the
    /// other routes do, and a POST to them is 405.
    @Test func aUserIsReadBackByEmailEitherWay() async throws {
        let ingest = try await IngestTestServer.start(apiKey: "key_ingest_0123456789")
        let key = [("Api-Key", "key_ingest_0123456789")]
        let stored = try await ingest.send(
            "/api/users/update", #"{"email": "ada+tag@example.com", "dataFields": {"plan": "pro", "prefs": {"sms": true}}}"#,
            headers: key)
        #expect(stored.status == 200)
        let user: JSONValue = ["user": ["email": "ada+tag@example.com", "dataFields": ["plan": "pro", "prefs": ["sms": true]]]]

        for path in [
            "/api/users/getByEmail?email=Ada%2Btag%40Example.com", "/api/users/ada%2Btag%40example.com",
            "/api/users/ADA+tag@example.com",
        ] {
            let answer = try await ingest.send(path, method: .GET, headers: key)
            #expect(answer.status == 200, "\(path): \(answer.text)")
            #expect(answer.json == user, "\(path): \(answer.text)")
            #expect(try await ingest.send(path, method: .GET).status == 401)
        }
        for path in ["/api/users/getByEmail?email=nobody%40example.com", "/api/users/nobody@example.com"] {
            let answer = try await ingest.send(path, method: .GET, headers: key)
            #expect(answer.status == 200)
            #expect(answer.text == "{}")
        }
        let invalid = try await ingest.send("/api/users/getByEmail?email=ada%40example", method: .GET, headers: key)
        #expect(invalid.status == 400)
        #expect(invalid.json?["code"] == "InvalidEmailAddressError")
        let posted = try await ingest.send("/api/users/ada@example.com", "{}", headers: key)
        #expect(posted.status == 405)
        #expect(posted.headers["Allow"] == ["GET, HEAD"])
        let update = try await ingest.send("/api/users/update", method: .GET, headers: key)
        #expect(update.status == 405)
        #expect(update.headers["Allow"] == ["POST"])
        try await ingest.shutdown()
    }
}
