import Foundation
import GRDB
import StudioEngine
import StudioModel
import Testing

/// Migration `v9-profile-field-types` on a store file the previous version wrote, when a field's
/// type was kept per user: the project's types are read once from the stored profiles.
struct ProfileFieldTypesMigrationTests {
    /// A store file as the version before `v9-profile-field-types` left it: the current schema
    /// without `profileField`, and the profiles written here with raw SQL.
    private func oldStore(_ rows: String) async throws -> String {
        try await EngineFixtures.storeBefore(migrations: ["v9-profile-field-types"], dropping: ["profileField"], rows: rows)
    }

    /// Profiles that disagree on `age`, as per-user types let them: two numbers and a string.
    private static let rows = """
        INSERT INTO user (email, profile) VALUES
          ('ada@example.com', '{"email":"ada@example.com","age":36,"prefs":{"sms":true},"note":null}'),
          ('bob@example.com', '{"email":"bob@example.com","age":41.5,"plan":"pro"}'),
          ('eve@example.com', '{"email":"eve@example.com","age":"forty","vip":false}'),
          ('odd@example.com', '[1, 2]'),
          ('bad@example.com', 'not json');
        """

    /// Each field keeps the type most profiles hold it with; a field only stored as null is known
    /// without a type; `email` and text that is no JSON object add nothing.
    @Test func theProjectsTypesAreReadFromTheStoredProfiles() async throws {
        let store = try SQLiteStateStore(path: try await oldStore(Self.rows))

        #expect(
            try store.profileFieldTypes() == ["age": .number, "prefs": .object, "plan": .string, "vip": .boolean])
        try store.mergeUsers(
            [["email": "cy@example.com", "note": "hi", "shoeSize": 41]], mergeNestedObjects: false, createNewFields: false)
        #expect(try store.user(email: "cy@example.com") == ["email": "cy@example.com", "note": "hi"])
    }

    /// The user whose profile disagrees with the project's type is held to it as any user is: a
    /// string is refused, a number is stored, over the old value.
    @Test func aUserHoldingAnotherTypeIsHeldToTheProjectsType() async throws {
        let store = try SQLiteStateStore(path: try await oldStore(Self.rows))

        #expect(throws: ProfileMerge.FieldTypeConflict.self) {
            try store.mergeUsers([["email": "eve@example.com", "age": "fifty"]], mergeNestedObjects: false, keepingTypes: true)
        }
        #expect(throws: ProfileMerge.FieldTypeConflict.self) {
            try store.mergeUsers([["email": "dee@example.com", "age": "fifty"]], mergeNestedObjects: false, keepingTypes: true)
        }
        try store.mergeUsers([["email": "eve@example.com", "age": 40]], mergeNestedObjects: false, keepingTypes: true)
        #expect(try store.user(email: "eve@example.com") == ["email": "eve@example.com", "age": 40, "vip": false])
    }
}
