/// Definition values as a screen may show them: literal secrets (delivery.md §8.9) replaced by
/// ``mask``, `{{secret.name}}` references left as written, since they name a secret without
/// holding it.
///
/// ```swift
/// SecretDisplay.credential("Bearer {{secret.crm}}")           // "Bearer {{secret.crm}}"
/// SecretDisplay.credential("Bearer abc123")                   // "••••••"
/// SecretDisplay.url("https://x.test/a?api_key=abc&page=2")    // "https://x.test/a?api_key=••••••&page=2"
/// ```
public enum SecretDisplay {
    public static let mask = SecretMasker.mask
    /// Values of the secret store shorter than this are not looked for in text: they would match
    /// ordinary words.
    public static let shortestHiddenValue = SecretMasker.shortestMaskedValue

    /// `text` with every value of the secret store in it replaced by ``mask``, as written and in
    /// each form a template or an echoing server writes it (``SecretMasker``).
    public static func hiding(_ secretValues: [String], in text: String) -> String {
        SecretMasker(secretValues: secretValues).mask(text)
    }

    /// An auth credential, signing secret or credential header value.
    public static func credential(_ value: String) -> String {
        LiteralSecretRule.isLiteral(value) ? mask : value
    }

    /// A header value: masked when it is a literal secret, as files are checked for them — a
    /// credential header's value, or one after an auth scheme word (`Bearer abc123`) in any header.
    public static func header(name: String, value: String) -> String {
        LiteralSecretRule.isLiteralHeader(name: name, value: value) ? mask : value
    }

    /// A URL template with a literal user-info password and literal credential query values masked.
    public static func url(_ url: String) -> String {
        var shown = url
        // From the last range to the first, so earlier ranges stay valid.
        for range in URLTemplateParts(url).literalSecrets(in: url).map(\.range).sorted(by: { $0.lowerBound > $1.lowerBound }) {
            let lower = url.distance(from: url.startIndex, to: range.lowerBound)
            let upper = url.distance(from: url.startIndex, to: range.upperBound)
            shown.replaceSubrange(
                shown.index(shown.startIndex, offsetBy: lower)..<shown.index(shown.startIndex, offsetBy: upper), with: mask)
        }
        return shown
    }
}
