import StudioModel
import Testing

/// A profile field keeps the type it was first set with (Iterable's rule for profile writes):
/// ``ProfileMerge/typeConflict(in:with:)`` names the first field an update would change.
struct ProfileMergeTests {
    static let profile: JSONObject = ["email": "ada@example.com", "age": 36, "plan": "pro", "vip": true, "prefs": ["sms": true], "tags": ["a"], "gone": nil]

    /// Updates and the conflict each gives, as `field: stored, given given`; nil for none.
    static let updates: [(JSONObject, String?)] = [
        (["age": 36.5, "plan": "team", "vip": false, "tags": ["b", "c"]], nil),
        (["age": nil, "prefs": nil, "new": "x", "gone": 3], nil),
        (["prefs": ["email": true]], nil),
        // Fields a merge skips do not conflict: the update leaves them as they are.
        (["email": 5, "age.x": "x"], nil),
        (["plan": "pro", "age": "thirty"], "age: number, given string"),
        (["vip": 1], "vip: boolean, given number"),
        (["tags": "a"], "tags: array, given string"),
        (["prefs": ["sms": "yes"]], "prefs.sms: boolean, given string"),
        (["prefs": [true]], "prefs: object, given array"),
    ]

    @Test(arguments: updates)
    func aValueOfAnotherTypeIsTheConflict(update: JSONObject, conflict: String?) {
        let found = ProfileMerge.typeConflict(in: update, with: Self.profile)
        #expect(found.map { "\($0.field): \($0.stored.rawValue), given \($0.given.rawValue)" } == conflict)
    }

    @Test func theConflictSaysWhatKeepsWhichType() {
        let conflict = ProfileMerge.typeConflict(in: ["age": "thirty"], with: Self.profile)
        #expect(
            conflict?.description
                == "field 'age' has type number and keeps it: a value of type string cannot be stored in it (null clears it)")
    }

    /// A webhook's answer merged into the profile: the fields that would change a type are left
    /// out and named; the rest are merged as before. Reserved fields stay skipped, unreported.
    @Test func aMergeKeepingTypesLeavesOutTheFieldsThatWouldChangeOne() {
        let answer: JSONObject = ["age": "forty", "plan": "team", "prefs": ["sms": "no"], "tier": "gold", "email": 5]
        let (merged, refused) = ProfileMerge.mergeKeepingTypes(answer, into: Self.profile, mergeNestedObjects: true)
        #expect(refused.map(\.field) == ["age", "prefs.sms"])
        #expect(merged["age"] == 36)
        #expect(merged["prefs"] == ["sms": true])
        #expect(merged["plan"] == "team")
        #expect(merged["tier"] == "gold")
        #expect(merged["email"] == "ada@example.com")
    }

    /// Iterable fails only a value "that cannot be coerced into the appropriate type": numeric
    /// text for a number field, a number or boolean for a text field and `true`/`false` for a
    /// boolean one are written as the field's type, nested fields too; the rest is left for the
    /// conflict. `"5"` for a number field refused the whole call.
    @Test(arguments: [
        (["age": "37"], ["age": 37]),
        (["age": " 36.5 "], ["age": 36.5]),
        (["plan": 42], ["plan": "42"]),
        (["plan": false], ["plan": "false"]),
        (["vip": "FALSE"], ["vip": false]),
        (["prefs": ["sms": "true"]], ["prefs": ["sms": true]]),
        (["age": "forty", "vip": "yes", "tags": "a", "plan": ["x"]], ["age": "forty", "vip": "yes", "tags": "a", "plan": ["x"]]),
        (["age": "", "new": "5"], ["age": "", "new": "5"]),
        // Only decimal numbers, as JSON writes them: not the hex, the bare point or the words Swift reads.
        (["age": "0x10"], ["age": "0x10"]),
        (["age": "5."], ["age": "5."]),
        (["age": "inf"], ["age": "inf"]),
        (["age": "-1.5e3"], ["age": -1500.0]),
    ] as [(JSONObject, JSONObject)])
    func aValueThatCanBeReadAsItsFieldsTypeIsWrittenAsIt(update: JSONObject, coerced: JSONObject) {
        #expect(ProfileMerge.coercing(update, toTypesOf: Self.profile) == coerced)
    }

    /// The project's type wins over what this user holds, as for conflicts.
    @Test func theProjectsTypeDecidesTheCoercion() {
        let coerced = ProfileMerge.coercing(["score": "12"], toTypesOf: ["score": "old"], fieldTypes: ["score": .number])
        #expect(coerced == ["score": 12])
    }
}
