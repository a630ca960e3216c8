/// The check an address gets before it identifies a user: what a typo or a wrong column gives
/// is refused, while every address a mail server could accept passes. `users import`, `events
/// track` and the ingest API all use it.
public enum EmailAddress {
    /// One `@` with text on both sides, and no spaces or control characters.
    public static func isPlausible(_ text: String) -> Bool {
        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        return parts.count == 2 && !parts[0].isEmpty && !parts[1].isEmpty
            && !text.unicodeScalars.contains { $0.properties.isWhitespace || $0.value < 0x20 || $0.value == 0x7F }
    }
}
