import Foundation
import StudioModel
import Testing

@testable import StudioEngine

/// `mergeUsers`, which `hookline users import` writes through.
struct MergeUsersTests {
    /// Each update looked its email up in the list of those seen so far: 20,000 rows took 9 s and
    /// 100,000 minutes (the limit turns that back into a failure, not a hang); now a set.
    @Test(.timeLimit(.minutes(1))) func aHundredThousandUsersAreMergedInOnePass() throws {
        let folder = try EngineFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = try SQLiteStateStore(path: folder.appendingPathComponent("state.sqlite").path)
        try store.mergeUsers([JSONObject([("email", .string("u7@example.com")), ("plan", .string("free"))])], mergeNestedObjects: true)
        var updates = (0..<100_000).map { JSONObject([("email", .string("u\($0)@example.com")), ("n", .int($0))]) }
        updates.append(JSONObject([("email", .string("u3@example.com")), ("plan", .string("pro"))]))

        let (created, updated) = try store.mergeUsers(updates, mergeNestedObjects: true)

        #expect((created, updated) == (99_999, 1))
        let stored = try store.users(emails: ["u3@example.com", "u7@example.com", "u99999@example.com"])
        #expect(stored["u3@example.com"]?["plan"] == .string("pro"))
        #expect(stored["u3@example.com"]?["n"] == .int(3))
        #expect(stored["u7@example.com"]?["plan"] == .string("free"))
        #expect(stored["u99999@example.com"]?["n"] == .int(99_999))
    }

    /// Two users/update calls for one user at once each read the profile, merged their field and
    /// wrote the whole profile back, so the second write lost the first one's field. The read is
    /// now in the write's transaction.
    @Test func updatesOfOneUserMadeAtOnceAreAllKept() async throws {
        let folder = try EngineFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = try SQLiteStateStore(path: folder.appendingPathComponent("state.sqlite").path)
        try store.saveUsers([["email": "ada@example.com"]])
        await withTaskGroup(of: Void.self) { group in
            for field in 0..<40 {
                group.addTask {
                    _ = try? store.mergeUsers(
                        [JSONObject([("email", "ada@example.com"), ("f\(field)", .int(field))])], mergeNestedObjects: false)
                }
            }
        }
        let profile = try #require(try store.user(email: "ada@example.com"))
        #expect((0..<40).filter { profile["f\($0)"] == nil }.isEmpty, "\(profile)")
    }

    /// With `keepingTypes`, an update that would change a stored field's type stores nothing.
    @Test func anUpdateThatWouldChangeATypeStoresNothingOfItsCall() throws {
        let store = try SQLiteStateStore()
        try store.saveUsers([["email": "ada@example.com", "age": 36]])
        #expect(throws: ProfileMerge.FieldTypeConflict.self) {
            try store.mergeUsers(
                [["email": "bob@example.com", "age": 41], ["email": "ada@example.com", "age": "forty", "plan": "pro"]],
                mergeNestedObjects: false, keepingTypes: true)
        }
        #expect(try store.user(email: "ada@example.com") == ["email": "ada@example.com", "age": 36])
        #expect(try store.user(email: "bob@example.com") == nil)
    }
}

/// The project's field types (`profileField`), which every profile write keeps.
struct ProfileFieldTypeTests {
    /// Each write path records the fields new to the project with their first value's type; a
    /// write that does not check types (a fixture's save) changes no type once set.
    @Test func everyProfileWriteGivesAFieldNewToTheProjectItsType() throws {
        let store = try SQLiteStateStore()
        try store.saveUsers([["email": "ada@example.com", "age": 36, "note": nil]])
        try store.mergeUsers([["email": "bob@example.com", "plan": "pro"]], mergeNestedObjects: false)
        _ = try store.setFieldsKeepingTypes([("vip", true)], ofUser: "cy@example.com")
        _ = try store.mergeKeepingTypes(["tags": ["a"], "note": "x"], intoUser: "dee@example.com", mergeNestedObjects: false)
        #expect(
            try store.profileFieldTypes() == ["age": .number, "plan": .string, "vip": .boolean, "tags": .array, "note": .string])

        try store.saveUsers([["email": "ada@example.com", "age": "old"]])
        #expect(try store.profileFieldTypes()["age"] == .number)
    }

    /// Two new users in one merge: the first gives `age` its type, so the second's string is
    /// refused, naming its user and its place in the call, and nothing is stored.
    @Test func aNewUserCannotGiveAFieldAnotherTypeThanTheProjectKeeps() throws {
        let store = try SQLiteStateStore()
        let conflict = try #require(
            throws: ProfileMerge.FieldTypeConflict.self,
            performing: {
                try store.mergeUsers(
                    [["email": "bob@example.com", "age": 41], ["email": "eve@example.com", "age": "forty"]],
                    mergeNestedObjects: false, keepingTypes: true)
            })
        #expect(conflict.field == "age")
        #expect(conflict.user == "eve@example.com")
        #expect(conflict.update == 1)
        #expect(try store.userCount() == 0)
        #expect(try store.profileFieldTypes().isEmpty)
    }

    /// `createNewFields: false` reads the project's fields from the table: a field only ever
    /// stored as null is known, one no user was stored with is not.
    @Test func createNewFieldsFalseKnowsAFieldStoredAsNullOnly() throws {
        let store = try SQLiteStateStore()
        try store.mergeUsers([["email": "bob@example.com", "note": nil]], mergeNestedObjects: false)
        try store.mergeUsers(
            [["email": "ada@example.com", "note": "hi", "shoeSize": 41]], mergeNestedObjects: false, keepingTypes: true,
            createNewFields: false)
        #expect(try store.user(email: "ada@example.com") == ["email": "ada@example.com", "note": "hi"])
        #expect(try store.profileFieldTypes() == ["note": .string])
    }
}
