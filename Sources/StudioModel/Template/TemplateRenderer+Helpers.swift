/// Inline helpers and the conditions of block helpers.
extension TemplateRenderer {
    mutating func callHelper(_ call: TemplateCall) throws(TemplateError) -> JSONValue? {
        switch call.helper {
        case .defaultIfEmpty:
            var last: JSONValue?
            for parameter in call.params {
                last = try evaluate(parameter)
                if let value = last, !Self.isEmpty(value) { return value }
            }
            return last
        case .toJson:
            return .string((try evaluate(call.params[0]) ?? .null).jsonText)
        case .join:
            let separator = try call.params.count > 1 ? text(call.params[1]) : ","
            guard let value = try evaluate(call.params[0]) else { return nil }
            guard case .array(let items) = value else { return value }
            return .string(items.map(\.displayText).joined(separator: separator))
        case .upper: return try mapText(call) { $0.uppercased() }
        case .lower: return try mapText(call) { $0.lowercased() }
        case .capitalize: return try mapText(call, Self.capitalizeWords)
        case .capitalizeFirst: return try mapText(call) { $0.prefix(1).uppercased() + $0.dropFirst() }
        case .urlEncode:
            guard let value = try evaluate(call.params[0]) else { return nil }
            return .string(TemplateEncoding.formEncoded(value.displayText))
        case .size: return try size(call)
        case .lookup:
            guard let container = try evaluate(call.params[0]), let key = try evaluate(call.params[1]) else { return nil }
            return Self.member(container, key.displayText)
        case .eq, .lt, .lte, .gt, .gte, .not: return try comparison(call)
        case .math: return try math(call)
        case .numberFormat: return try numberFormat(call)
        case .dateFormat: return try dateFormat(call)
        case .dateMath: return try dateMath(call)
        case .now: return try formatDate(context.now, call)
        case .timestamp: return .int(Int((context.now.timeIntervalSince1970 * 1000).rounded()))
        case .cut, .replace, .substring, .abbreviate, .center, .split, .concat: return try callTextHelper(call)
        case .base64, .toUrlEncodedJson, .hexEncode, .md5, .sha1, .sha256, .hmacSHA1, .hmacSHA256:
            return try callEncodingHelper(call)
        case .maxInList, .minInList, .inLeftNotInRight: return try callListHelper(call)
        case .if, .unless, .each, .with, .ifEq, .ifGt, .ifGte, .ifLt, .ifLte, .ifContainsStr, .ifMatchesRegexStr,
            .ifModEq, .and, .or, .breaklines:
            // The parser only lets block helpers open blocks.
            throw error(call.offset, "'\(call.helper.rawValue)' is a block helper")
        }
    }

    /// Whether a conditional block helper renders its body (true) or its `{{else}}` part.
    mutating func blockCondition(_ helper: TemplateHelper, _ block: TemplateBlock) throws(TemplateError) -> Bool {
        switch helper {
        case .if, .unless:
            // As handlebars.js: `unless` is `if` with its parts swapped, and both read includeZero=.
            let value = try evaluate(block.params[0])
            var truthy = value?.isTruthy ?? false
            if !truthy, value?.isZero == true { truthy = try hashFlag("includeZero", block.hash) }
            return helper == .if ? truthy : !truthy
        case .ifEq, .ifGt, .ifGte, .ifLt, .ifLte:
            return try compare(helper, block.params[0], block.params[1])
        case .ifContainsStr:
            let haystack = try evaluate(block.params[0])
            let needle = try text(block.params[1])
            if case .array(let items)? = haystack { return items.contains { $0.displayText == needle } }
            return (haystack?.displayText ?? "").contains(needle)
        case .ifMatchesRegexStr:
            let value = try text(block.params[0])
            let pattern = try text(block.params[1])
            return try matches(value, pattern: pattern, offset: block.offset)
        case .ifModEq:
            guard let value = try evaluate(block.params[0]).flatMap(Self.number),
                let divisor = try evaluate(block.params[1]).flatMap(Self.number),
                let remainder = try evaluate(block.params[2]).flatMap(Self.number), divisor != 0
            else { return false }
            return value.truncatingRemainder(dividingBy: divisor) == remainder
        case .and:
            for parameter in block.params where !(try evaluate(parameter)?.isTruthy ?? false) { return false }
            return true
        case .or:
            for parameter in block.params where try evaluate(parameter)?.isTruthy ?? false { return true }
            return false
        default:
            throw error(block.offset, "'\(helper.rawValue)' is not a conditional block helper")
        }
    }

    /// The length of a list, object or text: a length, not the value, so a secret's is not a
    /// secret read (``TemplateSecretTrace``).
    private mutating func size(_ call: TemplateCall) throws(TemplateError) -> JSONValue? {
        let reads = secretTrace.reads
        defer { secretTrace.reads = reads }
        switch try evaluate(call.params[0]) {
        case .array(let items)?: return .int(items.count)
        case .object(let object)?: return .int(object.count)
        // UTF-16 code units, as JavaScript's and Java's `length` count.
        case .string(let string)?: return .int(string.utf16.count)
        case .none, .null?: return .int(0)
        default: return nil
        }
    }

    /// `eq`, `lt`, `lte`, `gt`, `gte` and `not`: what they compare decides one bit, so it is not a
    /// secret read (``TemplateSecretTrace``); a `yes=` or `no=` text they write is.
    private mutating func comparison(_ call: TemplateCall) throws(TemplateError) -> JSONValue? {
        let reads = secretTrace.reads
        let result: Bool
        if call.helper == .not {
            result = !(try evaluate(call.params[0])?.isTruthy ?? false)
        } else {
            result = try compare(call.helper, call.params[0], call.params[1])
        }
        secretTrace.reads = reads
        return try yesNo(result, call)
    }

    // MARK: - Support

    mutating func text(_ expression: TemplateExpression) throws(TemplateError) -> String {
        try evaluate(expression)?.displayText ?? ""
    }

    mutating func hashText(_ key: String, _ hash: [TemplateHashArgument]) throws(TemplateError) -> String? {
        for argument in hash where argument.key == key { return try evaluate(argument.value)?.displayText }
        return nil
    }

    private mutating func hashFlag(_ key: String, _ hash: [TemplateHashArgument]) throws(TemplateError) -> Bool {
        for argument in hash where argument.key == key { return try evaluate(argument.value)?.isTruthy ?? false }
        return false
    }

    mutating func mapText(_ call: TemplateCall, _ transform: (String) -> String) throws(TemplateError) -> JSONValue? {
        guard let value = try evaluate(call.params[0]) else { return nil }
        if case .null = value { return nil }
        return .string(transform(value.displayText))
    }

    private mutating func yesNo(_ result: Bool, _ call: TemplateCall) throws(TemplateError) -> JSONValue {
        if let text = try hashText(result ? "yes" : "no", call.hash) { return .string(text) }
        if try hashText(result ? "no" : "yes", call.hash) != nil { return .string("") }
        return .bool(result)
    }

    /// Unset values, null and empty strings are empty for `defaultIfEmpty`.
    static func isEmpty(_ value: JSONValue) -> Bool {
        switch value {
        case .null: true
        case .string(let string): string.trimmingWhitespace().isEmpty
        case .array(let items): items.isEmpty
        default: false
        }
    }

    static func capitalizeWords(_ text: String) -> String {
        var result = ""
        var atWordStart = true
        for character in text {
            if character.isWhitespace {
                atWordStart = true
                result.append(character)
            } else if atWordStart {
                result += character.uppercased()
                atWordStart = false
            } else {
                result.append(character)
            }
        }
        return result
    }

    /// A number from a JSON number or a numeric string.
    static func number(_ value: JSONValue) -> Double? {
        switch value {
        case .int(let number): Double(number)
        case .double(let number): number
        case .string(let string): Double(string.trimmingWhitespace())
        case .bool, .null, .array, .object: nil
        }
    }

    /// Numeric comparison when both sides are numbers (or one is a number and the other a numeric string);
    /// otherwise a string comparison.
    mutating func compare(
        _ helper: TemplateHelper, _ left: TemplateExpression, _ right: TemplateExpression
    ) throws(TemplateError) -> Bool {
        let lhs = try evaluate(left) ?? .null
        let rhs = try evaluate(right) ?? .null
        let order: Int
        if Self.isNumber(lhs) || Self.isNumber(rhs), let a = Self.number(lhs), let b = Self.number(rhs) {
            order = a < b ? -1 : (a > b ? 1 : 0)
        } else {
            let a = lhs.displayText
            let b = rhs.displayText
            order = a < b ? -1 : (a > b ? 1 : 0)
        }
        switch helper {
        case .ifEq, .eq: return order == 0
        case .ifGt, .gt: return order > 0
        case .ifGte, .gte: return order >= 0
        case .ifLt, .lt: return order < 0
        default: return order <= 0
        }
    }

    private static func isNumber(_ value: JSONValue) -> Bool {
        switch value {
        case .int, .double: true
        default: false
        }
    }

    /// `math`'s operators.
    enum MathOperator: String {
        case add = "+", subtract = "-", multiply = "*", divide = "/", remainder = "%"

        init(named name: String) throws(TemplateArgumentProblem) {
            guard let known = MathOperator(rawValue: name) else {
                throw TemplateArgumentProblem(message: "unknown math operator '\(name)'; expected one of + - * / %")
            }
            self = known
        }
    }

    private mutating func math(_ call: TemplateCall) throws(TemplateError) -> JSONValue? {
        // The operator first: a bad one fails whatever the values, missing ones included.
        let name = try text(call.params[1])
        let operation: MathOperator
        do {
            operation = try MathOperator(named: name)
        } catch {
            throw self.error(call.offset, error.message)
        }
        guard let lhsValue = try evaluate(call.params[0]), let a = Self.number(lhsValue),
            let rhsValue = try evaluate(call.params[2]), let b = Self.number(rhsValue)
        else { return nil }
        let integers = Self.isInteger(lhsValue) && Self.isInteger(rhsValue)
        let result: Double
        switch operation {
        case .add: result = a + b
        case .subtract: result = a - b
        case .multiply: result = a * b
        case .divide, .remainder:
            guard b != 0 else { throw error(call.offset, "division by zero in 'math'") }
            result = operation == .divide ? a / b : a.truncatingRemainder(dividingBy: b)
        }
        if integers, result == result.rounded(), abs(result) < 9e15 { return .int(Int(result)) }
        return .double(result)
    }

    private static func isInteger(_ value: JSONValue) -> Bool {
        switch value {
        case .int: return true
        case .string(let string): return Int(string.trimmingWhitespace()) != nil
        default: return false
        }
    }
}
