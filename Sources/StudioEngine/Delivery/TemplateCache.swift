import StudioModel
import Synchronization

/// Parsed templates by source text, so each template is parsed once per process.
public final class TemplateCache: Sendable {
    private let templates = Mutex<[String: Template]>([:])

    public init() {}

    public func template(_ source: String) throws(TemplateError) -> Template {
        if let cached = templates.withLock({ $0[source] }) { return cached }
        let parsed = try Template(parsing: source)
        templates.withLock { $0[source] = parsed }
        return parsed
    }
}
