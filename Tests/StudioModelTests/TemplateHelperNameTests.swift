import Testing
import StudioModel

/// A helper's name alone in a tag calls the helper, as in handlebars.js 4.7.7, where a helper wins
/// over a field of the same name when the name is simple (one segment, no `this.`, `./` or `../`),
/// unless a block parameter binds it. Our helpers that need a parameter then fail as they do
/// wherever it is missing (`(upper)`, `{{upper format="x"}}`), at the tag, when the template is
/// parsed, so `hookline validate` reports it; a block helper's name alone fails as handlebars.js's
/// `{{if}}` does ("#if requires exactly one argument").
///
/// Checked against handlebars.js 4.7.7 (Debian's libjs-handlebars) with the names registered as
/// helpers: `node -e 'const H = require("/usr/share/javascript/handlebars/handlebars.js");
/// H.registerHelper("upper", (...a) => "HELPER"); console.log(H.compile(T)({upper: "field"}))'`
/// prints HELPER for `{{upper}}`, `{{[upper]}}`, `{{"upper"}}`, `{{{upper}}}`, `{{#upper}}x{{/upper}}`
/// and `{{#each xs}}{{upper}}{{/each}}`; `field` for `{{this.upper}}`, `{{./upper}}` and
/// `{{#with o}}{{../upper}}{{/with}}`; the item for `{{#each xs as |upper|}}{{upper}}{{/each}}`;
/// and `{{if}}` throws.
struct TemplateHelperNameTests {
    typealias Case = TemplateErrorTests.Case

    static func hint(_ name: String) -> String {
        "(a helper wins over a field of its name: write {{this.\(name)}} for the field)"
    }

    static let upperAlone = "'upper' needs at least 1 parameter, found 0 \(hint("upper"))"

    static let errors: [Case] = [
        Case(template: "{{upper}}", line: 1, column: 3, message: upperAlone),
        Case(template: "a {{ upper }}", line: 1, column: 6, message: upperAlone),
        Case(template: "{{[upper]}}", line: 1, column: 3, message: upperAlone),
        Case(template: #"{{"upper"}}"#, line: 1, column: 3, message: upperAlone),
        Case(template: "{{{upper}}}", line: 1, column: 4, message: upperAlone),
        Case(template: "{{& upper}}", line: 1, column: 5, message: upperAlone),
        Case(template: "{{#each xs}}{{upper}}{{/each}}", line: 1, column: 15, message: upperAlone),
        Case(template: "{{#each xs as |item|}}{{upper}}{{/each}}", line: 1, column: 25, message: upperAlone),
        Case(template: "{{#each xs as |upper|}}{{else}}{{upper}}{{/each}}", line: 1, column: 34, message: upperAlone),
        Case(template: "{{lookup}}", line: 1, column: 3,
             message: "'lookup' needs at least 2 parameters, found 0 \(hint("lookup"))"),
        Case(template: "{{urlEncode}}", line: 1, column: 3, message: "'urlEncode' needs at least 1 parameter, found 0 \(hint("urlEncode"))"),
        Case(template: "{{lower (urlEncode)}}", line: 1, column: 10, message: "'urlEncode' needs at least 1 parameter, found 0"),
        Case(template: "{{if}}", line: 1, column: 3,
             message: "'if' is a block helper; use {{#if …}}…{{/if}} \(hint("if"))"),
        Case(template: "{{each}}", line: 1, column: 3, message: "'each' is a block helper; use {{#each …}}…{{/each}} \(hint("each"))"),
        Case(template: "{{ifEq}}", line: 1, column: 3, message: "'ifEq' is a block helper; use {{#ifEq …}}…{{/ifEq}} \(hint("ifEq"))"),
        Case(template: "{{#upper}}x{{/upper}}", line: 1, column: 4, message: "'upper' cannot be used as a block; use {{upper …}}"),
        Case(template: "{{^upper}}x{{/upper}}", line: 1, column: 4, message: "'upper' cannot be used as a block; use {{upper …}}"),
        Case(template: "{{#[now]}}x{{/[now]}}", line: 1, column: 4, message: "'now' cannot be used as a block; use {{now …}}"),
        Case(template: #"{{#"size"}}x{{/"size"}}"#, line: 1, column: 4, message: "'size' cannot be used as a block; use {{size …}}"),
        // A bracketed name is the helper of that name (handlebars.js: `Missing helper: "nohelper"`); a
        // longer path is no helper name (`Missing helper: "upper.x"`).
        Case(template: "a {{[nohelper] x}}", line: 1, column: 5, message: "unknown helper 'nohelper'"),
        Case(template: "{{#[nohelper] x}}y{{/[nohelper]}}", line: 1, column: 4, message: "unknown block helper 'nohelper'"),
        Case(template: "{{[upper].[x] x}}", line: 1, column: 3, message: "unknown helper '[upper].[x]'"),
        Case(template: "{{#[upper] x}}y{{/[upper]}}", line: 1, column: 4, message: "'upper' cannot be used as a block; use {{upper …}}"),
    ]

    @Test(arguments: errors)
    func aHelpersNameAloneCallsTheHelper(_ test: Case) {
        let error = TemplateFixture.error(test.template, ["upper": "field", "xs": ["a"]])
        #expect(error == TemplateError(line: test.line, column: test.column, message: test.message))
    }

    static let renders: [NamedRenderCase] = [
        NamedRenderCase(
            name: "this. and ./ read the field", template: "{{this.upper}} {{./upper}} {{this.[upper]}}",
            data: ["upper": "field"], expected: "field field field"),
        NamedRenderCase(
            name: "../ reads the field", template: "{{#with o}}{{../upper}}{{/with}}",
            data: ["upper": "field", "o": ["x": 1]], expected: "field"),
        NamedRenderCase(
            name: "a longer path reads the field", template: "{{upper.length}} {{lookup this \"upper\"}}",
            data: ["upper": "field"], expected: "5 field"),
        NamedRenderCase(
            name: "a block parameter wins over the helper",
            template: "{{#each xs as |upper|}}{{upper}}{{/each}}{{#with o as |now|}}[{{now.x}}{{#now}}{{x}}{{/now}}]{{/with}}",
            data: ["xs": ["a", "b"], "o": ["x": 1]], expected: "ab[11]"),
        NamedRenderCase(
            name: "a block parameter is no longer bound after its block",
            template: "{{#each xs as |now|}}{{now}}{{/each}}-{{now}}", data: ["xs": ["a"], "now": "field"],
            expected: "a-2024-03-05 14:30:00 +00:00"),
        // handlebars.js 4.7.7 names a helper by a one-segment path's part, brackets or not:
        // `{{[upper] x}}` printed ABC where we refused "unknown helper '[upper]'".
        NamedRenderCase(
            name: "a bracketed helper name with parameters calls the helper",
            template: #"{{[upper] x}} {{lower ([upper] x)}} {{#[if] x}}y{{/if}} {{#if x}}z{{/[if]}} {{#[ifEq] x "abc"}}eq{{/[ifEq]}}"#,
            data: ["x": "abc", "upper": "field"], expected: "ABC abc y z eq"),
        NamedRenderCase(
            name: "a helper's name as a parameter is a field", template: "{{lower upper}} {{#if upper}}yes{{/if}}",
            data: ["upper": "FIELD"], expected: "field yes"),
    ]

    @Test(arguments: renders)
    func aFieldNamedLikeAHelperIsReadWithAPath(_ test: NamedRenderCase) throws {
        #expect(try TemplateFixture.render(test.template, test.data, mode: .html) == test.expected)
    }
}
