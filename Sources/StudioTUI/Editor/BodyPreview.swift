import Foundation
import StudioModel

/// The body editor's preview: the template rendered for the chosen user as the request would
/// carry it (a JSON body pretty-printed), or the first problem with its line and column.
struct BodyPreview: Sendable, Equatable {
    var lines: [String]
    /// The problem, `line:column: message` into the template; nil when the body renders (and, for
    /// JSON, parses).
    var problem: String?
    /// The template line the problem is on (0-based), to mark it.
    var problemLine: Int?

    /// Renders `template` for `user`; secrets show as the mask, never their values.
    static func render(_ template: String, type: String, user: StoredUser?, now: Date) -> BodyPreview {
        let parsed: Template
        do {
            parsed = try Template(parsing: template)
        } catch {
            return BodyPreview(lines: [], problem: error.description, problemLine: error.line - 1)
        }
        let masked = Dictionary(parsed.secretNames.map { ($0, SecretDisplay.mask) }, uniquingKeysWith: { first, _ in first })
        let context = TemplateContext(profile: user?.profile ?? JSONObject(), secrets: masked, now: now)
        do {
            if type == "json" {
                let rendered = try parsed.renderJSON(context)
                return BodyPreview(lines: rendered.value.prettyJSONText.components(separatedBy: "\n"))
            }
            return BodyPreview(lines: try parsed.render(context, mode: .text).components(separatedBy: "\n"))
        } catch {
            return BodyPreview(lines: [], problem: error.description, problemLine: error.line - 1)
        }
    }
}
