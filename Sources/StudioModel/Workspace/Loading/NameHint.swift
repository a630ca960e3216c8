/// Hints that suggest a valid name for one that was mistyped.
public enum NameHint {
    /// "did you mean 'x'?" when a candidate is close, otherwise "expected one of …".
    public static func hint(for name: String, in candidates: [String]) -> String {
        suggestion(for: name, in: candidates) ?? "expected \(list(candidates))"
    }

    /// "did you mean 'x'?" when a candidate is close, otherwise nil.
    public static func suggestion(for name: String, in candidates: some Sequence<String>) -> String? {
        nearestName(to: name, in: candidates).map { "did you mean '\($0)'?" }
    }

    /// `a, b or c`.
    public static func list(_ names: [String]) -> String {
        guard names.count > 1, let last = names.last else { return names.first ?? "nothing" }
        return names.dropLast().joined(separator: ", ") + " or " + last
    }
}
