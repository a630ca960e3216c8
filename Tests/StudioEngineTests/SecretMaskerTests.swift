import StudioModel
import Testing

@testable import StudioEngine

/// The masker's header and query rules (delivery.md §8.9), which now come from
/// `CredentialNames` in StudioModel: the same names must stay masked, and the same stay shown.
struct SecretMaskerTests {
    static let masker = SecretMasker(secretValues: ["s3cr3t-value"])
    static let mask = SecretMasker.mask

    static let maskedHeaders: [(name: String, value: String, expected: String)] = [
        ("Authorization", "Bearer tok_123", "Bearer " + mask),
        ("Proxy-Authorization", "Basic dXNlcjpwYXNz", "Basic " + mask),
        ("authorization", "tok_123", mask),
        ("Cookie", "session=abc", mask),
        ("Set-Cookie", "session=abc; Path=/", mask),
        ("X-API-Key", "key_1", mask),
        ("Api-Key", "key_1", mask),
        ("X-Auth-Token", "tok_1", mask),
        ("X-Webhook-Secret", "whsec", mask),
        ("X-Access-Token", "tok", mask),
        ("X-Partner-Key", "k", mask),
        ("X-DB-Password", "pw", mask),
        ("X-Client-Credential", "c", mask),
        ("Secretive", "x", mask),
        // A scheme word starts a credential whatever the header's name.
        ("X-Auth", "Bearer tok_literal_999", "Bearer " + mask),
        ("X-Upstream", "basic dXNlcjpwYXNz", "basic " + mask),
    ]

    @Test(arguments: maskedHeaders)
    func secretMaskerHidesCredentialHeaders(_ header: (name: String, value: String, expected: String)) {
        let masked = Self.masker.mask([HeaderField(header.name, header.value)])
        #expect(masked == [HeaderField(header.name, header.expected)])
    }

    static let shownHeaders = ["Content-Type", "Idempotency-Key", "Webhook-Id", "X-Request-Id", "Keyboard", "Accept"]

    @Test(arguments: shownHeaders)
    func secretMaskerShowsOrdinaryHeadersWithOnlySecretValuesHidden(_ name: String) {
        let masked = Self.masker.mask([HeaderField(name, "plain"), HeaderField(name, "a s3cr3t-value b")])
        #expect(masked == [HeaderField(name, "plain"), HeaderField(name, "a \(Self.mask) b")])
        // Words that only begin like a scheme are no credential.
        #expect(Self.masker.mask([HeaderField(name, "Basically fine"), HeaderField(name, "Bearer")]) == [
            HeaderField(name, "Basically fine"), HeaderField(name, "Bearer"),
        ])
    }

    static let urls: [(url: String, expected: String)] = [
        ("https://x.test/a?key=1&api_key=2&apikey=3", "https://x.test/a?key=\(mask)&api_key=\(mask)&apikey=\(mask)"),
        ("https://x.test/a?token=1&access_token=2&secret=3", "https://x.test/a?token=\(mask)&access_token=\(mask)&secret=\(mask)"),
        ("https://x.test/a?sig=1&signature=2&password=3&auth=4", "https://x.test/a?sig=\(mask)&signature=\(mask)&password=\(mask)&auth=\(mask)"),
        ("https://x.test/a?API_KEY=1&Token=2#frag", "https://x.test/a?API_KEY=\(mask)&Token=\(mask)#frag"),
        ("https://x.test/a?api%5Fkey=1", "https://x.test/a?api%5Fkey=\(mask)"),
        ("https://x.test/a?user=ada&keys=1&flag", "https://x.test/a?user=ada&keys=1&flag"),
        ("https://x.test/s3cr3t-value?q=1", "https://x.test/\(mask)?q=1"),
    ]

    /// A receiver may echo a secret into a header's name: hidden there as in a value.
    /// A redirect's Location was shown as the server wrote it, `?token=` and all: only known
    /// secret values were masked in it.
    @Test func aRedirectTargetsCredentialParametersAreHidden() {
        let masked = Self.masker.mask([
            HeaderField("Location", "/other?token=abc123&page=2"), HeaderField("content-location", "https://x.test/?api_key=k1"),
        ])
        #expect(masked == [
            HeaderField("Location", "/other?token=\(Self.mask)&page=2"),
            HeaderField("content-location", "https://x.test/?api_key=\(Self.mask)"),
        ])
    }

    @Test func aSecretInAHeadersNameIsMasked() {
        let masked = Self.masker.mask([HeaderField("X-Echo-s3cr3t-value", "seen"), HeaderField("X-Plain", "s3cr3t-value")])
        #expect(masked == [HeaderField("X-Echo-" + Self.mask, "seen"), HeaderField("X-Plain", Self.mask)])
    }

    @Test(arguments: urls)
    func secretMaskerHidesSecretQueryParameters(_ pair: (url: String, expected: String)) {
        #expect(Self.masker.maskURL(pair.url) == pair.expected)
    }

    /// A secret is on the wire as the template mode of where it lands writes it; each of those
    /// forms is hidden, not only the value as written (`sk+live` is `sk%2Blive` in a form body).
    @Test(arguments: OutputMode.allCases)
    func aSecretIsMaskedAsEachTemplateModeWritesIt(mode: OutputMode) {
        let secret = #"sk+live/ab=cd&x y"q\u"#
        let masker = SecretMasker(secretValues: [secret])
        let written = mode.escaped(secret)
        #expect(masker.mask("before \(written) after") == "before \(Self.mask) after", "\(mode): \(written)")
    }

    /// A server that echoes a request writes the secret back in its own way: JSON with `\/`
    /// (PHP), non-ASCII as `\u00e9` (Python), `&` as `\u0026` (Go), a JSON body quoted whole
    /// (httpbin), percent-encoding in lowercase hex (.NET), HTML escaping that leaves `=` alone,
    /// UTF-8 read back as Latin-1. Each is hidden in a stored answer.
    static let echoes: [(server: String, written: String)] = [
        ("PHP", #"sk+live\/ab=cd&x y\"q\u00e9"#),
        ("Python", #"sk+live/ab=cd&x y\"q\u00e9"#),
        ("Go", #"sk+live/ab=cd\u0026x y\"q\#u{e9}"#),
        ("httpbin, a JSON body quoted in JSON", #"sk+live/ab=cd&x y\\\"q\u00e9"#),
        (".NET form", "sk%2blive%2fab%3dcd%26x+y%22q%c3%a9"),
        ("lowercase path", "sk%2blive%2fab%3dcd%26x%20y%22q%c3%a9"),
        ("Python's html.escape, which leaves = alone", "sk+live/ab=cd&amp;x y&quot;q\u{e9}"),
        ("Go's html.EscapeString", "sk+live/ab=cd&amp;x y&#34;q\u{e9}"),
        ("a header read back as Latin-1", "sk+live/ab=cd&x y\"q\u{c3}\u{a9}"),
        ("a header read back as Latin-1, then JSON", #"sk+live/ab=cd&x y\"q\u00c3\u00a9"#),
    ]

    @Test(arguments: echoes)
    func aSecretIsMaskedAsAnEchoingServerWritesIt(_ echo: (server: String, written: String)) {
        let masker = SecretMasker(secretValues: [#"sk+live/ab=cd&x y"q\#u{e9}"#])
        #expect(masker.mask(#"{"got": "\#(echo.written)"}"#) == #"{"got": "\#(Self.mask)"}"#, "\(echo.server)")
        #expect(masker.mask(bytes: Array("got \(echo.written)".utf8)) == Array("got \(Self.mask)".utf8), "\(echo.server)")
    }

    /// A request's credentials known by name are masked wherever they come back; words that
    /// merely sit where a credential would (`?key=email`, `X-Api-Key: true`) are left alone.
    @Test func aRequestsCredentialsAreMaskedAsValuesButNotOrdinaryWords() {
        let request = makeRequest(
            "http://127.0.0.1/h?key=email&api_key=k_live_123456",
            headers: [HeaderField("X-API-Key", "true"), HeaderField("Authorization", "Bearer tok_lit_98765")])
        let answer = #"{"email": true, "args": "k_live_123456", "auth": "Bearer tok_lit_98765"}"#
        #expect(request.masker.mask(answer) == #"{"email": true, "args": "\#(Self.mask)", "auth": "Bearer \#(Self.mask)"}"#)
    }

    /// The requests a webhook renders, stored and shown masked: form and JSON bodies and URL paths.
    @Test func aRenderedRequestKeepsNoEncodedSecret() throws {
        let secret = #"sk+live/ab=cd&x y"q\u"#
        let webhook = Webhook(
            id: "w", url: "http://127.0.0.1/hooks/{{secret.k}}?sig={{secret.k}}",
            body: .form(fields: [HeaderTemplate(name: "token", value: "{{secret.k}}")]))
        let json = Webhook(id: "j", url: "http://127.0.0.1/j", body: .json(template: #"{"t": "{{secret.k}}"}"#))
        let context = TemplateContext(profile: JSONObject([("email", .string("ada@example.com"))]))
        for hook in [webhook, json] {
            let request = try RequestBuilder().build(hook, context: context, secrets: ["k": secret], deliveryID: "msg_1")
            let masked = request.masked
            let shown = masked.url + masked.body + masked.headers.map(\.value).joined()
            for form in Set(OutputMode.allCases.map { $0.escaped(secret) }) {
                #expect(!shown.contains(form), "\(hook.id) shows \(form): \(shown)")
            }
            #expect(masked.body.contains(Self.mask), "\(masked.body)")
        }
    }

    /// A helper that changes a secret's case (`upper`, `lower`, `capitalize`, `capitalizeFirst`)
    /// still leaves it masked in the stored request: matching ignores ASCII case.
    @Test(arguments: ["upper", "lower", "capitalize", "capitalizeFirst"])
    func aSecretAHelperWritesInAnotherCaseIsMasked(helper: String) throws {
        let secret = "sk_Live_9fQ2xR7t"
        let webhook = Webhook(
            id: "w", url: "http://127.0.0.1/h", body: .json(template: #"{"t": "{{\#(helper) secret.k}}"}"#))
        let context = TemplateContext(profile: JSONObject([("email", .string("ada@example.com"))]))
        let request = try RequestBuilder().build(webhook, context: context, secrets: ["k": secret], deliveryID: "msg_1")
        #expect(request.body != #"{"t": "\#(secret)"}"#, "the helper changed nothing: \(request.body)")
        #expect(request.masked.body == #"{"t": "\#(Self.mask)"}"#, "\(helper): \(request.masked.body)")
    }
}
