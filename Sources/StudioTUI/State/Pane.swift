/// The panes that can hold focus. Which ones a screen shows, and their Tab order, is
/// ``Screen/panes``.
public enum Pane: String, Sendable, Hashable, CaseIterable {
    case workflows
    /// The selected workflow's tree.
    case workflow
    case webhooks
    /// The selected webhook's settings.
    case webhook
    case systemWebhooks
    /// The selected system webhook's settings.
    case systemWebhook
    case users
    /// The selected user's profile.
    case user
    case traffic

    /// The bindings live in the pane; a details pane shares its list's, so `e` edits from either.
    var bindingGroup: BindingGroup {
        switch self {
        case .workflows: .workflows
        case .workflow: .workflow
        case .webhooks, .webhook: .webhooks
        case .systemWebhooks, .systemWebhook: .systemWebhooks
        case .users, .user: .users
        case .traffic: .traffic
        }
    }

}
