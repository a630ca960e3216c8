/// A condition as it is typed on one line, in the studio's forms:
/// `plan equals pro and age greaterThan 30`, `vip exists or plan equals "pro plus"`.
///
/// Clauses are `field operator value` (`exists` and `notExists` take no value), joined all by
/// `and` or all by `or`. A value of one word that reads as a number, `true` or `false` stays
/// typed; anything else is text. A value or field in double quotes (a JSON string) is text
/// as written, so it can hold spaces, `and`, `or` or digits: `zip equals "02134"`.
extension Condition {
    /// Why a typed line is not a condition.
    public struct TypedError: Error, Sendable, Equatable, CustomStringConvertible {
        public var description: String
    }

    /// Reads a typed condition.
    /// - Throws: ``TypedError`` saying what is missing or mixed.
    public init(typed text: String) throws(TypedError) {
        var tokens = try Self.tokens(of: text)[...]
        guard !tokens.isEmpty else { throw TypedError(description: "write field operator value, as plan equals pro") }
        var clauses: [Clause] = []
        var combinator: Combinator?
        while true {
            guard let field = tokens.popFirst() else { throw TypedError(description: "a clause is missing after and/or") }
            guard let opToken = tokens.popFirst(), case .word(let opName) = opToken, let op = Operator(rawValue: opName) else {
                let names = Operator.allCases.map(\.rawValue).joined(separator: " ")
                throw TypedError(description: "after \(field.text) comes an operator: \(names)")
            }
            var words: [Token] = []
            while let next = tokens.first, next.combinator == nil {
                words.append(next)
                tokens.removeFirst()
            }
            switch op {
            case .exists, .notExists:
                guard words.isEmpty else { throw TypedError(description: "\(op.rawValue) takes no value") }
                clauses.append(Clause(field: field.text, op: op))
            default:
                guard let value = Self.value(of: words) else {
                    throw TypedError(description: "\(field.text) \(op.rawValue) needs a value (in \"quotes\" when it holds spaces with and/or)")
                }
                clauses.append(Clause(field: field.text, op: op, value: value))
            }
            guard let joint = tokens.popFirst()?.combinator else { break }
            if let combinator, combinator != joint {
                throw TypedError(description: "join every clause with and, or every clause with or, not both")
            }
            combinator = joint
        }
        self.init(combinator ?? .all, clauses)
    }

    /// The condition as it is typed, read back by ``init(typed:)`` as the same condition; nil when
    /// a value is a list, an object or null, which one line cannot hold.
    public var typedText: String? {
        var parts: [String] = []
        for clause in clauses {
            var part = Self.typed(clause.field) + " " + clause.op.rawValue
            switch clause.op {
            case .exists, .notExists: break
            default:
                switch clause.value {
                case .string(let text): part += " " + Self.typed(text)
                case .int, .double, .bool: part += " " + clause.value.jsonText
                case .null, .array, .object: return nil
                }
            }
            parts.append(part)
        }
        return parts.joined(separator: combinator == .all ? " and " : " or ")
    }

    /// The condition as a YAML flow mapping, as a workflow file writes it:
    /// `{all: [{field: plan, op: equals, value: pro}]}`.
    public var yamlFlow: String {
        let items = clauses.map { clause -> String in
            var item = "{field: \(DefinitionFieldText.Value.quotedIfNeeded(clause.field)), op: \(clause.op.rawValue)"
            switch clause.op {
            case .exists, .notExists: break
            default:
                if case .string(let text) = clause.value {
                    item += ", value: \(DefinitionFieldText.Value.quotedIfNeeded(text))"
                } else {
                    item += ", value: \(clause.value.jsonText)"
                }
            }
            return item + "}"
        }
        return "{\(combinator.rawValue): [\(items.joined(separator: ", "))]}"
    }

    // MARK: - Reading

    private enum Token {
        case word(String)
        case quoted(String)

        var text: String {
            switch self {
            case .word(let text), .quoted(let text): text
            }
        }

        var combinator: Combinator? {
            guard case .word(let word) = self else { return nil }
            return switch word {
            case "and": .all
            case "or": .any
            default: nil
            }
        }
    }

    private static func tokens(of text: String) throws(TypedError) -> [Token] {
        var tokens: [Token] = []
        var rest = Substring(text)
        while true {
            rest = rest.drop { $0 == " " || $0 == "\t" }
            guard let first = rest.first else { return tokens }
            if first == "\"" {
                var end = rest.index(after: rest.startIndex)
                var escaped = false
                while end < rest.endIndex, escaped || rest[end] != "\"" {
                    escaped = !escaped && rest[end] == "\\"
                    end = rest.index(after: end)
                }
                guard end < rest.endIndex, case .string(let string)? = try? JSONValue.parse(String(rest[...end])) else {
                    throw TypedError(description: "a quoted value is not closed, or has a bad escape: \(rest)")
                }
                tokens.append(.quoted(string))
                rest = rest[rest.index(after: end)...]
            } else {
                let word = rest.prefix { $0 != " " && $0 != "\t" }
                tokens.append(.word(String(word)))
                rest = rest.dropFirst(word.count)
            }
        }
    }

    /// One quoted token is its text; one word may be a number or a boolean; several words are text.
    private static func value(of tokens: [Token]) -> JSONValue? {
        switch tokens.count {
        case 0: return nil
        case 1:
            guard case .word(let word) = tokens[0] else { return .string(tokens[0].text) }
            switch try? JSONValue.parse(word) {
            case let typed? where typed.isScalarNumberOrBool: return typed
            default: return .string(word)
            }
        default:
            guard tokens.allSatisfy({ if case .word = $0 { true } else { false } }) else { return nil }
            return .string(tokens.map(\.text).joined(separator: " "))
        }
    }

    // MARK: - Writing

    /// A word as typed, in quotes when it would read back otherwise: a connector, a number or
    /// boolean, spaces, a quote, or nothing at all.
    private static func typed(_ text: String) -> String {
        let plain =
            !text.isEmpty && !text.contains(where: { $0 == " " || $0 == "\t" || $0 == "\"" })
            && !["and", "or"].contains(text)
            && !((try? JSONValue.parse(text))?.isScalarNumberOrBool ?? false)
        return plain ? text : JSONValue.string(text).jsonText
    }
}

extension JSONValue {
    fileprivate var isScalarNumberOrBool: Bool {
        switch self {
        case .int, .double, .bool: true
        default: false
        }
    }
}
