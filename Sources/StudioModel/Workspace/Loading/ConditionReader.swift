import Yams

/// Reads a Yes/No condition: `{all: [{field, op, value}]}` or `{any: […]}`.
enum ConditionReader {
    static func read(_ node: Node, in file: YAMLFile) -> Condition? {
        guard let mapping = YAMLMapping(node, in: file, what: "condition") else { return nil }
        let shapeHint = "write {all: [{field: plan, op: equals, value: pro}]} or {any: [...]}"
        let combinators = mapping.entries.filter { Condition.Combinator(rawValue: $0.key) != nil }
        guard let first = combinators.first, let combinator = Condition.Combinator(rawValue: first.key) else {
            file.error("condition must have an 'all' or 'any' list", at: node, hint: shapeHint)
            return nil
        }
        guard combinators.count == 1 else {
            file.error("condition must have either 'all' or 'any', not both", at: node, hint: shapeHint)
            return nil
        }
        mapping.checkKeys(["all", "any"])
        guard let items = mapping.sequence(first.key) else { return nil }
        guard !items.isEmpty else {
            file.error("condition '\(first.key)' needs at least one clause", at: first.value, hint: shapeHint)
            return nil
        }
        var clauses: [Condition.Clause] = []
        var failed = false
        for item in items {
            if let clause = readClause(item, in: file) { clauses.append(clause) } else { failed = true }
        }
        return failed ? nil : Condition(combinator, clauses)
    }

    private static func readClause(_ node: Node, in file: YAMLFile) -> Condition.Clause? {
        guard let mapping = YAMLMapping(node, in: file, what: "condition clause") else { return nil }
        mapping.checkKeys(["field", "op", "value"])
        let field = mapping.requiredString("field")
        let opNames = Condition.Operator.allCases.map(\.rawValue)
        guard mapping.required("op") != nil, let opName = mapping.choice("op", from: opNames, noun: "operator"),
            let op = Condition.Operator(rawValue: opName), let field
        else { return nil }
        let value = mapping["value"]
        switch op {
        case .exists, .notExists:
            if value != nil {
                file.warning("'value' is ignored for operator '\(op.rawValue)'", at: mapping.entries.first { $0.key == "value" }?.keyNode)
            }
            return Condition.Clause(field: field, op: op)
        default:
            guard let value else {
                file.error("missing required key 'value' for operator '\(op.rawValue)'", at: node)
                return nil
            }
            return Condition.Clause(field: field, op: op, value: YAMLJSONValue.convert(value))
        }
    }
}
