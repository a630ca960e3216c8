/// Tells a literal secret from a reference to the secret store.
///
/// A value is literal when something other than whitespace is left after removing every
/// merge-parameter segment and a leading auth scheme word: `{{secret.lob_key}}` and
/// `Bearer {{secret.crm}}` are references, `Bearer abc123` and `key-{{secret.x}}` are literal.
/// An empty value is not a secret.
enum LiteralSecretRule {
    /// Scheme words that may precede a credential in an auth header value.
    static let schemeWords = ["bearer", "basic", "token"]

    static func isLiteral(_ value: String) -> Bool {
        var rest = Substring(TemplateSegments.removingSegments(from: value)).trimmingWhitespace()
        let lowercased = rest.lowercased()
        for word in schemeWords where lowercased.hasPrefix(word) {
            let after = rest.dropFirst(word.count)
            if after.first.map(\.isWhitespace) ?? true {
                rest = after.trimmingWhitespace()
                break
            }
        }
        return !rest.isEmpty
    }

    /// Whether `value`, as header `name`'s, is a literal secret: the value of a credential
    /// header (``CredentialNames/isCredentialHeader(_:)``), or one that starts with an auth
    /// scheme word (`X-Auth: Bearer abc123`) whatever the header's name, as ``SecretMasker``
    /// masks them in traffic; literal unless ``isLiteral(_:)`` leaves nothing.
    static func isLiteralHeader(name: String, value: String) -> Bool {
        (CredentialNames.isCredentialHeader(name) || CredentialNames.credentialSchemeLength(in: value) != nil)
            && isLiteral(value)
    }

    /// Where the credential starts in source text that begins with a scheme word and blanks
    /// (`Bearer abc123` gives the index of `a`), so the word can stay visible; nil otherwise.
    static func credentialStart(in text: Substring.UnicodeScalarView) -> String.Index? {
        for word in schemeWords {
            guard text.count > word.unicodeScalars.count,
                String(String.UnicodeScalarView(text.prefix(word.unicodeScalars.count))).lowercased() == word
            else { continue }
            var index = text.index(text.startIndex, offsetBy: word.unicodeScalars.count)
            guard text[index] == " " || text[index] == "\t" else { continue }
            while index < text.endIndex, text[index] == " " || text[index] == "\t" { index = text.index(after: index) }
            return index < text.endIndex ? index : nil
        }
        return nil
    }
}
