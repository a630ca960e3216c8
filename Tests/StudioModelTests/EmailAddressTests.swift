import StudioModel
import Testing

/// The address a user is stored and looked up by, as Iterable stores it: lowercase.
struct EmailAddressTests {
    @Test(arguments: [
        ("myUser@example.com", "myuser@example.com"),
        ("ADA@EXAMPLE.COM", "ada@example.com"),
        ("ada@example.com", "ada@example.com"),
        ("Zoë.Ünal@Exämple.DE", "zoë.ünal@exämple.de"),
        ("Ada+Tag@Example.com", "ada+tag@example.com"),
    ])
    func theWholeAddressIsLowercased(given: String, stored: String) {
        #expect(EmailAddress.normalized(given) == stored)
    }

    @Test func normalizingTwiceChangesNothingMore() {
        let once = EmailAddress.normalized("ΣΟΦΙΑ@Example.GR")
        #expect(EmailAddress.normalized(once) == once)
    }

    @Test func aValidAddressStaysValidLowercased() {
        for address in ["Ada.Lovelace@Example.COM", "O'Brien+Tag@Mail.Example.CO.UK"] {
            #expect(EmailAddress.isValid(address))
            #expect(EmailAddress.isValid(EmailAddress.normalized(address)))
        }
    }
}

/// Which addresses identify a user: Iterable's rule, Apache Commons EmailValidator's ("formatted
/// like a proper email and from a valid TLD"). Only one `@` with text around it was checked, so
/// markup, paths, a domain without a TLD and an IP literal were all users.
struct EmailAddressValidationTests {
    @Test(arguments: [
        "ada@example.com", "Ada.Lovelace@Example.COM", "a@b.co", "o'brien@example.ie", "x!#$%&'*+-/=?^_`{|}~@example.com",
        "ada@mail-1.example.com", "ada@xn--bcher-kva.example", "ada@example.xn--p1ai", "zoë@example.de",
        "1234567890@example.com", String(repeating: "a", count: 64) + "@example.com",
        "ada@" + String(repeating: "b", count: 63) + ".com",
    ])
    func anAddressCommonsTakesIsValid(address: String) {
        #expect(EmailAddress.problem(with: address) == nil, "\(address)")
    }

    @Test(arguments: [
        ("a@x.com<script>", "'<' is not allowed in the domain (letters, digits, '-' and '.' are)"),
        ("a@b", "the domain 'b' has no top-level domain: write it in full, as example.com"),
        ("a..b@x.com", "the part before the '@' has two '.' in a row"),
        (".a@x.com", "the part before the '@' starts with a '.'"),
        ("a.@x.com", "the part before the '@' ends with a '.'"),
        ("a@x..com", "the domain has two '.' in a row"),
        ("a@-x.com", "the domain's label '-x' starts with a '-'"),
        ("a@x-.com", "the domain's label 'x-' ends with a '-'"),
        ("a@x.com.", "the domain ends with a '.'"),
        ("a@.x.com", "the domain starts with a '.'"),
        ("a@x.com/../../admin", "'/' is not allowed in the domain (letters, digits, '-' and '.' are)"),
        ("a@x.com?q=1#f", "'?' is not allowed in the domain (letters, digits, '-' and '.' are)"),
        ("a@x.com'--", "''' is not allowed in the domain (letters, digits, '-' and '.' are)"),
        ("a@[127.0.0.1]", "an IP address ([127.0.0.1]) is not taken as its domain; give a domain name"),
        ("a@127.0.0.1", "an IP address (127.0.0.1) is not taken as its domain; give a domain name"),
        (String(repeating: "a", count: 70) + "@x.com", "the part before the '@' is 70 bytes long; it may be at most 64"),
        ("h@ｘ.com", "'ｘ' (U+FF58) is not allowed in the domain (letters, digits, '-' and '.' are; write an internationalized domain in its xn-- form)"),
        ("ｈ@x.com", "'ｈ' (U+FF48) is not allowed before the '@' (letters, digits, dots and !#$%&'*+-/=?^_`{|}~ are)"),
        ("a b@x.com", "U+0020 is not allowed before the '@' (letters, digits, dots and !#$%&'*+-/=?^_`{|}~ are)"),
        ("a\u{202E}b@x.com", "U+202E is not allowed before the '@' (letters, digits, dots and !#$%&'*+-/=?^_`{|}~ are)"),
        ("\"a b\"@x.com", "'\"' is not allowed before the '@' (letters, digits, dots and !#$%&'*+-/=?^_`{|}~ are)"),
        ("a@x.c", "the top-level domain 'c' is not one: it must be two or more letters (or an xn-- name)"),
        ("a@x.c0m", "the top-level domain 'c0m' is not one: it must be two or more letters (or an xn-- name)"),
        ("a@" + String(repeating: "b", count: 64) + ".com", "the domain's label 'bbbbbbbbbb…' is 64 characters long; it may be at most 63"),
        ("ada", "it has no '@'"), ("a@b@x.com", "it has more than one '@'"), ("@x.com", "nothing comes before the '@'"),
        ("ada@", "nothing comes after the '@'"), ("", "it is empty"),
    ])
    func anAddressCommonsRefusesIsRefusedSayingWhy(address: String, problem: String) {
        #expect(EmailAddress.problem(with: address) == problem, "\(address)")
        #expect(EmailAddress.refusal(of: address) == "'\(address)' is not an email address: \(problem)")
    }
}
