import Foundation

/// Which header and URL query parameter names carry credentials (delivery.md §8.9).
///
/// The one copy of these rules: the engine's `SecretMasker` hides such values in what it
/// stores and shows, and ``DefinitionEdit`` hides literal ones before a file goes to the editor.
///
/// ```swift
/// CredentialNames.isCredentialHeader("X-Partner-Token")   // true
/// CredentialNames.isCredentialHeader("Idempotency-Key")   // false
/// CredentialNames.isSecretQueryParameter("api%5Fkey")     // true
/// ```
public enum CredentialNames {
    /// Lowercase header names whose whole value is a credential. For the `…authorization`
    /// ones the scheme word (`Bearer`, `Basic`) may be shown.
    public static let credentialHeaders: Set<String> = [
        "authorization", "proxy-authorization", "cookie", "set-cookie", "x-api-key", "api-key", "x-auth-token",
    ]

    /// A lowercase header name containing one of these holds a credential (`x-webhook-secret`,
    /// `x-partner-key`), unless it is in ``credentialPartExceptions``.
    public static let credentialHeaderNameParts = ["secret", "token", "-key", "password", "credential"]

    /// Lowercase header names that contain a credential part but carry no credential.
    public static let credentialPartExceptions: Set<String> = ["idempotency-key"]

    /// Lowercase query parameter names whose values are credentials: delivery.md §8.9's list,
    /// and `jwt`.
    public static let secretQueryParameters: Set<String> = [
        "key", "api_key", "apikey", "token", "access_token", "secret", "sig", "signature", "password", "auth", "jwt",
    ]

    /// A lowercase query parameter name containing one of these carries a credential too
    /// (`client_secret`, `refresh_token`, `private_token`, `x-api-key`, `passwd`), as a header
    /// name does. Not every `…_key` (`sort_key`): a credential's value is also looked for in the
    /// answer's text, and a sort key's would hide data.
    public static let secretQueryParameterParts = [
        "secret", "token", "password", "passwd", "credential", "api_key", "api-key", "apikey", "private_key",
        "access_key", "signing_key",
    ]

    /// Whether a header with this name (any case) carries a credential.
    public static func isCredentialHeader(_ name: String) -> Bool {
        isCredentialHeader(lowercased: name.lowercased())
    }

    /// ``isCredentialHeader(_:)`` for a name that is already lowercase: the masker's fast path,
    /// which compares UTF-8 bytes without allocating.
    public static func isCredentialHeader(lowercased name: String) -> Bool {
        if credentialHeaders.contains(name) { return true }
        if credentialPartExceptions.contains(name) { return false }
        var name = name
        return name.withUTF8 { bytes in credentialNamePartBytes.contains { contains(bytes, $0) } }
    }

    /// Whether a query parameter with this name carries a credential. The name is compared
    /// without case, after percent-decoding (`api%5Fkey` is `api_key`).
    public static func isSecretQueryParameter(_ name: some StringProtocol) -> Bool {
        let decoded = (name.removingPercentEncoding ?? String(name)).lowercased()
        return secretQueryParameters.contains(decoded) || secretQueryParameterParts.contains { decoded.contains($0) }
    }

    /// Authorization schemes whose word starts a credential value in any header (`X-Auth:
    /// Bearer tok_…`): the word may be shown, what follows is the secret.
    public static let credentialSchemes = ["bearer", "basic"]

    /// The length of the scheme word when `value` is `Bearer …` or `Basic …` (any case) with a
    /// credential after it; nil otherwise.
    public static func credentialSchemeLength(in value: some StringProtocol) -> Int? {
        // Every header value the masker sees comes here: most are ruled out by their first byte.
        guard let first = value.utf8.first, first | 0x20 == UInt8(ascii: "b") else { return nil }
        for scheme in credentialSchemes where value.count > scheme.count + 1 {
            guard value.prefix(scheme.count).lowercased() == scheme else { continue }
            let rest = value.dropFirst(scheme.count)
            guard rest.first == " ", rest.contains(where: { !$0.isWhitespace }) else { continue }
            return scheme.count
        }
        return nil
    }

    // MARK: - Bytes

    private static let credentialNamePartBytes = credentialHeaderNameParts.map { Array($0.utf8) }

    /// Whether `text` contains `part`, byte for byte (header names are ASCII).
    private static func contains(_ text: UnsafeBufferPointer<UInt8>, _ part: [UInt8]) -> Bool {
        guard let first = part.first else { return true }
        guard text.count >= part.count else { return false }
        for start in 0...(text.count - part.count)
        where text[start] == first && part.indices.allSatisfy({ text[start + $0] == part[$0] }) {
            return true
        }
        return false
    }
}
