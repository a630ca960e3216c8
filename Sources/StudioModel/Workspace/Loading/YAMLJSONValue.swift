import Yams

/// Converts YAML nodes into `JSONValue`s, keeping quoted scalars as strings.
///
/// A plain scalar is read by YAML 1.2's JSON-like rules, not YAML 1.1's: `02134` is the text
/// `"02134"` (a zip code), not the octal 1116; `yes`, `on` and `no` are text, not booleans; a
/// number is one JSON would write. Values typed into `fields:` and `branches:` reach profiles
/// and comparisons as they read.
enum YAMLJSONValue {
    static func convert(_ node: Node) -> JSONValue {
        switch node {
        case .scalar(let scalar):
            guard scalar.style == .plain || scalar.style == .any else { return .string(scalar.string) }
            let text = scalar.string
            switch text {
            case "", "~", "null", "Null", "NULL": return .null
            case "true", "True", "TRUE": return .bool(true)
            case "false", "False", "FALSE": return .bool(false)
            default: break
            }
            guard !text.hasPrefix("+"), ProfileMerge.isDecimalNumber(text) else { return .string(text) }
            if let integer = Int(text) { return .int(integer) }
            return Double(text).map(JSONValue.double) ?? .string(text)
        case .sequence(let sequence):
            return .array(sequence.map(convert))
        case .mapping(let mapping):
            return .object(JSONObject(mapping.map { ($0.key.scalar?.string ?? "", convert($0.value)) }))
        case .alias:
            return .null
        }
    }
}
