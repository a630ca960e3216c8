import Testing
import Yams
import StudioModel

/// Conditions typed on one line in the studio's forms, and written back as YAML.
struct ConditionTypedTests {
    typealias Clause = Condition.Clause

    static let readable: [(String, Condition)] = [
        ("plan equals pro", Condition(.all, [Clause(field: "plan", op: .equals, value: "pro")])),
        ("age greaterThan 30", Condition(.all, [Clause(field: "age", op: .greaterThan, value: 30)])),
        ("vip exists", Condition(.all, [Clause(field: "vip", op: .exists)])),
        ("plan equals pro and age greaterThan 30.5",
         Condition(.all, [Clause(field: "plan", op: .equals, value: "pro"), Clause(field: "age", op: .greaterThan, value: 30.5)])),
        ("vip equals true or plan notEquals free or email notExists",
         Condition(.any, [Clause(field: "vip", op: .equals, value: true), Clause(field: "plan", op: .notEquals, value: "free"),
                          Clause(field: "email", op: .notExists)])),
        ("address.city equals New York", Condition(.all, [Clause(field: "address.city", op: .equals, value: "New York")])),
        (#"  zip equals "02134"  and name contains "Tom and \"Jerry\"" "#,
         Condition(.all, [Clause(field: "zip", op: .equals, value: "02134"), Clause(field: "name", op: .contains, value: "Tom and \"Jerry\"")])),
        (#""First Name" equals "" "#, Condition(.all, [Clause(field: "First Name", op: .equals, value: "")])),
    ]

    @Test func typedLinesAreReadAsConditions() throws {
        for (text, expected) in Self.readable {
            #expect(try Condition(typed: text) == expected, "\(text)")
        }
    }

    /// What the form shows reads back as the same condition, and its YAML loads as it.
    @Test func theTypedTextAndTheYAMLReadBackAsTheSameCondition() throws {
        for (_, condition) in Self.readable {
            let typed = try #require(condition.typedText)
            #expect(try Condition(typed: typed) == condition, "\(typed)")
            let loaded = try #require(try Yams.load(yaml: "c: " + condition.yamlFlow) as? [String: Any])
            let mapping = try #require(loaded["c"] as? [String: [[String: Any]]])
            let clauses = try #require(mapping[condition.combinator.rawValue])
            #expect(clauses.count == condition.clauses.count)
            for (loadedClause, clause) in zip(clauses, condition.clauses) {
                #expect(loadedClause["field"] as? String == clause.field)
                #expect(loadedClause["op"] as? String == clause.op.rawValue)
                if case .string(let text) = clause.value { #expect(loadedClause["value"] as? String == text, "\(condition.yamlFlow)") }
            }
        }
        // Text that would read back as a number or a connector is quoted; "02134" is no JSON number.
        #expect(Condition(.all, [Clause(field: "zip", op: .equals, value: "30")]).typedText == #"zip equals "30""#)
        #expect(Condition(.all, [Clause(field: "zip", op: .equals, value: "02134")]).typedText == "zip equals 02134")
        #expect(Condition(.all, [Clause(field: "w", op: .equals, value: "or")]).typedText == #"w equals "or""#)
        #expect(Condition(.all, [Clause(field: "tags", op: .contains, value: ["a"])]).typedText == nil)
    }

    @Test func aLineThatIsNoConditionSaysWhy() {
        let refused: [(String, String)] = [
            ("", "write field operator value"),
            ("plan is pro", "after plan comes an operator"),
            ("plan equals", "needs a value"),
            ("vip exists yes", "takes no value"),
            ("plan equals pro and", "a clause is missing"),
            ("a equals 1 and b equals 2 or c exists", "not both"),
            (#"plan equals "pro"#, "not closed"),
        ]
        for (text, reason) in refused {
            #expect(throws: Condition.TypedError.self, "\(text)") { try Condition(typed: text) }
            do { _ = try Condition(typed: text) } catch { #expect(error.description.contains(reason), "\(text): \(error)") }
        }
    }
}
