import StudioModel
import Testing

/// Iterable's string, encoding, hashing and list helpers, with the examples of Iterable's helper
/// reference where it gives one (digests checked against Python's hashlib and hmac).
struct TemplateIterableHelperTests {
    static let data: JSONValue = [
        "email": "user@example.com", "order": "pancakes", "season": "The cat days of summer", "brand": "Fiterable",
        "flavor": "chocolate", "greeting": "Hi there", "short": "ok", "tags": "vip,subscriber,,purchaser",
        "first": "Ada", "last": "Lovelace", "prices": [19.99, "120", 7, "n/a"], "counts": [3, 12, 5],
        "owned": ["a", "b", 1, "c"], "seen": ["b", "1"], "food": "piña colada", "emoji": "a😀b", "none": nil,
    ]

    static let cases: [NamedRenderCase] = [
        NamedRenderCase(name: "cut", template: "{{cut order \"pan\"}}", data: data, expected: "cakes"),
        NamedRenderCase(
            name: "replace, every occurrence", template: "{{replace season \"a\" \"o\"}}", data: data,
            expected: "The cot doys of summer"),
        NamedRenderCase(name: "substring", template: "{{substring brand 3 6}}", data: data, expected: "era"),
        NamedRenderCase(name: "substring to the end", template: "{{substring brand 3}}", data: data, expected: "erable"),
        NamedRenderCase(
            name: "substring clamps its indices", template: "[{{substring brand 6 40}}|{{substring brand 12 20}}]",
            data: data, expected: "[ble|]"),
        NamedRenderCase(
            name: "substring counts UTF-16 units, as size does", template: "{{substring emoji 1 3}}|{{emoji.length}}",
            data: data, expected: "😀|4"),
        NamedRenderCase(name: "abbreviate", template: "{{abbreviate flavor 7}}", data: data, expected: "choc..."),
        NamedRenderCase(name: "abbreviate a short text", template: "{{abbreviate short 7}}", data: data, expected: "ok"),
        NamedRenderCase(
            name: "center", template: "{{center greeting size=20 pad=\"-\"}}", data: data,
            expected: "------Hi there------"),
        NamedRenderCase(name: "center, odd padding right", template: "[{{center short size=5}}]", data: data, expected: "[ ok  ]"),
        NamedRenderCase(
            name: "split then each", template: "{{#each (split tags \",\")}}[{{this}}]{{/each}}", data: data,
            expected: "[vip][subscriber][][purchaser]"),
        NamedRenderCase(
            name: "concat", template: "{{concat first \" \" last none}}", data: data, expected: "Ada Lovelace"),
        NamedRenderCase(
            name: "base64 inline and block",
            template: "{{base64 email}} {{#base64}}{{first}}:{{last}}{{/base64}}", data: data,
            expected: "dXNlckBleGFtcGxlLmNvbQ== QWRhOkxvdmVsYWNl"),
        NamedRenderCase(
            name: "hexEncode", template: "{{hexEncode email}}", data: data, expected: "75736572406578616d706c652e636f6d"),
        NamedRenderCase(
            name: "toUrlEncodedJson", template: "{{toUrlEncodedJson first}} {{toUrlEncodedJson counts}}", data: data,
            expected: "%22Ada%22 %5B3%2C12%2C5%5D"),
        NamedRenderCase(name: "md5", template: "{{md5 email}}", data: data, expected: "b58996c504c5638798eb6b511e6f49af"),
        NamedRenderCase(
            name: "sha1", template: "{{sha1 email}}", data: data, expected: "63a710569261a24b3766275b7000ce8d7b32e2f7"),
        NamedRenderCase(
            name: "sha256", template: "{{sha256 email}}", data: data,
            expected: "b4c9a289323b21a01c3e940f150eb9b8c542587f1abfd8f0e1cc1ffc5e475514"),
        NamedRenderCase(
            name: "sha256 of a lowercased field", template: "{{sha256 (lower \"USER@example.com\")}}", data: data,
            expected: "b4c9a289323b21a01c3e940f150eb9b8c542587f1abfd8f0e1cc1ffc5e475514"),
        NamedRenderCase(
            name: "a hash of nothing is nothing", template: "[{{md5 missing}}{{sha256 none}}]", data: data, expected: "[]"),
        NamedRenderCase(
            name: "maxInList and minInList", template: "{{maxInList prices}} {{minInList prices}} {{maxInList counts}}",
            data: data, expected: "120 7 12"),
        NamedRenderCase(
            name: "inLeftNotInRight", template: "{{join (inLeftNotInRight owned seen) \",\"}}", data: data,
            expected: "a,c"),
    ]

    /// `{{#breaklines}}` (Iterable writes it without arguments): each line break its body writes, merged or
    /// written in the template, LF, CR or CRLF, becomes `<br>`. It was read as a section over a field
    /// `breaklines` and rendered nothing.
    static let breaklinesCases: [NamedRenderCase] = [
        NamedRenderCase(
            name: "merged text", template: "A{{#breaklines}}{{note}}{{/breaklines}}B", data: ["note": "line1\nline2"],
            expected: "Aline1<br>line2B"),
        NamedRenderCase(
            name: "template text, CR and CRLF, and only inside the block",
            template: "{{#breaklines}}a\r\nb\rc\n{{note}}{{/breaklines}}\n", data: ["note": "x\r\n\ny"],
            expected: "a<br>b<br>c<br>x<br><br>y\n"),
        NamedRenderCase(
            name: "inside other blocks", template: "{{#breaklines}}{{#each lines}}{{this}}\n{{/each}}{{/breaklines}}",
            data: ["lines": ["a", "b"]], expected: "a<br>b<br>"),
    ]

    @Test(arguments: breaklinesCases)
    func breaklinesWritesLineBreaksAsBr(_ test: NamedRenderCase) throws {
        #expect(try TemplateFixture.render(test.template, test.data) == test.expected)
    }

    /// The `<br>` is markup: HTML escapes the lines and not it, and a JSON string holds it as it is.
    @Test func breaklinesEscapesTheLinesNotTheBreaks() throws {
        let data: JSONValue = ["note": "1 < 2\n\"ok\""]
        #expect(
            try TemplateFixture.render("<p>{{#breaklines}}{{note}}{{/breaklines}}</p>", data, mode: .html)
                == "<p>1 &lt; 2<br>&quot;ok&quot;</p>")
        #expect(
            try TemplateFixture.render(#"{"a": "{{#breaklines}}{{note}}{{/breaklines}}", "b": {{#breaklines}}{{note}}{{/breaklines}}}"#, data, mode: .json)
                == #"{"a": "1 < 2<br>\"ok\"", "b": "1 < 2<br>\"ok\""}"#)
    }

    @Test(arguments: cases)
    func rendersIterableHelper(_ test: NamedRenderCase) throws {
        #expect(try TemplateFixture.render(test.template, test.data) == test.expected)
    }

    /// The key is the second parameter, and may be a secret.
    @Test func hmacSignsWithTheKeyGiven() throws {
        let template = "{{hmacSHA256 email secret.hmac_key}} {{hmacSHA1 email secret.hmac_key}}"
        let rendered = try TemplateFixture.render(template, ["email": "ada@example.com"], secrets: ["hmac_key": "k3y"])
        #expect(
            rendered == "9ae450d30547cff6a7c4c006e3e511196b21c4a45597b35b57519c5672b313d0 "
                + "b718b212c2cddd818fad9bd878e67af768522e6f")
    }

    /// Where the output is percent-encoded, base64's `+`, `/` and `=` are encoded; `toUrlEncodedJson`'s
    /// output, like `urlEncode`'s, is not encoded twice. In a JSON body a list helper gives a typed array.
    @Test func encodedOutputFitsWhereItLands() throws {
        let query = try TemplateFixture.render("{{base64 food}}&j={{toUrlEncodedJson first}}", Self.data, mode: .urlQuery)
        #expect(query == "cGnDsWEgY29sYWRh&j=%22Ada%22")
        let bytes = try TemplateFixture.render("{{#base64}}>>?{{/base64}}", [:], mode: .urlQuery)
        #expect(bytes == "Pj4%2F")
        let json = try TemplateFixture.render(#"{"left": {{inLeftNotInRight owned seen}}, "top": {{maxInList prices}}}"#, Self.data, mode: .json)
        #expect(try JSONValue.parse(json) == ["left": ["a", "c"], "top": "120"])
    }

    static let failures: [(String, String)] = [
        ("{{abbreviate flavor 3}}", "'abbreviate' needs a width of at least 4"),
        ("{{substring brand \"x\"}}", "'substring' needs a whole number, found 'x'"),
        ("{{center greeting}}", "'center' needs a width"),
        ("{{center greeting size=\"wide\"}}", "'center' needs a whole number, found 'wide'"),
        ("{{hmacSHA256 email}}", "'hmacSHA256' needs at least 2 parameters, found 1"),
        ("{{^base64}}x{{/base64}}", "'base64' has no inverse"),
    ]

    @Test(arguments: failures)
    func reportsBadArguments(_ template: String, _ message: String) {
        let error = TemplateFixture.error(template, Self.data)
        #expect(error?.message.contains(message) == true, "\(String(describing: error))")
    }

    /// What every render would refuse, written as literals, is reported from the template alone,
    /// as `validate` reports it: it passed, and only a preview or a send said so.
    @Test func literalArgumentsEveryRenderRefusesAreFoundInTheTemplate() throws {
        let template = try Template(
            parsing: #"{{substring email "x"}} {{center email size="wide"}} {{abbreviate email 2}} {{center email}} {{substring email 1 3}} {{center email size=9}}"#)
        #expect(
            template.literalArgumentProblems.map(\.message) == [
                "'substring' needs a whole number, found 'x'", "'center' needs a whole number, found 'wide'",
                "'abbreviate' needs a width of at least 4 (3 of it are the '...'), found 2",
                "'center' needs a width: {{center text size=20}}",
            ])
    }
}
