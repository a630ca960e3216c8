import Foundation
import Testing
import StudioModel

/// The Mustache spec's interpolation, sections, inverted and comments cases (`Fixtures/MustacheSpec`, unmodified
/// copies of github.com/mustache/spec, MIT), rendered in HTML mode as `hookline render` renders them.
///
/// Handlebars is the reference where it and Mustache disagree; the cases we leave out are listed in `excluded`
/// with what handlebars.js renders for them, and we render that.
struct TemplateMustacheSpecTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var file: String
        var name: String
        var template: String
        var data: JSONValue
        var expected: String
        var testDescription: String { "\(file): \(name)" }
    }

    static let files = ["comments", "interpolation", "inverted", "sections"]

    /// Cases where the spec walks up the context stack to find a name the current context lacks. handlebars.js
    /// does so only with `compat: true`; by default, as here, a name is looked up in the current context alone
    /// (`../name` reaches the parent). Each maps to handlebars.js's output.
    static let excluded: [String: String] = [
        "sections: Parent contexts": #"", bar, ""#,
        "sections: Variable test": #""bar is ""#,
        "sections: List Contexts": "1.x.y.",
        "sections: Deeply Nested Contexts": "1\n1\n",
    ]

    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures/MustacheSpec")

    /// Every case of `files`, or none if a file cannot be read (which `readsEveryFile` reports).
    static let allCases: [Case] = {
        var cases: [Case] = []
        for file in files {
            guard let data = try? Data(contentsOf: directory.appendingPathComponent("\(file).json")),
                let spec = try? JSONValue.parse(data), case .array(let tests)? = spec["tests"]
            else { return [] }
            for test in tests {
                guard case .string(let name)? = test["name"], case .string(let template)? = test["template"],
                    case .string(let expected)? = test["expected"]
                else { return [] }
                cases.append(Case(file: file, name: name, template: template, data: test["data"] ?? .null,
                                  expected: expected))
            }
        }
        return cases
    }()

    static let cases = allCases.filter { excluded[$0.testDescription] == nil }

    static func render(_ test: Case) throws(TemplateError) -> String {
        try Template(parsing: test.template).render(TemplateContext(data: test.data), mode: .html)
    }

    @Test(arguments: cases)
    func rendersAsTheSpecExpects(_ test: Case) throws {
        #expect(try Self.render(test) == test.expected)
    }

    @Test func readsEveryFile() {
        #expect(Self.allCases.count == 96)
        #expect(Self.cases.count == Self.allCases.count - Self.excluded.count)
    }

    @Test func excludedCasesRenderAsHandlebarsJS() throws {
        for test in Self.allCases {
            guard let handlebars = Self.excluded[test.testDescription] else { continue }
            #expect(try Self.render(test) == handlebars, "\(test.testDescription)")
        }
    }
}
