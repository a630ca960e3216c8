import Foundation
import StudioEngine
import StudioModel
import Testing

/// What an ingest call may write to a profile: Iterable's `createNewFields` and typed flags, its
/// reserved fields, and the `userId` hookline does not keep. A call that breaks a rule is refused
/// whole (400 BadParams, naming what) rather than answered Success with part of it dropped.
struct IngestProfileFieldTests {
    /// `createNewFields: false` keeps the project's fields to those some user already has: a new
    /// one is dropped, a known one (on another user) is stored; left out, new fields are added.
    @Test func createNewFieldsFalseDropsAFieldNoUserHas() async throws {
        let ingest = try await IngestTestServer.start()
        try ingest.engine.store.saveUsers([["email": "bob@example.com", "plan": "free"]])

        let (status, answer) = try await ingest.post(
            "/api/users/update",
            #"{"email": "ada@example.com", "createNewFields": false, "dataFields": {"plan": "pro", "shoeSize": 41}}"#)
        #expect(status == 200)
        #expect(answer["code"] == "Success")
        #expect(try ingest.engine.store.user(email: "ada@example.com") == ["email": "ada@example.com", "plan": "pro"])

        let (added, _) = try await ingest.post(
            "/api/users/update", #"{"email": "ada@example.com", "dataFields": {"shoeSize": 41}}"#)
        #expect(added == 200)
        #expect(try ingest.engine.store.user(email: "ada@example.com")?["shoeSize"] == 41)
        try await ingest.shutdown()
    }

    /// A field's type is the project's, as Iterable's is: it was kept per user, so `"forty"` for
    /// a user without `age` was stored while another user held 36, and the next user could store
    /// a boolean. Every user is now refused as the one holding the field was, naming the field and
    /// its type, storing nothing; a number of either kind and null still fit.
    @Test func aFieldKeepsTheTypeItWasFirstStoredWithForEveryUser() async throws {
        let ingest = try await IngestTestServer.start()
        let store = ingest.engine.store
        let (first, _) = try await ingest.post("/api/users/update", #"{"email": "ada@example.com", "dataFields": {"age": 36}}"#)
        #expect(first == 200)
        let refusal = "field 'age' has type number and keeps it: a value of type string cannot be stored in it (null clears it)"

        for email in ["ada@example.com", "eve@example.com"] {
            let (status, answer) = try await ingest.post(
                "/api/users/update", #"{"email": "\#(email)", "dataFields": {"plan": "pro", "age": "forty"}}"#)
            #expect(status == 400)
            #expect(answer == ["msg": .string(refusal), "code": "BadParams", "params": nil])
        }
        let (boolean, booleanAnswer) = try await ingest.post(
            "/api/users/update", #"{"email": "cy@example.com", "dataFields": {"age": true}}"#)
        #expect(boolean == 400)
        #expect(booleanAnswer["msg"]?.stringValue?.hasPrefix("field 'age' has type number and keeps it: a value of type boolean") == true)
        let (listed, listedAnswer) = try await ingest.post(
            "/api/lists/subscribe", #"{"listId": 7, "subscribers": [{"email": "dee@example.com", "dataFields": {"age": "forty"}}]}"#)
        #expect(listed == 400)
        #expect(listedAnswer["msg"] == .string("dee@example.com: " + refusal))
        #expect(try store.user(email: "ada@example.com") == ["email": "ada@example.com", "age": 36])
        #expect(try store.users(emails: ["eve@example.com", "cy@example.com", "dee@example.com"]).isEmpty)
        #expect(try store.listMembers("7", after: nil, limit: 10).isEmpty)

        let (fitting, _) = try await ingest.post(
            "/api/users/update", #"{"email": "eve@example.com", "dataFields": {"age": 40.5, "plan": null}}"#)
        #expect(fitting == 200)
        let (cleared, _) = try await ingest.post("/api/users/update", #"{"email": "cy@example.com", "dataFields": {"age": null}}"#)
        #expect(cleared == 200)
        #expect(try store.user(email: "eve@example.com") == ["email": "eve@example.com", "age": 40.5, "plan": nil])
        try await ingest.shutdown()
    }

    /// A value that can be read as its field's type is stored as it, as Iterable coerces it:
    /// `"41"` for a number field and `7` for a text field were refused with 400.
    @Test func aValueThatCanBeCoercedIsStoredAsTheFieldsType() async throws {
        let ingest = try await IngestTestServer.start()
        let (first, _) = try await ingest.post(
            "/api/users/update", #"{"email": "ada@example.com", "dataFields": {"age": 36, "zip": "02134", "vip": true}}"#)
        #expect(first == 200)
        let (status, answer) = try await ingest.post(
            "/api/users/update", #"{"email": "eve@example.com", "dataFields": {"age": "41", "zip": 2134, "vip": "false"}}"#)
        #expect(status == 200, "\(answer)")
        #expect(
            try ingest.engine.store.user(email: "eve@example.com")
                == ["email": "eve@example.com", "age": 41, "zip": "2134", "vip": false])
        try await ingest.shutdown()
    }

    /// Two new users in one lists/subscribe: the first gives a new field its type, so the second
    /// may not give it another, and neither is stored.
    @Test func aFieldNewInOneCallTakesItsFirstValuesType() async throws {
        let ingest = try await IngestTestServer.start()
        let (status, answer) = try await ingest.post(
            "/api/lists/subscribe",
            #"{"listId": 7, "subscribers": [{"email": "ada@example.com", "dataFields": {"score": 3}}, {"email": "bob@example.com", "dataFields": {"score": "high"}}]}"#)
        #expect(status == 400)
        #expect(
            answer["msg"]
                == "bob@example.com: field 'score' has type number and keeps it: a value of type string cannot be stored in it (null clears it)")
        #expect(try ingest.engine.store.users(emails: ["ada@example.com", "bob@example.com"]).isEmpty)
        #expect(try ingest.engine.store.profileFieldTypes().isEmpty)
        try await ingest.shutdown()
    }

    /// `"yes"` is no boolean: it was read as false without a word. Iterable's typed API refuses
    /// it, and so does this one, storing nothing.
    @Test(arguments: ["mergeNestedObjects", "createNewFields", "preferUserId"])
    func aFlagThatIsNotABooleanIsRefusedNamingIt(flag: String) async throws {
        let ingest = try await IngestTestServer.start()
        let (status, answer) = try await ingest.post(
            "/api/users/update", #"{"email": "ada@example.com", "\#(flag)": "yes", "dataFields": {"plan": "pro"}}"#)
        #expect(status == 400)
        #expect(answer == ["msg": .string("\(flag) must be true or false, not \"yes\""), "code": "BadParams", "params": nil])
        #expect(try ingest.engine.store.user(email: "ada@example.com") == nil)

        let (list, listAnswer) = try await ingest.post(
            "/api/lists/subscribe",
            #"{"listId": 7, "updateExistingUsersOnly": 1, "subscribers": [{"email": "ada@example.com"}]}"#)
        #expect(list == 400)
        #expect(listAnswer["msg"] == "updateExistingUsersOnly must be true or false, not 1")
        #expect(try ingest.engine.store.listMembers("7", after: nil, limit: 10).isEmpty)
        try await ingest.shutdown()
    }

    /// Iterable's reserved fields are not `dataFields`: `signupDate` and the others were written,
    /// `email` dropped, `userId` stored once and then frozen. Each is now refused, naming it, and
    /// nothing of the call is stored, for a new user and a known one alike.
    @Test(arguments: [
        (#""signupDate": "2024-01-01 00:00:00 +00:00""#, "field 'signupDate' is reserved"),
        (#""emailListIds": [1]"#, "field 'emailListIds' is reserved"),
        (#""itblInternal": {}"#, "field 'itblInternal' is reserved"),
        (#""profileUpdatedAt": "now""#, "field 'profileUpdatedAt' is reserved"),
        (#""email": "bob@example.com""#, "field 'email' is reserved"),
        (#""userId": 7"#, "field 'userId' is reserved"),
        (#""": 1"#, "a field name may not be empty"),
    ])
    func aReservedOrEmptyFieldNameIsRefusedAndNothingStored(field: String, message: String) async throws {
        let ingest = try await IngestTestServer.start()
        try ingest.engine.store.saveUsers([["email": "bob@example.com", "plan": "free"]])
        for email in ["ada@example.com", "bob@example.com"] {
            let (status, answer) = try await ingest.post(
                "/api/users/update", #"{"email": "\#(email)", "dataFields": {"plan": "pro", \#(field)}}"#)
            #expect(status == 400)
            #expect(answer["code"] == "BadParams")
            #expect(answer["msg"]?.stringValue?.hasPrefix(message) == true, "\(answer)")
        }
        #expect(try ingest.engine.store.user(email: "ada@example.com") == nil)
        #expect(try ingest.engine.store.user(email: "bob@example.com") == ["email": "bob@example.com", "plan": "free"])

        let (list, listAnswer) = try await ingest.post(
            "/api/lists/subscribe", #"{"listId": 7, "subscribers": [{"email": "ada@example.com", "dataFields": {\#(field)}}]}"#)
        #expect(list == 400)
        #expect(listAnswer["msg"]?.stringValue?.hasPrefix("ada@example.com: " + message) == true, "\(listAnswer)")
        #expect(try ingest.engine.store.user(email: "ada@example.com") == nil)
        #expect(try ingest.engine.store.listMembers("7", after: nil, limit: 10).isEmpty)
        try await ingest.shutdown()
    }

    /// A top-level `userId` was answered Success and dropped, and a later track by it refused:
    /// hookline keeps no userId, so users/update says so instead.
    @Test func aTopLevelUserIDInUsersUpdateIsRefusedAsNotSupported() async throws {
        let ingest = try await IngestTestServer.start()
        let (status, answer) = try await ingest.post(
            "/api/users/update", #"{"email": "ada@example.com", "userId": "u1", "dataFields": {"plan": "pro"}}"#)
        #expect(status == 400)
        #expect(
            answer == [
                "msg": "userId 'u1' is not supported: hookline identifies users by email and keeps no userId; send email alone",
                "code": "BadParams", "params": nil,
            ])
        #expect(try ingest.engine.store.user(email: "ada@example.com") == nil)
        try await ingest.shutdown()
    }
}

/// Field names below the top of `dataFields`.
struct IngestNestedFieldNameTests {
    /// Only top-level names were checked: an empty or dotted name inside an object, or inside an
    /// array of objects, was stored, where no merge parameter can reach it (a lookup reads
    /// `a.b` as a path); so was a name with NUL or another control character, at any depth.
    /// Each is refused wherever it is, naming where, by users/update, lists/subscribe and
    /// users/bulkUpdate (a user counted as failed), storing nothing of it.
    @Test(arguments: [
        (#"{"obj": {"": 1, "a.b": 2}}"#, "a field name may not be empty (one in 'obj' is)"),
        (#"{"obj": {"a.b": 2}}"#, #"field 'a.b' in 'obj': a name may not contain '.'; nest it instead: {"a": {"b": …}}"#),
        (#"{"obj": {"c": {"d.e": 3}}}"#, #"field 'd.e' in 'obj.c': a name may not contain '.'; nest it instead: {"d": {"e": …}}"#),
        (#"{"items": [{"sku": 1}, {"x.y": 2}]}"#, #"field 'x.y' in 'items[1]': a name may not contain '.'; nest it instead: {"x": {"y": …}}"#),
        (#"{"rows": [[{"": 1}]]}"#, "a field name may not be empty (one in 'rows[0][0]' is)"),
        (#"{"a\u0000b": 1}"#, "field 'a<U+0000>b': a name may not contain a control character (U+0000)"),
        (#"{"obj": {"tab\there": 1}}"#, "field 'tab<U+0009>here' in 'obj': a name may not contain a control character (U+0009)"),
    ])
    func aMalformedNameAtAnyDepthIsRefusedNamingWhere(dataFields: String, message: String) async throws {
        let ingest = try await IngestTestServer.start()
        let store = ingest.engine.store
        let (status, answer) = try await ingest.post(
            "/api/users/update", #"{"email": "ada@example.com", "dataFields": \#(dataFields)}"#)
        #expect(status == 400)
        #expect(answer == ["msg": .string(message), "code": "BadParams", "params": nil])

        let (listed, listedAnswer) = try await ingest.post(
            "/api/lists/subscribe", #"{"listId": 7, "subscribers": [{"email": "ada@example.com", "dataFields": \#(dataFields)}]}"#)
        #expect(listed == 400)
        #expect(listedAnswer["msg"] == .string("ada@example.com: " + message))

        let (bulk, bulkAnswer) = try await ingest.post(
            "/api/users/bulkUpdate",
            #"{"users": [{"email": "ada@example.com", "dataFields": \#(dataFields)}, {"email": "bob@example.com", "dataFields": {"obj": {"ok": 1}}}]}"#)
        #expect(bulk == 200)
        #expect(bulkAnswer["successCount"] == 1)
        #expect(bulkAnswer["failedUpdates"]?["invalidDataEmails"] == ["ada@example.com"])

        #expect(try store.user(email: "ada@example.com") == nil)
        #expect(try store.user(email: "bob@example.com") == ["email": "bob@example.com", "obj": ["ok": 1]])
        #expect(try store.listMembers("7", after: nil, limit: 10).isEmpty)
        try await ingest.shutdown()
    }

    /// A nested name that is fine, and the same names as values, are stored as sent.
    @Test func wellFormedNestedNamesAndDottedValuesAreStored() async throws {
        let ingest = try await IngestTestServer.start()
        let (status, _) = try await ingest.post(
            "/api/users/update",
            #"{"email": "ada@example.com", "dataFields": {"obj": {"a_b": "x.y", "items": [{"sku": "a.b"}]}}}"#)
        #expect(status == 200)
        #expect(
            try ingest.engine.store.user(email: "ada@example.com")
                == ["email": "ada@example.com", "obj": ["a_b": "x.y", "items": [["sku": "a.b"]]]])
        try await ingest.shutdown()
    }
}
