import Foundation
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
        // A password in the user info is masked whatever it is, as in `Authorization: Basic`.
        ("https://ada:pw@x.test/a?q=1", "https://ada:\(mask)@x.test/a?q=1"),
        ("http://ada:p%40ss@w0rd@x.test:8080/", "http://ada:\(mask)@x.test:8080/"),
        ("https://ada:@x.test/", "https://ada:@x.test/"),
        ("https://ada@x.test/a@b?to=c@d", "https://ada@x.test/a@b?to=c@d"),
        ("https://x.test/a:b@c", "https://x.test/a:b@c"),
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
    /// (httpbin, PHP), an answer JSON-escaped twice, percent-encoding in lowercase hex (.NET) or by
    /// the usual URL encoders, HTML escaping that leaves `=` alone or writes numeric references,
    /// UTF-8 read back as Latin-1. Each is hidden in a stored answer.
    struct Echo: CustomTestStringConvertible, Sendable {
        static let secret = #"sk+live/ab=cd&x y"q\#u{e9}"#
        /// A secret holding the characters URL encoders disagree on, and a space.
        static let urlSecret = "pa~ss*w0rd (x)!"
        /// A secret as most API keys are, letters, digits and `_`, which every template mode writes as is.
        static let plainSecret = "sk_live_4eC39HqLyjWD"
        var server: String
        var written: String
        var secret = Echo.secret
        var testDescription: String { server }

        init(_ server: String, _ written: String, of secret: String = Echo.secret) {
            self.server = server
            self.written = written
            self.secret = secret
        }
    }

    static let echoes: [Echo] = [
        Echo("PHP", #"sk+live\/ab=cd&x y\"q\u00e9"#),
        Echo("Python", #"sk+live/ab=cd&x y\"q\u00e9"#),
        Echo("Go", #"sk+live/ab=cd\u0026x y\"q\#u{e9}"#),
        Echo("httpbin, a JSON body quoted in JSON", #"sk+live/ab=cd&x y\\\"q\u00e9"#),
        Echo("Node, a JSON body quoted in JSON", #"sk+live/ab=cd&x y\\\"q\#u{e9}"#),
        Echo("PHP, a JSON body quoted by PHP", #"sk+live\/ab=cd&x y\\\"q\u00e9"#),
        Echo("PHP's answer quoted again by PHP", #"sk+live\\\/ab=cd&x y\\\"q\\u00e9"#),
        Echo("Python's answer quoted again by Python", #"sk+live/ab=cd&x y\\\"q\\u00e9"#),
        Echo(".NET form", "sk%2blive%2fab%3dcd%26x+y%22q%c3%a9"),
        Echo("lowercase path", "sk%2blive%2fab%3dcd%26x%20y%22q%c3%a9"),
        Echo("Go's QueryEscape, Python's quote_plus", "pa~ss%2Aw0rd+%28x%29%21", of: Echo.urlSecret),
        Echo("PHP's urlencode, lowercase hex", "pa%7ess%2aw0rd+%28x%29%21", of: Echo.urlSecret),
        Echo("Ruby's CGI.escape", "pa~ss*w0rd+%28x%29%21", of: Echo.urlSecret),
        Echo("JavaScript's encodeURIComponent", "pa~ss*w0rd%20(x)!", of: Echo.urlSecret),
        Echo("Python's html.escape, which leaves = alone", "sk+live/ab=cd&amp;x y&quot;q\u{e9}"),
        Echo("Go's html.EscapeString", "sk+live/ab=cd&amp;x y&#34;q\u{e9}"),
        Echo("Spring's htmlEscapeDecimal", "sk+live/ab=cd&#38;x y&#34;q\u{e9}"),
        Echo("Spring's htmlEscapeHex", "sk+live/ab=cd&#x26;x y&#x22;q\u{e9}"),
        Echo("he.js encode, non-ASCII too", "sk+live/ab=cd&#x26;x y&#x22;q&#xE9;"),
        Echo(".NET AntiXSS, decimal for all but letters and digits", "sk&#43;live&#47;ab&#61;cd&#38;x y&#34;q&#233;"),
        Echo("OWASP ESAPI-style hex for all but letters and digits", "sk&#x2b;live&#x2f;ab&#x3d;cd&#x26;x y&#x22;q&#xe9;"),
        Echo("OWASP's cheat-sheet escaping, / as &#x2F; (QA, session 21)", "sk+live&#x2F;ab=cd&amp;x y&quot;q\u{e9}"),
        Echo("a header read back as Latin-1", "sk+live/ab=cd&x y\"q\u{c3}\u{a9}"),
        Echo("a header read back as Latin-1, then JSON", #"sk+live/ab=cd&x y\"q\u00c3\u00a9"#),
        Echo("base64 (httpbin's data: for a binary body)", "c2srbGl2ZS9hYj1jZCZ4IHkiccOp"),
        Echo("base64", "cGF+c3MqdzByZCAoeCkh", of: Echo.urlSecret),
        Echo("URL-safe base64", "cGF-c3MqdzByZCAoeCkh", of: Echo.urlSecret),
        Echo("hex, lowercase", "736b2b6c6976652f61623d6364267820792271c3a9"),
        Echo("hex, uppercase", "736B2B6C6976652F61623D6364267820792271C3A9"),
        Echo("base64 of a key of letters and digits, padded", "c2tfbGl2ZV80ZUMzOUhxTHlqV0Q=", of: Echo.plainSecret),
        Echo("base64 of a key of letters and digits, unpadded", "c2tfbGl2ZV80ZUMzOUhxTHlqV0Q", of: Echo.plainSecret),
        Echo("hex of a key of letters and digits", "736b5f6c6976655f346543333948714c796a5744", of: Echo.plainSecret),
    ]

    @Test(arguments: echoes)
    func aSecretIsMaskedAsAnEchoingServerWritesIt(_ echo: Echo) {
        let masker = SecretMasker(secretValues: [echo.secret])
        #expect(masker.mask(#"{"got": "\#(echo.written)"}"#) == #"{"got": "\#(Self.mask)"}"#, "\(echo.server)")
        #expect(masker.mask(bytes: Array("got \(echo.written)".utf8)) == Array("got \(Self.mask)".utf8), "\(echo.server)")
    }

    /// A secret is looked for as its base64 and hex from 8 bytes: the base64 of a shorter one is a
    /// few letters and digits, which any long token or image in an answer may hold.
    @Test func aShortSecretIsNotLookedForAsItsBase64OrHex() {
        let masker = SecretMasker(secretValues: ["pw12345"])
        let answer = #"{"echo": "pw12345", "b64": "cHcxMjM0NQ==", "hex": "70773132333435"}"#
        #expect(masker.mask(answer) == #"{"echo": "\#(Self.mask)", "b64": "cHcxMjM0NQ==", "hex": "70773132333435"}"#)
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

    /// Literal Basic credentials (`auth: {type: basic, username: ada, password: pw7}`) shorter than
    /// 8 characters were shown in clear when a receiver echoed them. A password is a secret
    /// whatever its length: it is masked where it stands as a whole value (a JSON string, a form
    /// field, an element), and left alone inside other words, where masking a 3-letter string
    /// would scramble the text.
    @Test func aShortBasicPasswordIsMaskedWhereItStandsAsAWholeValue() {
        let basic = "Basic " + Data("ada:pw7".utf8).base64EncodedString()
        let request = makeRequest("http://127.0.0.1/h", headers: [HeaderField("Authorization", basic)])
        let answer = #"{"user": "ada", "password": "pw7", "auth": "ada:pw7", "form": "user=ada&password=pw7", "#
            + #""xml": "<p>pw7</p>", "note": "pw7x apw7 adam ada@example.com"}"#
        #expect(request.masker.mask(answer) == #"{"user": "\#(Self.mask)", "password": "\#(Self.mask)", "#
            + #""auth": "\#(Self.mask)", "form": "user=\#(Self.mask)&password=\#(Self.mask)", "#
            + #""xml": "<p>\#(Self.mask)</p>", "note": "pw7x apw7 adam ada@example.com"}"#)
        #expect(request.masker.mask("pw7") == Self.mask)
        // The receiver's own log hides them the same way.
        let received = ReceivedRequest(
            receivedAt: Date(), method: "POST", path: "/h", query: "", headers: [HeaderField("Authorization", basic)],
            body: "user=ada&password=pw7", bodySize: 21, status: 200)
        #expect(received.masked.body == "user=\(Self.mask)&password=\(Self.mask)")
    }

    /// Overlapping secrets are hidden whole, in one mask; secrets that only touch are masked apart.
    @Test func overlappingSecretsLeaveNoPartShown() {
        let masker = SecretMasker(secretValues: ["tok_12345", "12345_suffix"])
        #expect(masker.mask("a tok_12345_suffix b") == "a \(Self.mask) b")
        #expect(masker.mask("tok_1234512345_suffix") == Self.mask + Self.mask)
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
