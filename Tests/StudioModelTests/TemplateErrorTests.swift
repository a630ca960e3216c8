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
    ]

    @Test(arguments: cases)
    func reportsPosition(_ test: Case) {
        let error = TemplateFixture.error(test.template)
        #expect(error?.line == test.line)
        #expect(error?.column == test.column)
        #expect(error?.message.contains(test.message) == true, "\(String(describing: error))")
    }

    @Test func descriptionIsLineColonColumn() {
        let error = TemplateError(line: 3, column: 7, message: "boom")
        #expect(error.description == "3:7: boom")
    }

    @Test func renderErrorsPointAtTheTag() {
        let error = TemplateFixture.error("line\n  {{math a '/' 0}}", ["a": 1])
        #expect(error == TemplateError(line: 2, column: 5, message: "division by zero in 'math'"))
    }
}
