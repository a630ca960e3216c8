/// The studio's screens, the tabs of its second row (DESIGN §8), chosen with `1`–`5`.
public enum Screen: Int, Sendable, Hashable, CaseIterable {
    case workflows = 1
    case webhooks
    case systemWebhooks
    case users
    case traffic

    public var title: String {
        switch self {
        case .workflows: "Workflows"
        case .webhooks: "Webhooks"
        case .systemWebhooks: "System webhooks"
        case .users: "Users"
        case .traffic: "Traffic"
        }
    }

    /// The panes it shows, in Tab order; the first is focused when the screen opens.
    public var panes: [Pane] {
        switch self {
        case .workflows: [.workflows, .workflow, .traffic]
        case .webhooks: [.webhooks, .webhook, .traffic]
        case .systemWebhooks: [.systemWebhooks, .systemWebhook, .traffic]
        case .users: [.users, .user, .traffic]
        case .traffic: [.traffic]
        }
    }

    /// Whether the screen has a list at the left and its selection's details at the right.
    var hasListAndDetails: Bool { self != .traffic }
}
