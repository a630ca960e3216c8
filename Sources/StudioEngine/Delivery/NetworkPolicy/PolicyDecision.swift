/// What ``NetworkPolicy`` says about a URL or an address.
public enum PolicyDecision: Sendable, Hashable {
    /// The request may go ahead. For a URL with a host name this means the name is acceptable;
    /// its addresses are checked when it is resolved, before every attempt.
    case allowed
    /// The request must not be sent.
    case blocked(PolicyViolation)

    /// Whether the decision is ``allowed``.
    public var isAllowed: Bool { violation == nil }

    /// The violation, if the decision is ``blocked(_:)``.
    public var violation: PolicyViolation? {
        if case .blocked(let violation) = self { return violation }
        return nil
    }
}
