/// What one render learns of the secrets it reads: the text helpers computed from them, which
/// must be masked wherever the secrets are.
///
/// ``SecretMasker`` finds a secret as written and as each output mode escapes it; a helper writes
/// it in forms no list of forms can foresee, since helpers nest (`upper` makes `ß` `SS`,
/// `urlEncode` of `urlEncode` writes `%252B`, `toJson` in a form field escapes twice). So the
/// renderer reports what helpers actually computed: a helper's result is derived when a value it
/// read while computing it was a secret, or derived itself. Values are compared, not names, so a
/// secret reached through `{{#with secret}}` or `lookup` counts as one read by `secret.NAME`.
struct TemplateSecretTrace {
    /// Whether there are secrets to follow: a render of a template that reads none, or with
    /// none set, follows nothing.
    let isOn: Bool
    /// The secret values of the context.
    private let secretValues: Set<String>
    /// Text helpers computed from secrets, in the order first computed.
    private(set) var derived: [String] = []
    private var derivedSet: Set<String> = []
    /// How many values read so far were secrets or derived: a helper that raised the count while
    /// it ran read one.
    var reads = 0

    /// A trace that follows nothing.
    init() {
        isOn = false
        secretValues = []
    }

    init(secretValues: some Sequence<String>) {
        self.secretValues = Set(secretValues)
        isOn = !self.secretValues.isEmpty
    }

    /// The secret values and the text derived from them, as a masker takes them.
    var maskedValues: [String] { Array(secretValues) + derived }

    /// Counts `value` when it is, or holds, a secret or derived text.
    mutating func noteRead(of value: JSONValue?) {
        if let value, holdsSecret(value) { reads += 1 }
    }

    private func holdsSecret(_ value: JSONValue) -> Bool {
        switch value {
        case .string(let text): !text.isEmpty && (secretValues.contains(text) || derivedSet.contains(text))
        case .array(let items): items.contains { holdsSecret($0) }
        case .object(let object): object.keys.contains { object[$0].map(holdsSecret) ?? false }
        case .null, .bool, .int, .double: false
        }
    }

    /// Records a helper's result as derived. A boolean says one bit of what was read, and an
    /// object a helper returns (`lookup`, `defaultIfEmpty`) is data as it was, secrets included.
    mutating func record(_ value: JSONValue) {
        switch value {
        case .string, .int, .double: record(text: value.displayText)
        // A list computed from a secret (`split`) holds pieces of it: each is derived.
        case .array(let items): for item in items { if case .string(let text) = item { record(text: text) } }
        case .null, .bool, .object: return
        }
    }

    /// A block's output computed from its whole text at once (`{{#base64}}`): derived when the
    /// text holds a secret or derived text, since no piece of the output stands for it alone.
    mutating func recordComputed(_ output: String, from text: String) {
        guard maskedValues.contains(where: { !$0.isEmpty && text.contains($0) }) else { return }
        record(text: output)
    }

    /// `{{#urlEncode}}…{{/urlEncode}}` writes its body form-encoded, each character apart: every
    /// secret or derived text in `body` is in the output as its own encoding, which is derived.
    mutating func recordEncoded(in body: String) {
        for value in maskedValues where !value.isEmpty && body.contains(value) {
            record(text: TemplateEncoding.formEncoded(value))
        }
    }

    private mutating func record(text: String) {
        guard !text.isEmpty, !secretValues.contains(text), derivedSet.insert(text).inserted else { return }
        derived.append(text)
    }
}
