import Foundation

/// A JSON value that keeps its type: profile fields, event data and rendered bodies.
///
/// Integers and doubles stay distinct so that `{"age": 36}` is never sent as `36.0`.
/// Object keys are kept in insertion order so bodies and profiles print as they were written.
public enum JSONValue: Sendable, Hashable {
    case null
    case bool(Bool)
    case int(Int)
    case double(Double)
    case string(String)
    case array([JSONValue])
    case object(JSONObject)
}

extension JSONValue {
    /// The value at `key` when this is an object.
    public subscript(key: String) -> JSONValue? {
        if case .object(let object) = self { return object[key] }
        return nil
    }

    public var objectValue: JSONObject? {
        if case .object(let object) = self { return object }
        return nil
    }

    public var arrayValue: [JSONValue]? {
        if case .array(let array) = self { return array }
        return nil
    }

    public var stringValue: String? {
        if case .string(let string) = self { return string }
        return nil
    }

    /// A number as a `Double`, whether stored as an integer or not.
    public var doubleValue: Double? {
        switch self {
        case .int(let value): Double(value)
        case .double(let value): value
        default: nil
        }
    }

    /// Handlebars truthiness: false for null, false, empty string, 0 and empty arrays.
    public var isTruthy: Bool {
        switch self {
        case .null: false
        case .bool(let value): value
        case .int(let value): value != 0
        case .double(let value): value != 0 && !value.isNaN
        case .string(let value): !value.isEmpty
        case .array(let value): !value.isEmpty
        case .object: true
        }
    }

    /// Whether this is the number 0, which Handlebars' `#with` still treats as a value.
    var isZero: Bool {
        switch self {
        case .int(let value): value == 0
        case .double(let value): value == 0
        default: false
        }
    }

    /// The text a merge tag prints for this value (before escaping).
    public var displayText: String {
        switch self {
        case .null: ""
        case .bool(let value): value ? "true" : "false"
        case .int(let value): String(value)
        case .double(let value): JSONValue.format(value)
        case .string(let value): value
        case .array(let values): values.map(\.displayText).joined(separator: ",")
        case .object: "[object Object]"
        }
    }

    /// A number as JavaScript writes it (ECMAScript `Number::toString`), so a merge tag prints
    /// what handlebars.js and `JSON.stringify` print: `1e-7`, `100000000000000000000`, `1e+21`.
    static func format(_ value: Double) -> String {
        if value.isFinite, value == value.rounded(), abs(value) < 1e15 {
            return String(Int64(value))
        }
        guard value.isFinite else { return value.isNaN ? "NaN" : value < 0 ? "-Infinity" : "Infinity" }
        if value < 0 { return "-" + format(-value) }
        // Swift's description has the shortest digits that read back as `value`; only their
        // layout differs from JavaScript's, and only when Swift writes an exponent or a whole
        // number as `1000000000000000.0`.
        let text = "\(value)"
        guard text.utf8.contains(UInt8(ascii: "e")) || text.hasSuffix(".0") else { return text }
        let parts = text.split(separator: "e", maxSplits: 1)
        let mantissa = parts[0]
        let exponent = parts.count > 1 ? Int(parts[1]) ?? 0 : 0
        let point = mantissa.firstIndex(of: ".").map { mantissa.distance(from: mantissa.startIndex, to: $0) } ?? mantissa.count
        var digits = Array(mantissa.filter { $0 != "." })
        // The decimal point sits after `n` digits: value = 0.digits × 10^n.
        var n = point + exponent
        while digits.count > 1, digits.first == "0" {
            digits.removeFirst()
            n -= 1
        }
        while digits.count > 1, digits.last == "0" { digits.removeLast() }
        let k = digits.count
        if k <= n, n <= 21 { return String(digits) + String(repeating: "0", count: n - k) }
        if 0 < n, n <= 21 { return String(digits[..<n]) + "." + String(digits[n...]) }
        if -6 < n, n <= 0 { return "0." + String(repeating: "0", count: -n) + String(digits) }
        let e = n - 1
        let sign = e < 0 ? "-" : "+"
        let head = k == 1 ? String(digits) : String(digits[0]) + "." + String(digits[1...])
        return head + "e" + sign + String(abs(e))
    }
}

extension JSONValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByBooleanLiteral,
    ExpressibleByFloatLiteral, ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral, ExpressibleByNilLiteral
{
    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int) { self = .int(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(floatLiteral value: Double) { self = .double(value) }
    public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
    public init(dictionaryLiteral elements: (String, JSONValue)...) { self = .object(JSONObject(elements)) }
    public init(nilLiteral: ()) { self = .null }
}
