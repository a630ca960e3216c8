/// The check an address gets before it identifies a user, and the form it is stored in.
/// `users import`, `events track`, `hookline run --users`, the studio and the ingest API all use it.
///
/// Iterable takes an address "formatted like a proper email and from a valid TLD"
/// (<https://support.iterable.com/hc/en-us/articles/209082806>), checked with Apache Commons
/// EmailValidator. Its rules are followed here, a little stricter where they would let markup or a
/// path through:
///
/// - the part before the `@` is a dot-atom of at most 64 bytes (RFC 5321's octets): RFC 5322's `atext`
///   (letters, digits and ``localPartSymbols``; letters and digits of other scripts too, as
///   Commons and RFC 6531 take them) in runs joined by single dots, not starting or ending with one.
///   A quoted local part (`"a b"@x.com`) is not taken;
/// - the domain, at most 253 characters, is two or more labels of ASCII letters, digits and
///   hyphens, 1–63 characters each, neither starting nor ending with a hyphen; the last (the TLD)
///   is letters only, two or more, or an IDNA `xn--` label. An internationalized domain is taken
///   in its `xn--` form; an IP address (`[127.0.0.1]`) is not taken.
///
/// The TLD is not looked up in IANA's list, as Commons does: a list built into the binary would
/// refuse addresses under a TLD newer than it.
public enum EmailAddress {
    /// The symbols RFC 5322 §3.2.3's `atext` allows before the `@`, besides letters and digits.
    public static let localPartSymbols: Set<Character> = [
        "!", "#", "$", "%", "&", "'", "*", "+", "-", "/", "=", "?", "^", "_", "`", "{", "|", "}", "~",
    ]

    /// Whether `text` is an address a user can be identified by (``problem(with:)`` finds none).
    public static func isValid(_ text: String) -> Bool {
        problem(with: text) == nil
    }

    /// Why `text` is not an address, as a sentence to put after "… is not an email address: ";
    /// nil when it is one.
    public static func problem(with text: String) -> String? {
        guard !text.isEmpty else { return "it is empty" }
        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2 else {
            return parts.count == 1 ? "it has no '@'" : "it has more than one '@'"
        }
        return localPartProblem(parts[0]) ?? domainProblem(parts[1])
    }

    /// The refusal of an address, naming it and saying why: `'a@b' is not an email address: …`;
    /// nil when `text` is one. What each caller prints, so every one says the same.
    public static func refusal(of text: String) -> String? {
        problem(with: text).map { "'\(text)' is not an email address: \($0)" }
    }

    /// The address a user is stored and looked up by: lowercase, the whole of it, as Iterable
    /// saves `myUser@example.com` as `myuser@example.com`. Every way an address comes in (imports,
    /// the ingest API, `--user` and `--email` options, the studio) passes through here.
    public static func normalized(_ text: String) -> String {
        text.lowercased()
    }

    // MARK: - Local part

    /// Most bytes the part before the `@` may have (RFC 5321 §4.5.3.1.1; Commons counts UTF-16 units).
    static let maximumLocalPartLength = 64

    private static func localPartProblem(_ local: Substring) -> String? {
        guard !local.isEmpty else { return "nothing comes before the '@'" }
        // RFC 5321 counts octets; Commons counts UTF-16 units. Both are 64 for an ASCII part.
        guard local.utf8.count <= maximumLocalPartLength else {
            return "the part before the '@' is \(local.utf8.count) bytes long; it may be at most \(maximumLocalPartLength)"
        }
        if let character = local.first(where: { !isLocalPartCharacter($0) && $0 != "." }) {
            return "\(describe(character)) is not allowed before the '@' "
                + "(letters, digits, dots and \(String(localPartSymbols.sorted())) are)"
        }
        if local.hasPrefix(".") { return "the part before the '@' starts with a '.'" }
        if local.hasSuffix(".") { return "the part before the '@' ends with a '.'" }
        if local.contains("..") { return "the part before the '@' has two '.' in a row" }
        return nil
    }

    /// A letter, a digit or one of ``localPartSymbols``; outside ASCII, a letter, mark or digit of
    /// any script (not a space, a control or format character, or a symbol such as `＜`).
    private static func isLocalPartCharacter(_ character: Character) -> Bool {
        if character.isASCII {
            return character.isLetter || character.isNumber || localPartSymbols.contains(character)
        }
        return character.unicodeScalars.allSatisfy { scalar in
            switch scalar.properties.generalCategory {
            case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter,
                .nonspacingMark, .spacingMark, .enclosingMark, .decimalNumber, .letterNumber, .otherNumber:
                !(0xFF00...0xFFEF).contains(scalar.value)  // fullwidth forms pass for ASCII to the eye
            default: false
            }
        }
    }

    // MARK: - Domain

    /// Most characters a domain name may have (RFC 1035 §2.3.4, less the root's dot).
    static let maximumDomainLength = 253
    /// Most characters one label of a domain may have (RFC 1035 §2.3.4).
    static let maximumLabelLength = 63

    private static func domainProblem(_ domain: Substring) -> String? {
        guard !domain.isEmpty else { return "nothing comes after the '@'" }
        if domain.hasPrefix("[") {
            return "an IP address (\(domain)) is not taken as its domain; give a domain name"
        }
        if let character = domain.first(where: { !($0.isASCII && ($0.isLetter || $0.isNumber)) && $0 != "-" && $0 != "." }) {
            var problem = "\(describe(character)) is not allowed in the domain (letters, digits, '-' and '.' are"
            if !character.isASCII { problem += "; write an internationalized domain in its xn-- form" }
            return problem + ")"
        }
        guard domain.count <= maximumDomainLength else {
            return "the domain is \(domain.count) characters long; it may be at most \(maximumDomainLength)"
        }
        if domain.hasPrefix(".") { return "the domain starts with a '.'" }
        if domain.hasSuffix(".") { return "the domain ends with a '.'" }
        if domain.contains("..") { return "the domain has two '.' in a row" }
        let labels = domain.split(separator: ".")
        for label in labels {
            if label.count > maximumLabelLength {
                return "the domain's label '\(label.prefix(10))…' is \(label.count) characters long; it may be at most \(maximumLabelLength)"
            }
            if label.hasPrefix("-") || label.hasSuffix("-") {
                return "the domain's label '\(label)' \(label.hasPrefix("-") ? "starts" : "ends") with a '-'"
            }
        }
        guard labels.count >= 2, let tld = labels.last else {
            return "the domain '\(domain)' has no top-level domain: write it in full, as example.com"
        }
        if labels.allSatisfy({ $0.allSatisfy(\.isNumber) }) {
            return "an IP address (\(domain)) is not taken as its domain; give a domain name"
        }
        let isIDNA = tld.lowercased().hasPrefix("xn--")
        guard isIDNA || (tld.count >= 2 && tld.allSatisfy(\.isLetter)) else {
            return "the top-level domain '\(tld)' is not one: it must be two or more letters (or an xn-- name)"
        }
        return nil
    }

    /// A character as a message names it: quoted when it can be read, its code point as well
    /// when it is not ASCII (`'ｘ' (U+FF58)`), and the code point alone for a space or control.
    private static func describe(_ character: Character) -> String {
        let codes = character.unicodeScalars.map(\.codePoint).joined(separator: " ")
        if character.unicodeScalars.contains(where: { $0.properties.isWhitespace || $0.isControlOrFormat }) {
            return codes
        }
        return character.isASCII ? "'\(character)'" : "'\(character)' (\(codes))"
    }
}
