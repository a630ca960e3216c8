import Foundation
import Testing
import StudioModel

/// Escaping per output mode, applied to merged values and never to literal template text.
struct TemplateOutputModeTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var mode: OutputMode
        var template: String
        var data: JSONValue
        var expected: String
        var testDescription: String { "\(mode.rawValue): \(template)" }
    }

    static let cases: [Case] = [
        // html: Handlebars escaping.
        Case(mode: .html, template: "{{x}}", data: ["x": #"& < > " ' ` ="#],
             expected: "&amp; &lt; &gt; &quot; &#x27; &#x60; &#x3D;"),
        Case(mode: .html, template: "<b>{{x}}</b>", data: ["x": "a&b"], expected: "<b>a&amp;b</b>"),
        Case(mode: .html, template: "{{{x}}}", data: ["x": "<i>"], expected: "<i>"),
        Case(mode: .html, template: "{{& x}}", data: ["x": "<i>"], expected: "<i>"),
        Case(mode: .html, template: "{{x}}", data: ["x": "plain"], expected: "plain"),
        // text: no escaping.
        Case(mode: .text, template: "{{x}}", data: ["x": "<a href=\"x\">&</a>"], expected: "<a href=\"x\">&</a>"),
        // form: WHATWG application/x-www-form-urlencoded.
        Case(mode: .form, template: "q={{x}}", data: ["x": "piña colada"], expected: "q=pi%C3%B1a+colada"),
        Case(mode: .form, template: "{{x}}", data: ["x": "*-._"], expected: "*-._"),
        Case(mode: .form, template: "{{x}}", data: ["x": "~"], expected: "%7E"),
        Case(mode: .form, template: "{{x}}", data: ["x": "a=b&c/d?"], expected: "a%3Db%26c%2Fd%3F"),
        Case(mode: .form, template: "{{x}}", data: ["x": "AZaz09"], expected: "AZaz09"),
        Case(mode: .form, template: "{{x}}", data: ["x": "😀"], expected: "%F0%9F%98%80"),
        Case(mode: .form, template: "{{{x}}}", data: ["x": "a b"], expected: "a b"),
        // url-path and url-query: RFC 3986 unreserved kept.
        Case(mode: .urlPath, template: "/users/{{x}}", data: ["x": "a b/c"], expected: "/users/a%20b%2Fc"),
        Case(mode: .urlPath, template: "{{x}}", data: ["x": "-._~"], expected: "-._~"),
        Case(mode: .urlQuery, template: "?q={{x}}", data: ["x": "piña colada&x=1"],
             expected: "?q=pi%C3%B1a%20colada%26x%3D1"),
        Case(mode: .urlQuery, template: "{{x}}", data: ["x": "*+"], expected: "%2A%2B"),
        // urlEncode's output is encoded already: it is not encoded a second time (`%` as `%25`, `+` as `%2B`).
        Case(mode: .urlPath, template: "/search/{{urlEncode city}}", data: ["city": "São Paulo & co"],
             expected: "/search/S%C3%A3o+Paulo+%26+co"),
        Case(mode: .urlQuery, template: "q={{urlEncode city}}&raw={{city}}", data: ["city": "São Paulo & co"],
             expected: "q=S%C3%A3o+Paulo+%26+co&raw=S%C3%A3o%20Paulo%20%26%20co"),
        Case(mode: .form, template: "{{urlEncode city}}", data: ["city": "São Paulo & co"],
             expected: "S%C3%A3o+Paulo+%26+co"),
        Case(mode: .form, template: "{{#urlEncode}}{{city}}!{{/urlEncode}}", data: ["city": "a b"], expected: "a+b%21"),
        Case(mode: .urlQuery, template: "{{#urlEncode city}}{{/urlEncode}}", data: ["city": "a b"], expected: "a+b"),
        // header: passes clean values through.
        Case(mode: .header, template: "Bearer {{x}}", data: ["x": "abc<>"], expected: "Bearer abc<>"),
        // Missing values render empty in every mode but unquoted JSON.
        Case(mode: .html, template: "[{{nope}}]", data: [:], expected: "[]"),
        Case(mode: .form, template: "[{{nope}}]", data: [:], expected: "[]"),
        Case(mode: .header, template: "[{{nope}}]", data: [:], expected: "[]"),
        // json
        Case(mode: .json, template: #"{"a": "{{x}}"}"#, data: ["x": "say \"hi\"\n\\"], expected: #"{"a": "say \"hi\"\n\\"}"#),
        Case(mode: .json, template: #"{"a": {{x}}}"#, data: ["x": "text"], expected: #"{"a": "text"}"#),
        Case(mode: .json, template: #"{"a": {{x}}}"#, data: ["x": 36], expected: #"{"a": 36}"#),
        Case(mode: .json, template: #"{"a": {{x}}}"#, data: ["x": 2.5], expected: #"{"a": 2.5}"#),
        Case(mode: .json, template: #"{"a": {{x}}}"#, data: ["x": true], expected: #"{"a": true}"#),
        Case(mode: .json, template: #"{"a": {{x}}}"#, data: ["x": nil], expected: #"{"a": null}"#),
        Case(mode: .json, template: #"{"a": {{x}}}"#, data: [:], expected: #"{"a": null}"#),
        Case(mode: .json, template: #"{"a": {{x}}}"#, data: ["x": [1, "b"]], expected: #"{"a": [1,"b"]}"#),
        Case(mode: .json, template: #"{"a": {{x}}}"#, data: ["x": ["k": 1]], expected: #"{"a": {"k":1}}"#),
        Case(mode: .json, template: #"{"a": "{{x}}"}"#, data: ["x": 36], expected: #"{"a": "36"}"#),
        Case(mode: .json, template: #"{"a": "{{x}}"}"#, data: [:], expected: #"{"a": ""}"#),
        Case(mode: .json, template: #"{"a": {{toJson x}}}"#, data: ["x": ["k": [1, 2]]], expected: #"{"a": {"k":[1,2]}}"#),
        Case(mode: .json, template: #"{"a": "{{toJson x}}"}"#, data: ["x": ["k": 1]], expected: #"{"a": "{\"k\":1}"}"#),
        Case(mode: .json, template: #"{"a\"{{x}}": 1}"#, data: ["x": "q\""], expected: #"{"a\"q\"": 1}"#),
        Case(mode: .json, template: #"{"a": "\\", "b": {{x}}}"#, data: ["x": 1], expected: #"{"a": "\\", "b": 1}"#),
        Case(mode: .json, template: #"{"qty": {{qty}}}"#, data: ["qty": 3], expected: #"{"qty": 3}"#),
        Case(mode: .json, template: #"[{{#each xs}}{{this}}{{#unless @last}},{{/unless}}{{/each}}]"#,
             data: ["xs": [1, "two", false]], expected: #"[1,"two",false]"#),
        Case(mode: .json, template: #"{"u": "{{urlEncode x}}"}"#, data: ["x": "a b"], expected: #"{"u": "a+b"}"#),
        Case(mode: .json, template: #"{"s": "{{upper x}}", "n": {{math n '+' 1}}}"#, data: ["x": "é\u{8}", "n": 1],
             expected: #"{"s": "É\b", "n": 2}"#),
    ]

    @Test(arguments: cases)
    func escapesMergedValues(_ test: Case) throws {
        #expect(try TemplateFixture.render(test.template, test.data, mode: test.mode) == test.expected)
    }

    @Test(arguments: ["a\r\nX-Injected: 1", "a\nb", "a\rb", "a\u{0}b"])
    func headerModeRejectsLineBreaks(_ value: String) {
        let error = TemplateFixture.error("Bearer {{{token}}}", ["token": .string(value)], mode: .header)
        #expect(error?.line == 1)
        #expect(error?.column == 8)
        #expect(error?.message.contains("CR, LF or NUL") == true)
    }

    @Test func literalTextIsNeverEscaped() throws {
        for mode in OutputMode.allCases where mode != .json {
            #expect(try TemplateFixture.render("<a b=\"c\"> & ~", [:], mode: mode) == "<a b=\"c\"> & ~")
        }
    }

    @Test func outputModeRawValuesMatchTheCLI() {
        #expect(OutputMode.allCases.map(\.rawValue) == ["html", "text", "json", "form", "url-path", "url-query", "header"])
    }
}
