import Testing

@testable import StudioModel

/// Template problems in workspace files, reported at their position inside the YAML file.
struct WorkspaceTemplateCheckTests {
    static let unclosedIf = "unclosed {{#if}} block; expected {{/if}} before the end of the template"
    static let urlEncodeInPath =
        "urlEncode writes a space as '+', which a URL path reads as a plus sign: 'a b' reaches /a+b, not /a%20b "
        + "(write {{…}}: a merge in the path is percent-encoded, a space as %20)"

    /// A webhook file `webhooks/t.yaml` with `lines` after its id.
    static func webhook(_ name: String, _ lines: String, _ expected: [String]) -> DiagnosticCase {
        .file(name, "webhooks/t.yaml", "id: t\n" + lines, expected)
    }

    static let cases: [DiagnosticCase] = [
        webhook(
            "double-quoted url", "url: \"https://x.example/{{#if a}}\"\n",
            ["webhooks/t.yaml:2:25: error: template in 'url': \(unclosedIf)"]),
        webhook(
            "plain url query, parsed apart from the path", "url: https://x.example/p?q={{/if}}\n",
            ["webhooks/t.yaml:2:28: error: template in 'url': unexpected {{/if}}: no block is open"]),
        webhook(
            "single-quoted header with an escaped quote", "url: https://x.example\nheaders:\n  X-A: 'it''s {{/each}}'\n",
            ["webhooks/t.yaml:4:15: error: template in 'headers.X-A': unexpected {{/each}}: no block is open"]),
        webhook(
            "literal block json body", "url: https://x.example/\nbody:\n  type: json\n  template: |\n    {\"a\": \"{{a}}\",\n     \"b\": {{#if b}}1}\n",
            ["webhooks/t.yaml:7:11: error: template in 'template': \(unclosedIf)"]),
        webhook(
            "double-quoted raw body with escapes", "url: https://x.example\nbody:\n  type: raw\n  template: \"{\\\"a\\\": {{/x}}}\"\n",
            ["webhooks/t.yaml:5:22: error: template in 'template': unexpected {{/x}}: no block is open"]),
        webhook(
            "form field", "url: https://x.example\nbody: {type: form, fields: {name: \"{{else}}\"}}\n",
            ["webhooks/t.yaml:3:36: error: template in 'fields.name': unexpected {{else}} outside a block"]),
        webhook(
            "basic auth password", "url: https://x.example\nauth:\n  type: basic\n  username: u\n  password: \"{{#each x}}\"\n",
            ["webhooks/t.yaml:6:14: error: template in 'password': unclosed {{#each}} block; expected {{/each}} before the end of the template"]),
        webhook(
            "json body that is not JSON with empty merge parameters", "url: https://x.example\nbody:\n  type: json\n  template: '{\"a\": {{a}}, }'\n",
            ["webhooks/t.yaml:5:27: error: template in 'template': rendered JSON is invalid: expected a quoted object key (output 1:13) (checked by rendering with every merge parameter empty)"]),
        // Helper arguments written as literals that fail whatever the data, in every kind of template; the
        // same helpers with arguments from merge parameters are left to render time.
        webhook(
            "literal math operator in the url", "url: \"https://x.example/{{math age \\\"x\\\" 2}}/{{math age op 2}}\"\n",
            ["webhooks/t.yaml:2:27: error: template in 'url': unknown math operator 'x'; expected one of + - * / %"]),
        webhook(
            "literal time zone in a header", "url: https://x.example\nheaders:\n  X-When: '{{dateFormat d tz=\"Europe/Pariss\"}}'\n",
            ["webhooks/t.yaml:4:14: error: template in 'headers.X-When': unknown time zone 'Europe/Pariss'; expected an IANA name such as 'America/Los_Angeles'"]),
        webhook(
            "literal numberFormat pattern in a json body",
            "url: https://x.example\nbody:\n  type: json\n  template: '{\"n\": {{numberFormat age \"0.05\"}}, \"m\": {{numberFormat age fmt}}}'\n",
            ["webhooks/t.yaml:5:22: error: template in 'template': numberFormat patterns with a rounding increment (the digit 5) are not supported; use 0 and # for digits, and maximumFractionDigits= with roundingMode= to round"]),
        webhook(
            "literal regular expression and dateMath offset in a raw body",
            "url: https://x.example\nbody:\n  type: raw\n  template: |\n    {{#ifMatchesRegexStr plan \"(pro\"}}pro{{/ifMatchesRegexStr}}\n"
                + "    {{dateMath d \"+1q\"}} {{#ifMatchesRegexStr plan pattern}}x{{/ifMatchesRegexStr}}\n",
            [
                "webhooks/t.yaml:6:5: error: template in 'template': invalid regular expression '(pro'",
                "webhooks/t.yaml:7:7: error: template in 'template': dateMath cannot read '+1q'; expected an offset such as '+7d' or '-1M' (units s m h d w M y)",
            ]),
        // Iterable's urlEncode is form encoding, kept so: a space becomes '+', which a path reads as a plus.
        webhook(
            "urlEncode in the url's path, not in its query",
            "url: \"https://x.example/u/{{urlEncode name}}/{{lower (urlEncode city)}}?q={{urlEncode name}}\"\n",
            [
                "webhooks/t.yaml:2:29: warning: template in 'url': \(urlEncodeInPath)",
                "webhooks/t.yaml:2:55: warning: template in 'url': \(urlEncodeInPath)",
            ]),
        // A tokenUrl renders as the url does (its path and query apart), so it is checked as one.
        webhook(
            "tokenUrl with urlEncode in its path and a template error in its query",
            "url: https://x.example\nauth:\n  type: oauth2cc\n  tokenUrl: \"https://auth.example/{{#urlEncode}}{{tenant}}{{/urlEncode}}/t?a={{/if}}\"\n"
                + "  clientId: c\n  clientSecret: s\n",
            [
                "webhooks/t.yaml:5:35: warning: template in 'tokenUrl': \(urlEncodeInPath)",
                "webhooks/t.yaml:5:78: error: template in 'tokenUrl': unexpected {{/if}}: no block is open",
            ]),
        // The block's position in the message is the file's too, not the template's (it said "opened at 2:1").
        webhook(
            "mismatched closer in a literal block body",
            "url: https://x.example\nbody:\n  type: raw\n  template: |\n    Hi\n    {{#each items}}\n    {{/if}}\n",
            ["webhooks/t.yaml:8:5: error: template in 'template': {{/if}} does not match {{#each}} opened at 7:5; expected {{/each}}"]),
        DiagnosticCase(
            "sendEmail subject and body",
            WorkspaceTestFiles.withWorkflow("  - id: m\n    type: sendEmail\n    subject: Hi {{#if x}}\n    body: |\n      Hello\n      {{/unless}}\n"),
            [
                "workflows/w.yaml:5:17: error: template in 'subject': \(unclosedIf)",
                "workflows/w.yaml:8:7: error: template in 'body': unexpected {{/unless}}: no block is open",
            ]),
        DiagnosticCase(
            "sendSMS folded body",
            WorkspaceTestFiles.withWorkflow("  - id: s\n    type: sendSMS\n    body: >\n      Hi\n      there {{/if}}\n"),
            ["workflows/w.yaml:7:13: error: template in 'body': unexpected {{/if}}: no block is open"]),
        DiagnosticCase(
            "CRLF line ends: the position inside the value, not the value's start",
            ["workflows/w.yaml": "id: w\r\nnodes:\r\n  - id: m\r\n    type: sendEmail\r\n    subject: Hi {{#if x}}\r\n"
                + "    body: |\r\n      Hello\r\n      {{/unless}}\r\n"],
            [
                "workflows/w.yaml:5:17: error: template in 'subject': \(unclosedIf)",
                "workflows/w.yaml:8:7: error: template in 'body': unexpected {{/unless}}: no block is open",
            ]),
    ]

    @Test(arguments: cases)
    func reportsTemplateProblemsInsideTheFile(_ testCase: DiagnosticCase) {
        let workspace = WorkspaceLoader.load(files: testCase.files)
        #expect(workspace.diagnostics.map(\.description) == testCase.expected)
    }

    @Test func validTemplatesAddNoDiagnostics() {
        #expect(WorkspaceLoader.load(files: WorkspaceTestFiles.valid).diagnostics.isEmpty)
    }

    @Test func renderedDiagnosticPointsIntoTheBlockScalar() throws {
        let files = Self.cases[3].files
        let diagnostic = try #require(WorkspaceLoader.load(files: files).diagnostics.first)
        #expect(diagnostic.rendered(source: files["webhooks/t.yaml"]) == """
            webhooks/t.yaml:7:11: error: template in 'template': \(Self.unclosedIf)
                 "b": {{#if b}}1}
                      ^
            """)
    }
}
