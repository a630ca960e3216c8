import Testing
import StudioModel

/// Handlebars' `{{~{x}~}}` spelling: a raw (unescaped) tag that strips whitespace on either side.
struct TemplateRawStripTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var name: String
        var template: String
        var expected: String
        var testDescription: String { name }
    }

    static let data: JSONValue = ["html": "<b>Ada</b>", "name": "Ada"]

    static let cases: [Case] = [
        Case(name: "strip both, raw", template: "a  {{~{html}~}}  b", expected: "a<b>Ada</b>b"),
        Case(name: "strip left only", template: "a \n {{~{html}}} b", expected: "a<b>Ada</b> b"),
        Case(name: "strip right only", template: "a {{{html}~}} \n b", expected: "a <b>Ada</b>b"),
        Case(name: "spaces inside the braces", template: "[ {{~{ html }~}} ]", expected: "[<b>Ada</b>]"),
        Case(name: "escaped tag is unchanged", template: "a {{~html~}} b", expected: "a&lt;b&gt;Ada&lt;/b&gt;b"),
        Case(name: "between two raw tags", template: "{{{name}~}}  -  {{~{name}}}", expected: "Ada-Ada"),
    ]

    @Test(arguments: cases)
    func rendersRawAndStripsWhitespace(_ testCase: Case) throws {
        #expect(try TemplateFixture.render(testCase.template, Self.data, mode: .html) == testCase.expected)
    }

    @Test func unclosedTildeRawTagNamesTheTriple() {
        #expect(TemplateFixture.error("x {{~{html}~}")?.description == "1:3: unclosed tag '{{{'; expected '}}}'")
    }

    @Test func referencedFieldsSeeTheFieldInsideATildeRawTag() throws {
        #expect(try Template(parsing: "{{~{html}~}}").referencedFields == ["html"])
    }
}
