import Yams

extension JSONValue {
    /// The value as YAML flow text on one line, as a workflow file writes it by hand:
    /// `{gold: gold, other: [silver, bronze]}`. Words YAML reads back as the same string stay
    /// bare; other text is double-quoted.
    public var yamlFlowText: String {
        switch self {
        case .string(let text): DefinitionFieldText.Value.quotedIfNeeded(text)
        case .array(let items): "[" + items.map(\.yamlFlowText).joined(separator: ", ") + "]"
        case .object(let object):
            "{" + object.pairs.map { DefinitionFieldText.Value.quotedIfNeeded($0.key) + ": " + $0.value.yamlFlowText }
                .joined(separator: ", ") + "}"
        default: jsonText
        }
    }
}

extension DefinitionFieldText {
    /// Whether `text` is one YAML flow mapping (`{a: 50, b: 50}`), as a form field of that shape takes.
    public static func isFlowMapping(_ text: String) -> Bool {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard trimmed.hasPrefix("{"), trimmed.hasSuffix("}"), !trimmed.contains("\n") else { return false }
        return ((try? Yams.load(yaml: "value: " + trimmed)) as? [String: Any])?["value"] is [String: Any]
    }
}
