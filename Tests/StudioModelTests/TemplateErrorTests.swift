import Testing
import StudioModel

/// Parse and render errors carry the template line and column and say what was expected.
struct TemplateErrorTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var template: String
        var line: Int
        var column: Int
        var message: String
        var testDescription: String { template }
    }

    static let cases: [Case] = [
        Case(template: "Hello\n    {{#if vip}}yes", line: 2, column: 5, message: "unclosed {{#if}} block; expected {{/if}}"),
        Case(template: "{{#each xs}}{{#if a}}{{/each}}{{/if}}", line: 1, column: 22,
             message: "{{/each}} does not match {{#if}} opened at 1:13; expected {{/if}}"),
        Case(template: "a {{/if}}", line: 1, column: 3, message: "unexpected {{/if}}: no block is open"),
        Case(template: "x {{else}}", line: 1, column: 3, message: "unexpected {{else}} outside a block"),
        Case(template: "héllo {{uper name}}", line: 1, column: 9, message: "unknown helper 'uper'; did you mean 'upper'?"),
        Case(template: "{{#ifeq a b}}x{{/ifeq}}", line: 1, column: 4,
             message: "unknown block helper 'ifeq'; did you mean 'ifEq'?"),
        Case(template: "{{frobnicate a}}", line: 1, column: 3, message: "unknown helper 'frobnicate'"),
        Case(template: "ok\n{{name", line: 2, column: 1, message: "unclosed tag '{{'; expected '}}'"),
        Case(template: "{{{name}}", line: 1, column: 1, message: "unclosed tag '{{{'; expected '}}}'"),
        Case(template: "{{! never closed", line: 1, column: 1, message: "unclosed comment"),
        Case(template: "{{#if}}x{{/if}}", line: 1, column: 4, message: "'if' needs at least 1 parameter, found 0"),
        Case(template: "{{upper a b}}", line: 1, column: 3, message: "'upper' takes at most 1 parameter, found 2"),
        Case(template: "{{#upper a}}x{{/upper}}", line: 1, column: 4, message: "'upper' cannot be used as a block"),
        Case(template: "{{ifEq a b}}", line: 1, column: 3, message: "'ifEq' is a block helper"),
        Case(template: "{{#if a}}1{{else}}2{{else}}3{{/if}}", line: 1, column: 20, message: "a second {{else}}"),
        Case(template: "{{> partial}}", line: 1, column: 1, message: "partials ({{> name}}) are not supported"),
        Case(template: "{{upper \"abc}}", line: 1, column: 1, message: "unclosed tag"),
        Case(template: "{{@nope}}", line: 1, column: 3, message: "unknown data variable '@nope'"),
        Case(template: "{{upper (lower a}}", line: 1, column: 17, message: "expected ')'"),
        // Syntax outside our subset is named, never read as a field (`{{{{raw}}}}` rendered "}" before).
        Case(template: "{{{{raw}}}} {{x}} {{{{/raw}}}}", line: 1, column: 1,
             message: "raw blocks ({{{{name}}}}…{{{{/name}}}}) are not supported"),
        Case(template: "a\n{{* decorate}}", line: 2, column: 1, message: "decorators ({{* name}}) are not supported"),
        Case(template: "{{=<% %>=}}<% x %>", line: 1, column: 1,
             message: "set-delimiter tags ({{=<% %>=}}) are not supported"),
        Case(template: "{{#*inline \"p\"}}x{{/inline}}", line: 1, column: 1,
             message: "inline partials and decorator blocks"),
        Case(template: "{{#> layout}}x{{/layout}}", line: 1, column: 1,
             message: "partial blocks ({{#> name}}) are not supported"),
        Case(template: "{{#each xs}}{{text/this/foo}}{{/each}}", line: 1, column: 15,
             message: "invalid path 'text/this/foo': 'this' can only start a path"),
        Case(template: "{{@root.this}}", line: 1, column: 3, message: "invalid path '@root.this'"),
        Case(template: "x {{^}}", line: 1, column: 3, message: "unexpected {{^}} outside a block"),
        Case(template: "{{^urlEncode}}x{{/urlEncode}}", line: 1, column: 4, message: "'urlEncode' has no inverse"),
        // A lost '}' is an error at the brace, as in handlebars.js: it rendered empty (the field `firstName}{{lastName`)
        // or named an unknown helper `firstName},`.
        Case(template: "Hi {{firstName}{{lastName}}!", line: 1, column: 15,
             message: "unexpected '}' in a name; a tag is closed by '}}'"),
        Case(template: "Hi {{firstName}, {{lastName}}", line: 1, column: 15,
             message: "unexpected '}' in a name; a tag is closed by '}}'"),
        Case(template: "{{a{b}}", line: 1, column: 4, message: "unexpected '{' in a name; a tag is opened by '{{'"),
        // handlebars.js refuses these to parse; they rendered an empty text and "X".
        Case(template: "{{#each xs}}{{../@index}}{{/each}}", line: 1, column: 18,
             message: "unexpected '@' in path '../@index'; '@' starts a path only, as in @index or @../index"),
        Case(template: "{{a.[b]]}}", line: 1, column: 8, message: "unexpected ']' in path 'a.[b]]'"),
        Case(template: "{{upper a]}}", line: 1, column: 10, message: "unexpected ']' in path 'a]'"),
        // Iterable's helpers Hookline does not implement are errors wherever a helper name stands: alone they
        // were fields and rendered nothing (a migrated body lost its unsubscribe link).
        Case(template: "<a href=\"{{hostedUnsubscribeUrl}}\">", line: 1, column: 12,
             message: "'hostedUnsubscribeUrl' is an Iterable helper Hookline does not implement"),
        Case(template: "a\n {{smartOptInUrl}}", line: 2, column: 4,
             message: "'smartOptInUrl' is an Iterable helper Hookline does not implement"),
        Case(template: "{{upper (unsubscribeByPhoneUrl x)}}", line: 1, column: 10,
             message: "'unsubscribeByPhoneUrl' is an Iterable helper Hookline does not implement"),
        Case(template: "{{#slugify}}Hello World{{/slugify}}", line: 1, column: 4,
             message: "'slugify' is an Iterable helper Hookline does not implement (use lower and replace)"),
        Case(template: "{{#if a}}{{{snippet \"header\"}}}{{/if}}", line: 1, column: 13,
             message: "'snippet' is an Iterable helper Hookline does not implement"),
        Case(template: "{{#catalog \"c\" id}}x{{/catalog}}", line: 1, column: 4,
             message: "'catalog' is an Iterable helper Hookline does not implement"),
        Case(template: "{{[sendSkip]}}", line: 1, column: 3,
             message: "'sendSkip' is an Iterable helper Hookline does not implement"),
        Case(template: "{{#breaklines note}}x{{/breaklines}}", line: 1, column: 4, message: "'breaklines' takes at most"),
        Case(template: "{{breaklines}}", line: 1, column: 3, message: "'breaklines' is a block helper"),
        Case(template: "{{^breaklines}}x{{/breaklines}}", line: 1, column: 4, message: "'breaklines' has no inverse"),
    ]

    @Test(arguments: cases)
    func reportsPosition(_ test: Case) {
        let error = TemplateFixture.error(test.template)
        #expect(error?.line == test.line)
        #expect(error?.column == test.column)
        #expect(error?.message.contains(test.message) == true, "\(String(describing: error))")
    }

    /// A refused name is still a field when written so that it cannot be a helper.
    @Test func refusedHelperNamesReadAsFieldsWithThis() throws {
        let data: JSONValue = ["hostedUnsubscribeUrl": "https://u.example/x", "metadata": ["k": "v"]]
        let rendered = try TemplateFixture.render(
            "{{this.hostedUnsubscribeUrl}} {{./hostedUnsubscribeUrl}} {{metadata.k}} {{#each metadata as |metadata|}}{{metadata}}{{/each}}",
            data)
        #expect(rendered == "https://u.example/x https://u.example/x v v")
    }

    @Test func descriptionIsLineColonColumn() {
        let error = TemplateError(line: 3, column: 7, message: "boom")
        #expect(error.description == "3:7: boom")
    }

    /// Parsing and rendering recurse once per level, so nesting is bounded instead of overflowing the stack.
    @Test(arguments: [513, 10_000])
    func deepBlockNestingIsAnError(_ depth: Int) {
        let template = String(repeating: "{{#if a}}", count: depth) + "x" + String(repeating: "{{/if}}", count: depth)
        let error = TemplateFixture.error(template, ["a": true])
        let message = "blocks nested more than 512 levels deep; flatten the template"
        #expect(error == TemplateError(line: 1, column: 512 * 9 + 1, message: message))
    }

    /// Foundation's NumberFormatter traps when ICU cannot format: `{{numberFormat x "9"}}` with x = -1e300 ended
    /// the process (signal 4), and a profile value decides x at send time. Such patterns are refused whatever x is,
    /// so validate, rendering with empty merge parameters, finds them too.
    @Test(arguments: [
        "9", "0.05", "123456789012345678", "0." + String(repeating: "0", count: 400),
        "0." + String(repeating: "0", count: 124) + "1",
    ])
    func numberFormatPatternsFoundationCannotFormatAreErrorsNotCrashes(_ pattern: String) {
        for value: JSONValue in [-1e300, 1e308, 1.5, .null] {
            let error = TemplateFixture.error("Total: {{numberFormat x \"\(pattern)\"}}", ["x": value])
            #expect(error?.line == 1)
            #expect(error?.column == 10)
            #expect(error?.message.hasPrefix("numberFormat patterns ") == true, "\(String(describing: error))")
        }
    }

    @Test func numberFormatPatternsOfDigitsAndQuotedTextStillFormat() throws {
        #expect(try TemplateFixture.render("{{numberFormat x \"#,##0.00 'pts 1-9'\"}}", ["x": 1e12]) == "1,000,000,000,000.00 pts 1-9")
        #expect(try TemplateFixture.render("{{numberFormat x \"0.000\"}}", ["x": -1e300]).hasPrefix("-1000000000"))
    }

    @Test func longElseIfChainIsAnError() {
        let template = "{{#if a}}x" + String(repeating: "{{else if a}}x", count: 10_000) + "{{/if}}"
        let error = TemplateFixture.error(template, ["a": true])
        #expect(error?.message.contains("nested more than 512 levels deep") == true)
    }

    @Test func deepSubexpressionNestingIsAnError() {
        let template = "{{upper " + String(repeating: "(lower ", count: 10_000) + "a"
            + String(repeating: ")", count: 10_000) + "}}"
        let error = TemplateFixture.error(template, ["a": "x"])
        let message = "subexpressions nested more than 512 levels deep"
        #expect(error == TemplateError(line: 1, column: 9 + 512 * 7, message: message))
    }

    /// The deepest template allowed renders on a task's thread, whose stack is smaller than the main thread's.
    @Test func deepestAllowedNestingRendersInATask() async throws {
        let blocks = String(repeating: "{{#with a}}", count: 256) + String(repeating: "{{#if b}}", count: 256)
        let closers = String(repeating: "{{/if}}", count: 256) + String(repeating: "{{/with}}", count: 256)
        let value = "{{upper " + String(repeating: "(lower ", count: 511) + "b" + String(repeating: ")", count: 511) + "}}"
        var data: JSONValue = ["b": "x"]
        for _ in 0..<256 { data = ["a": data, "b": "x"] }
        let rendered = try await Task.detached { [data] in
            try TemplateFixture.render(blocks + value + closers, data)
        }.value
        #expect(rendered == "X")
    }

    /// The same depth where a helper reads a secret, which the render follows through every level
    /// (to mask what helpers compute from it).
    @Test func deepestAllowedNestingOfASecretRendersInATask() async throws {
        let blocks = String(repeating: "{{#with a}}", count: 256) + String(repeating: "{{#if b}}", count: 256)
        let closers = String(repeating: "{{/if}}", count: 256) + String(repeating: "{{/with}}", count: 256)
        let value = "{{upper " + String(repeating: "(lower ", count: 511) + "@root.secret.k" + String(repeating: ")", count: 511) + "}}"
        var data: JSONValue = ["b": "x"]
        for _ in 0..<256 { data = ["a": data, "b": "x"] }
        let rendered = try await Task.detached { [data] in
            try TemplateFixture.render(blocks + value + closers, data, secrets: ["k": "sk_live_1"])
        }.value
        #expect(rendered == "SK_LIVE_1")
    }

    @Test func renderErrorsPointAtTheTag() {
        let error = TemplateFixture.error("line\n  {{math a '/' 0}}", ["a": 1])
        #expect(error == TemplateError(line: 2, column: 5, message: "division by zero in 'math'"))
    }
}
