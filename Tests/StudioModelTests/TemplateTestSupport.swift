import Foundation
import StudioModel
import Testing

/// A named template, its data and the text it must render, as the parametrized tests take them.
struct NamedRenderCase: CustomTestStringConvertible, Sendable {
    var name: String
    var template: String
    var data: JSONValue
    var expected: String
    var testDescription: String { name }
}

/// Shared fixtures for the template tests.
enum TemplateFixture {
    /// 2024-03-05T14:30:00Z, the `now` every template test renders with.
    static let now = Date(timeIntervalSince1970: 1_709_649_000)

    static func render(
        _ source: String, _ data: JSONValue = [:], mode: OutputMode = .text, secrets: [String: String] = [:]
    ) throws(TemplateError) -> String {
        try Template(parsing: source).render(TemplateContext(data: data, secrets: secrets, now: now), mode: mode)
    }

    /// The error a template raises while parsing or rendering, or nil when it succeeds.
    static func error(_ source: String, _ data: JSONValue = [:], mode: OutputMode = .text) -> TemplateError? {
        do {
            _ = try render(source, data, mode: mode)
            return nil
        } catch {
            return error
        }
    }

    static let benchDirectory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("shared/bench")
}
