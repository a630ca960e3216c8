/// A definition a reload left running as it was, because its file is broken: see
/// ``Workspace/keepingLastGood(from:)``.
public struct KeptDefinition: Sendable, Hashable, CustomStringConvertible {
    public enum Kind: String, Sendable, Hashable {
        case workflow
        case webhook
        case systemWebhook = "system webhook"
    }

    public var kind: Kind
    public var id: String
    /// The first error in its file.
    public var problem: Diagnostic

    /// Its file, relative to the workspace root (`webhooks/bi-events.yaml`): where the problem is.
    public var path: String { problem.path }

    public init(kind: Kind, id: String, problem: Diagnostic) {
        self.kind = kind
        self.id = id
        self.problem = problem
    }

    /// `the last good webhook bi-events keeps running`
    public var description: String { "the last good \(kind.rawValue) \(id) keeps running" }
}
