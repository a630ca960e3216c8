import StudioModel
import Testing

/// What a screen may show of a definition: references to the secret store as written, literal
/// secrets never (delivery.md §8.9).
struct SecretDisplayTests {
    @Test(arguments: [
        ("{{secret.crm}}", "{{secret.crm}}"), ("Bearer {{secret.crm}}", "Bearer {{secret.crm}}"),
        ("Bearer abc123", "••••••"), ("key-{{secret.x}}", "••••••"), ("", ""),
    ])
    func credentialsAreMaskedUnlessTheyNameASecret(value: String, shown: String) {
        #expect(SecretDisplay.credential(value) == shown)
    }

    @Test func onlyCredentialHeadersAreMasked() {
        #expect(SecretDisplay.header(name: "Authorization", value: "Basic dXNlcjpwdw==") == "••••••")
        #expect(SecretDisplay.header(name: "X-Api-Key", value: "{{secret.k}}") == "{{secret.k}}")
        #expect(SecretDisplay.header(name: "X-Campaign", value: "spring sale") == "spring sale")
    }

    /// A credential after an auth scheme word is one whatever the header's name, as the file
    /// checks and the traffic masker have it: the studio's form showed it, and took it typed.
    @Test func aCredentialAfterASchemeWordIsMaskedInAnyHeader() {
        #expect(SecretDisplay.header(name: "X-Upstream", value: "Bearer abc123") == "••••••")
        #expect(SecretDisplay.header(name: "X-Upstream", value: "basic dXNlcjpwdw==") == "••••••")
        #expect(SecretDisplay.header(name: "X-Upstream", value: "Bearer {{secret.up}}") == "Bearer {{secret.up}}")
        #expect(SecretDisplay.header(name: "X-Note", value: "Bearer") == "Bearer")
    }

    @Test func urlsLoseLiteralPasswordsAndSecretParameters() {
        #expect(
            SecretDisplay.url("https://user:hunter2@x.test/a/{{email}}?api_key=abc&page=2&token={{secret.t}}")
                == "https://user:••••••@x.test/a/{{email}}?api_key=••••••&page=2&token={{secret.t}}")
        // Ranges are found in the original text: characters of several bytes before them are no trouble.
        #expect(SecretDisplay.url("https://x.test/ä/?q=ß&access_token=ü") == "https://x.test/ä/?q=ß&access_token=••••••")
    }

    /// A URL mistyped without `://` is refused with an error that quotes it: its password and
    /// credential parameters were quoted in clear (QA, session 21).
    @Test func aMistypedURLLosesItsPasswordAndSecretParametersToo() {
        let cases = [
            ("https//ada:pw16@x.example/?token=t17", "https//ada:••••••@x.example/?token=••••••"),
            ("http:/ada:pw10@x.example/?api_key=k11", "http:/ada:••••••@x.example/?api_key=••••••"),
            ("//ada:pw7@x.example/?sig=s8&page=2", "//ada:••••••@x.example/?sig=••••••&page=2"),
            ("ada:pw@x.example/a", "ada:••••••@x.example/a"),
            ("x.example/?client_secret=cs1", "x.example/?client_secret=••••••"),
            ("x.example/me@home", "x.example/me@home"),
        ]
        for (url, shown) in cases {
            #expect(SecretDisplay.url(url) == shown)
            #expect(SecretMasker(secretValues: []).maskURL(url) == shown)
        }
    }

    /// A screen shows rendered requests and stored answers: a store value with `+/=` or a quote
    /// is there form-encoded or JSON-escaped, and is hidden in those forms too.
    @Test func storeValuesAreHiddenAsTheyAreWrittenOnTheWire() {
        let secret = "sk+live/ab=c\"d"
        #expect(SecretDisplay.hiding([secret], in: "token=sk%2Blive%2Fab%3Dc%22d&x=1") == "token=••••••&x=1")
        #expect(SecretDisplay.hiding([secret], in: #"{"token":"sk+live\/ab=c\"d"}"#) == #"{"token":"••••••"}"#)
        #expect(SecretDisplay.hiding(["abc"], in: "abc") == "abc")
    }
}
