/// What a workspace file defines, told by its path; decides which of its values are secrets.
enum DefinitionFileKind: Sendable, Equatable {
    /// `webhooks/<name>.yaml`.
    case webhook
    /// `system-webhooks/<name>.yaml`.
    case systemWebhook
    /// Workflows, `hookline.yaml` and anything else: nothing is hidden.
    case other

    init(path: String) {
        if WorkspaceLoader.isDefinitionPath(path, in: "webhooks") {
            self = .webhook
        } else if WorkspaceLoader.isDefinitionPath(path, in: "system-webhooks") {
            self = .systemWebhook
        } else {
            self = .other
        }
    }

    /// The key of the URL requests go to: `url` or `endpoint`; nil for files without one.
    var urlKey: String? {
        switch self {
        case .webhook: "url"
        case .systemWebhook: "endpoint"
        case .other: nil
        }
    }
}
