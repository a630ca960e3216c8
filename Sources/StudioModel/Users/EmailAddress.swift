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

    /// The address a user is stored and looked up by: lowercase, the whole of it, as Iterable
    /// saves `myUser@example.com` as `myuser@example.com`. Every way an address comes in (imports,
    /// the ingest API, `--user` and `--email` options, the studio) passes through here.
    public static func normalized(_ text: String) -> String {
        text.lowercased()
    }
}
