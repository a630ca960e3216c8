/// One step of a workflow.
public struct WorkflowNode: Sendable, Hashable, Identifiable {
    public var id: String
    public var kind: Kind
    /// Where the journey goes next; an unconnected output exits the user.
    public var next: NodeNext
    /// Where this node was written, for diagnostics that arise after loading.
    public var location: SourceLocation?

    public init(id: String, kind: Kind, next: NodeNext = .none, location: SourceLocation? = nil) {
        self.id = id
        self.kind = kind
        self.next = next
        self.location = location
    }

    public enum Kind: Sendable, Hashable {
        case callWebhook(webhook: String, onError: OnError)
        case updateProfileWebhook(webhook: String, mergeNestedObjects: Bool, onError: OnError)
        case delay(WorkflowDuration)
        /// Waits until the date in a field, offset before or after it; a date already past, or
        /// none, lets the journey go on at once.
        case delayUntil(DateDelay)
        case yesNo(Condition)
        /// Iterable's A/B Split: up to 10 branches whose shares add up to 100 %.
        case abSplit([SplitShare])
        /// Iterable's Attribute Split: the first branch whose values the profile field has, else
        /// the `else` output ("Everyone else").
        case attributeSplit(field: String, branches: [AttributeBranch])
        /// Iterable's User Profile update: sets fields and saves the profile.
        case updateProfile([ProfileFieldUpdate])
        /// Iterable's List Membership: adds the user to a static list.
        case addToList(String)
        /// Iterable's List Membership: removes the user from a static list.
        case removeFromList(String)
        case sendEmail(subject: String, body: String)
        case sendSMS(body: String)
        case sendPush(body: String)
        case exit

        /// The name used in workflow files.
        public var typeName: String {
            switch self {
            case .callWebhook: "callWebhook"
            case .updateProfileWebhook: "updateProfileWebhook"
            case .delay, .delayUntil: "delay"
            case .yesNo: "yesNo"
            case .abSplit: "abSplit"
            case .attributeSplit: "attributeSplit"
            case .updateProfile: "updateProfile"
            case .addToList: "addToList"
            case .removeFromList: "removeFromList"
            case .sendEmail: "sendEmail"
            case .sendSMS: "sendSMS"
            case .sendPush: "sendPush"
            case .exit: "exit"
            }
        }

        /// The name people read in the studio.
        public var title: String {
            switch self {
            case .callWebhook: "Call webhook"
            case .updateProfileWebhook: "Update profile"
            case .delay, .delayUntil: "Delay"
            case .yesNo: "Yes/No"
            case .abSplit: "A/B split"
            case .attributeSplit: "Attribute split"
            case .updateProfile: "Set fields"
            case .addToList: "Add to list"
            case .removeFromList: "Remove from list"
            case .sendEmail: "Send email"
            case .sendSMS: "Send SMS"
            case .sendPush: "Send push"
            case .exit: "Exit"
            }
        }

        /// A split's outputs, in the order they are written (an unconnected one exits the user);
        /// nil for a node with one way on.
        public var splitOutputs: [String]? {
            switch self {
            case .yesNo: ["yes", "no"]
            case .abSplit(let shares): shares.map(\.branch)
            case .attributeSplit(_, let branches): branches.map(\.name) + [AttributeBranch.everyoneElse]
            default: nil
            }
        }

        /// The webhook this node calls, if any.
        public var webhookID: String? {
            switch self {
            case .callWebhook(let id, _), .updateProfileWebhook(let id, _, _): id
            default: nil
            }
        }
    }

    /// What a webhook node does when its request fails for good.
    public enum OnError: String, Sendable, Hashable, CaseIterable {
        case exit
        case `continue`
        case branch
    }
}

/// The outgoing connections of a node.
public enum NodeNext: Sendable, Hashable {
    case none
    case single(String)
    /// Named outputs: `yes`/`no` for splits, `error` for a webhook's error branch.
    case branches([String: String])

    /// Every node id this node may lead to, in a stable order.
    public var targets: [String] {
        switch self {
        case .none: []
        case .single(let id): [id]
        case .branches(let map): map.keys.sorted().compactMap { map[$0] }
        }
    }

    /// The node for an output name; `.single` answers any output except `error`.
    public func target(for output: String) -> String? {
        switch self {
        case .none: nil
        case .single(let id): output == "error" ? nil : id
        case .branches(let map): map[output]
        }
    }
}

/// A delay length, such as `2d` or `90s`.
public struct WorkflowDuration: Sendable, Hashable, CustomStringConvertible {
    public var seconds: Double
    public var text: String

    public init(seconds: Double, text: String? = nil) {
        self.seconds = seconds
        self.text = text ?? "\(JSONValue.format(seconds))s"
    }

    /// Parses `500ms`, `30s`, `5m`, `2h`, `2d`, `1w`, or a bare number of seconds.
    public init?(parsing text: String) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let units: [(String, Double)] = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600), ("d", 86400), ("w", 604800)]
        for (suffix, factor) in units where trimmed.hasSuffix(suffix) {
            guard let number = Double(trimmed.dropLast(suffix.count)), number >= 0 else { continue }
            self.init(seconds: number * factor, text: trimmed)
            return
        }
        guard let number = Double(trimmed), number >= 0 else { return nil }
        self.init(seconds: number, text: trimmed)
    }

    public var description: String { text }

    /// The longest duration a workspace file may write (a delay, a retry, a retention), in
    /// seconds: 100 years, so that every instant computed from one is a date the store can hold.
    public static let longest: Double = 100 * 365.25 * 86_400

    /// The longest timeout, in seconds: an attempt holds a connection and a delivery slot that long.
    public static let longestTimeout: Double = 3_600
}

import Foundation
