import Testing
import StudioModel

/// Mustache-spec and Handlebars-spec behaviour of the parser and renderer, in text mode.
struct TemplateSyntaxTests {
    typealias Case = NamedRenderCase

    static let person: JSONValue = [
        "name": "Ada", "age": 36, "vip": true, "zero": 0, "empty": "", "none": nil, "list": [],
        "address": ["city": "London", "zip": "N1 9GU"],
        "First Name": "Augusta",
        "items": [["name": "pen", "qty": 2], ["name": "ink", "qty": 1]],
        "tags": ["a", "b", "c"],
        "prefs": ["color": "blue", "size": "M"],
    ]

    static let interpolation: [Case] = [
        Case(name: "braces in a bracketed segment", template: "{{[a}b]}}", data: ["a}b": "x"], expected: "x"),
        Case(name: "no tags", template: "Hello, world!", data: [:], expected: "Hello, world!"),
        Case(name: "basic", template: "Hello, {{name}}!", data: person, expected: "Hello, Ada!"),
        Case(name: "integer", template: "{{age}} years", data: person, expected: "36 years"),
        Case(name: "decimal", template: "{{pi}}", data: ["pi": 1.5], expected: "1.5"),
        // Numbers print as JavaScript prints them (handlebars.js, JSON.stringify).
        Case(name: "numbers as JavaScript writes them",
             template: "{{a}} {{b}} {{c}} {{d}} {{e}} {{f}} {{g}} {{h}} {{i}}",
             data: ["a": 1e15, "b": 1.5e16, "c": 1e20, "d": 1e21, "e": 1e-7, "f": -1e-7, "g": 0.000001, "h": 1e-5,
                    "i": 123456789.123],
             expected: "1000000000000000 15000000000000000 100000000000000000000 1e+21 1e-7 -1e-7 0.000001 0.00001 123456789.123"),
        Case(name: "more numbers as JavaScript writes them", template: "{{a}} {{b}} {{c}} {{d}}",
             data: ["a": 1.2345678901234567e19, "b": 2.5e-10, "c": -0.0, "d": 1.7976931348623157e308],
             expected: "12345678901234567000 2.5e-10 0 1.7976931348623157e+308"),
        Case(name: "boolean", template: "{{vip}}", data: person, expected: "true"),
        Case(name: "null renders empty", template: "[{{none}}]", data: person, expected: "[]"),
        Case(name: "missing renders empty", template: "[{{nope}}]", data: person, expected: "[]"),
        Case(name: "missing nested renders empty", template: "[{{a.b.c}}]", data: person, expected: "[]"),
        Case(name: "dotted", template: "{{address.city}}", data: person, expected: "London"),
        Case(name: "slash path", template: "{{address/zip}}", data: person, expected: "N1 9GU"),
        Case(name: "bracket field", template: "{{[First Name]}}", data: person, expected: "Augusta"),
        Case(name: "array index", template: "{{items.[0].name}}", data: person, expected: "pen"),
        Case(name: "array index second", template: "{{items.[1].qty}}", data: person, expected: "1"),
        Case(name: "size of array", template: "{{items.size}}", data: person, expected: "2"),
        Case(name: "size helper", template: "{{size tags}}", data: person, expected: "3"),
        Case(name: "object size field wins", template: "{{prefs.size}}", data: person, expected: "M"),
        Case(name: "array prints joined", template: "{{tags}}", data: person, expected: "a,b,c"),
        Case(name: "spaces inside tag", template: "{{  name  }}", data: person, expected: "Ada"),
        Case(name: "triple stash", template: "{{{name}}}", data: person, expected: "Ada"),
        Case(name: "ampersand", template: "{{& name}}", data: person, expected: "Ada"),
        Case(name: "this at root", template: "{{this.name}}", data: person, expected: "Ada"),
        Case(name: "dot is this", template: "{{#each tags}}{{.}}{{/each}}", data: person, expected: "abc"),
        Case(name: "escaped mustache", template: #"\{{name}} {{name}}"#, data: person, expected: "{{name}} Ada"),
        Case(name: "escaped backslash", template: #"\\{{name}}"#, data: person, expected: #"\Ada"#),
        Case(name: "brace after tag", template: "{{age}}}", data: person, expected: "36}"),
        // As handlebars.js: a literal alone in a tag names a field.
        Case(name: "literal string names a field", template: #"[{{"hi"}}][{{"a b"}}]"#, data: ["a b": "x"],
             expected: "[][x]"),
    ]

    @Test(arguments: interpolation)
    func interpolates(_ test: Case) throws {
        #expect(try TemplateFixture.render(test.template, test.data) == test.expected)
    }

    static let blocks: [Case] = [
        Case(name: "if true", template: "{{#if vip}}VIP{{/if}}", data: person, expected: "VIP"),
        Case(name: "if false", template: "{{#if zero}}yes{{else}}no{{/if}}", data: person, expected: "no"),
        Case(name: "if empty string", template: "{{#if empty}}yes{{else}}no{{/if}}", data: person, expected: "no"),
        Case(name: "if empty array", template: "{{#if list}}yes{{else}}no{{/if}}", data: person, expected: "no"),
        Case(name: "if missing", template: "{{#if nope}}yes{{else}}no{{/if}}", data: person, expected: "no"),
        Case(name: "if includeZero", template: "{{#if zero includeZero=true}}yes{{/if}}", data: person, expected: "yes"),
        // As handlebars.js: 0.0 is zero too, and `unless` reads includeZero= as `if` does.
        Case(name: "if includeZero double", template: "{{#if half includeZero=true}}Y{{else}}N{{/if}}",
             data: ["half": 0.0], expected: "Y"),
        Case(name: "unless includeZero", template: "{{#unless zero includeZero=true}}U{{else}}E{{/unless}}", data: person,
             expected: "E"),
        Case(name: "unless without includeZero", template: "{{#unless zero}}U{{else}}E{{/unless}}", data: person,
             expected: "U"),
        Case(name: "else if", template: "{{#if nope}}a{{else if vip}}b{{else}}c{{/if}}", data: person, expected: "b"),
        Case(name: "else if falls through", template: "{{#if nope}}a{{else if zero}}b{{else}}c{{/if}}", data: person,
             expected: "c"),
        Case(name: "else ifEq chain", template: "{{#if nope}}a{{else ifEq age 36}}b{{/if}}", data: person, expected: "b"),
        Case(name: "caret else", template: "{{#if nope}}a{{^}}b{{/if}}", data: person, expected: "b"),
        Case(name: "unless", template: "{{#unless vip}}no{{else}}yes{{/unless}}", data: person, expected: "yes"),
        Case(name: "each array", template: "{{#each items}}{{name}}x{{qty}} {{/each}}", data: person,
             expected: "penx2 inkx1 "),
        Case(name: "each index first last",
             template: "{{#each tags}}{{@index}}{{#if @first}}F{{/if}}{{#if @last}}L{{/if}}{{/each}}", data: person,
             expected: "0F12L"),
        Case(name: "each object key", template: "{{#each prefs}}{{@key}}={{this}};{{/each}}", data: person,
             expected: "color=blue;size=M;"),
        Case(name: "each else", template: "{{#each list}}x{{else}}none{{/each}}", data: person, expected: "none"),
        Case(name: "each parent", template: "{{#each tags}}{{../name}}{{this}}{{/each}}", data: person,
             expected: "AdaaAdabAdac"),
        Case(name: "each root data", template: "{{#each tags}}{{@root.age}}{{/each}}", data: person, expected: "363636"),
        Case(name: "nested each", template: "{{#each items}}[{{#each ../tags}}{{../name}}{{/each}}]{{/each}}",
             data: person, expected: "[penpenpen][inkinkink]"),
        Case(name: "index in nested if", template: "{{#each tags}}{{#if this}}{{@index}}{{/if}}{{/each}}", data: person,
             expected: "012"),
        Case(name: "with", template: "{{#with address}}{{city}} {{zip}}{{/with}}", data: person, expected: "London N1 9GU"),
        Case(name: "with else", template: "{{#with nope}}x{{else}}none{{/with}}", data: person, expected: "none"),
        Case(name: "with parent", template: "{{#with address}}{{../name}}{{/with}}", data: person, expected: "Ada"),
        Case(name: "with zero is a value", template: "{{#with zero}}[{{this}}]{{else}}none{{/with}}", data: person,
             expected: "[0]"),
        Case(name: "parent past the root is empty", template: "[{{../name}}{{#if vip}}{{../name}}{{/if}}]",
             data: person, expected: "[]"),
        Case(name: "parent past the root inside each", template: "[{{#each tags}}{{../../name}}{{/each}}]",
             data: person, expected: "[]"),
        Case(name: "@key over an array is the index", template: "{{#each tags}}{{@key}}{{/each}}", data: person,
             expected: "012"),
        // `#with` keeps its `#each`'s data, and `@../index` looks past it to the outer `#each`.
        Case(name: "@../index through with",
             template: "{{#each a}}{{#each this}}{{#with this}}{{@index}}{{@../index}}|{{/with}}{{/each}}{{/each}}",
             data: ["a": [[["x": 1]], [["x": 1], ["x": 2]]]], expected: "00|01|11|"),
        Case(name: "section over list", template: "{{#tags}}<{{.}}>{{/tags}}", data: person, expected: "<a><b><c>"),
        Case(name: "section over object", template: "{{#address}}{{city}}{{/address}}", data: person, expected: "London"),
        Case(name: "section true", template: "{{#vip}}{{name}}{{/vip}}", data: person, expected: "Ada"),
        // As handlebars.js and the Mustache spec: a string or number a section opens on is its context.
        Case(name: "section over a string", template: "{{#name}}{{.}} is {{this}}{{/name}}", data: person,
             expected: "Ada is Ada"),
        Case(name: "section over a number", template: "{{#age}}[{{.}}]{{name}}{{/age}}", data: person, expected: "[36]"),
        Case(name: "section named like a literal", template: "{{#null}}x{{/null}}{{^true}}y{{/true}}",
             data: ["null": true], expected: "xy"),
        Case(name: "section false", template: "[{{#vip}}x{{/vip}}{{#none}}y{{/none}}]",
             data: ["vip": false, "none": nil], expected: "[]"),
        Case(name: "inverted section", template: "{{^list}}empty{{/list}}", data: person, expected: "empty"),
        Case(name: "inverted section truthy", template: "[{{^vip}}x{{/vip}}]", data: person, expected: "[]"),
        Case(name: "lookup", template: "{{lookup prefs \"color\"}}", data: person, expected: "blue"),
        Case(name: "lookup index", template: "{{#each tags}}{{lookup ../tags @index}}{{/each}}", data: person,
             expected: "abc"),
        Case(name: "subexpression", template: "{{upper (defaultIfEmpty nope \"x\")}}", data: person, expected: "X"),
    ]

    @Test(arguments: blocks)
    func rendersBlocks(_ test: Case) throws {
        #expect(try TemplateFixture.render(test.template, test.data) == test.expected)
    }

    static let comments: [Case] = [
        Case(name: "inline comment", template: "12345{{! Comment Block! }}67890", data: [:], expected: "1234567890"),
        Case(name: "multiline comment", template: "12345{{!\n  This is a\n  multi-line comment...\n}}67890", data: [:],
             expected: "1234567890"),
        Case(name: "long comment with braces", template: "a{{!-- {{not a tag}} --}}b", data: [:], expected: "ab"),
        Case(name: "standalone comment", template: "Begin.\n{{! Comment Block! }}\nEnd.", data: [:],
             expected: "Begin.\nEnd."),
        Case(name: "indented standalone comment", template: "Begin.\n  {{! Indented }}\nEnd.", data: [:],
             expected: "Begin.\nEnd."),
        Case(name: "standalone CRLF comment", template: "|\r\n{{! Standalone }}\r\n|", data: [:], expected: "|\r\n|"),
        Case(name: "standalone without previous line", template: "  {{! I'm Still Standalone }}\n!", data: [:],
             expected: "!"),
        Case(name: "standalone without newline", template: "!\n  {{! I'm Still Standalone }}", data: [:], expected: "!\n"),
        Case(name: "inline comment keeps spaces", template: "  12 {{! 34 }}\n", data: [:], expected: "  12 \n"),
    ]

    @Test(arguments: comments)
    func stripsComments(_ test: Case) throws {
        #expect(try TemplateFixture.render(test.template, test.data) == test.expected)
    }

    static let standalone: [Case] = [
        Case(name: "standalone section lines", template: "|\n{{#vip}}\nyes\n{{/vip}}\n|", data: person,
             expected: "|\nyes\n|"),
        Case(name: "indented standalone lines", template: "|\n  {{#vip}}\nyes\n  {{/vip}}\n|", data: person,
             expected: "|\nyes\n|"),
        Case(name: "standalone else", template: "{{#if zero}}\na\n{{else}}\nb\n{{/if}}\n", data: person, expected: "b\n"),
        Case(name: "inline section keeps whitespace", template: " {{#vip}}\t|\t{{/vip}} | \n", data: person,
             expected: " \t|\t | \n"),
        Case(name: "indented inline section", template: " {{#vip}}YES{{/vip}}\n {{#none}}NO{{/none}}\n",
             data: person, expected: " YES\n \n"),
        Case(name: "standalone CRLF", template: "|\r\n{{#vip}}\r\n{{/vip}}\r\n|", data: person, expected: "|\r\n|"),
        Case(name: "standalone at start", template: "  {{#vip}}\n#{{/vip}}\n/", data: person, expected: "#\n/"),
        Case(name: "standalone at end", template: "#{{#vip}}\n/\n  {{/vip}}", data: person, expected: "#\n/\n"),
        Case(name: "each lines", template: "<ul>\n{{#each tags}}\n  <li>{{this}}</li>\n{{/each}}\n</ul>", data: person,
             expected: "<ul>\n  <li>a</li>\n  <li>b</li>\n  <li>c</li>\n</ul>"),
        Case(name: "variable line not standalone", template: "  {{name}}\n", data: person, expected: "  Ada\n"),
    ]

    @Test(arguments: standalone)
    func removesStandaloneLines(_ test: Case) throws {
        #expect(try TemplateFixture.render(test.template, test.data) == test.expected)
    }

    static let whitespaceControl: [Case] = [
        Case(name: "strip both", template: "a  {{~name~}}  b", data: person, expected: "aAdab"),
        Case(name: "strip left", template: "a \n {{~name}} b", data: person, expected: "aAda b"),
        Case(name: "strip right", template: "a {{name~}} \n b", data: person, expected: "a Adab"),
        Case(name: "strip in blocks", template: "{{#each tags~}}\n  {{this}}\n{{~/each}}", data: person, expected: "abc"),
        Case(name: "strip around else", template: "{{#if zero}}a{{~else~}}  b  {{/if}}", data: person, expected: "b  "),
        Case(name: "strip triple", template: "x {{{~name~}}} y", data: person, expected: "xAday"),
        Case(name: "strip comment", template: "x {{~! c ~}} y", data: person, expected: "xy"),
    ]

    @Test(arguments: whitespaceControl)
    func controlsWhitespace(_ test: Case) throws {
        #expect(try TemplateFixture.render(test.template, test.data) == test.expected)
    }

    @Test func parsesOnceAndRendersManyContexts() throws {
        let template = try Template(parsing: "Hi {{name}}")
        #expect(try template.render(TemplateContext(data: ["name": "A"]), mode: .text) == "Hi A")
        #expect(try template.render(TemplateContext(data: ["name": "B"]), mode: .text) == "Hi B")
        #expect(template.source == "Hi {{name}}")
    }

    @Test func looksUpEventThenProfileThenLiveData() throws {
        let template = try Template(parsing: "{{a}} {{b}} {{c}} {{liveData.c}} {{dataFields.a}} {{secret.TOKEN}}")
        let context = TemplateContext(
            event: JSONObject([("a", "event")]), profile: JSONObject([("a", "profile"), ("b", "profile")]),
            liveData: JSONObject([("a", "live"), ("b", "live"), ("c", "live")]), secrets: ["TOKEN": "s3"])
        #expect(try template.render(context, mode: .text) == "event profile live live event s3")
    }

    @Test func reportsReferencedTopLevelFields() throws {
        let template = try Template(parsing: """
            {{firstName}} {{address.city}} {{#each items}}{{sku}}{{../plan}}{{/each}}{{upper lastName}}
            {{#with profile}}{{inner}}{{/with}}{{items.[0].name}}{{@root.email}}{{secret.KEY}}{{@index}}
            """)
        #expect(template.referencedFields == [
            "firstName", "address.city", "items", "plan", "lastName", "profile", "email",
        ])
    }
}
