/// A yes/no test on a user's profile and trigger data.
public struct Condition: Sendable, Hashable, CustomStringConvertible {
    public enum Combinator: String, Sendable, Hashable {
        case all
        case any
    }

    public var combinator: Combinator
    public var clauses: [Clause]

    public init(_ combinator: Combinator = .all, _ clauses: [Clause]) {
        self.combinator = combinator
        self.clauses = clauses
    }

    public struct Clause: Sendable, Hashable {
        public var field: String
        public var op: Operator
        public var value: JSONValue

        public init(field: String, op: Operator, value: JSONValue = .null) {
            self.field = field
            self.op = op
            self.value = value
        }
    }

    public enum Operator: String, Sendable, Hashable, CaseIterable {
        case equals, notEquals, greaterThan, lessThan, contains, exists, notExists

        var symbol: String {
            switch self {
            case .equals: "="
            case .notEquals: "≠"
            case .greaterThan: ">"
            case .lessThan: "<"
            case .contains: "contains"
            case .exists: "exists"
            case .notExists: "not exists"
            }
        }
    }

    /// Whether `lookup` satisfies the condition; `lookup` resolves a dotted field path.
    public func evaluate(_ lookup: (String) -> JSONValue?) -> Bool {
        switch combinator {
        case .all: return clauses.allSatisfy { $0.evaluate(lookup($0.field)) }
        case .any: return clauses.contains { $0.evaluate(lookup($0.field)) }
        }
    }

    public var description: String {
        clauses.map { clause in
            switch clause.op {
            case .exists, .notExists: "\(clause.field) \(clause.op.symbol)"
            default: "\(clause.field) \(clause.op.symbol) \(clause.value.displayText)"
            }
        }.joined(separator: combinator == .all ? " and " : " or ")
    }
}

extension Condition.Clause {
    func evaluate(_ actual: JSONValue?) -> Bool {
        switch op {
        case .exists: return actual != nil && actual != .null
        case .notExists: return actual == nil || actual == .null
        case .equals: return Self.equal(actual, value)
        case .notEquals: return !Self.equal(actual, value)
        case .greaterThan, .lessThan:
            guard let actual else { return false }
            if let a = actual.doubleValue ?? Double(actual.displayText), let b = value.doubleValue ?? Double(value.displayText) {
                return op == .greaterThan ? a > b : a < b
            }
            return op == .greaterThan ? actual.displayText > value.displayText : actual.displayText < value.displayText
        case .contains:
            guard let actual else { return false }
            if let array = actual.arrayValue { return array.contains { Self.equal($0, value) } }
            return actual.displayText.contains(value.displayText)
        }
    }

    /// Numbers compare by value, everything else by its text, so `plan: pro` matches "pro" and 3 matches 3.0.
    static func equal(_ actual: JSONValue?, _ expected: JSONValue) -> Bool {
        guard let actual else { return expected == .null }
        if let a = actual.doubleValue, let b = expected.doubleValue { return a == b }
        return actual.displayText == expected.displayText
    }
}
