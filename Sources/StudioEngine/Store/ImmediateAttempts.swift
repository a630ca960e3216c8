import StudioModel

/// A delivery's attempts made at once, outside its retry schedule (trigger `immediate`), as its
/// stored attempts show them: what a delivery resumed after a restart has used of its policy.
public struct ImmediateAttempts: Sendable, Hashable {
    /// How many there were; they used no slot of the schedule.
    public var count = 0
    /// Whether one was the quick retry after a connection failure, made once per delivery.
    public var quickRetried = false
    /// Whether one was made with a refreshed OAuth2 token after a 401, made once per delivery.
    public var refreshedToken = false

    public init(count: Int = 0, quickRetried: Bool = false, refreshedToken: Bool = false) {
        self.count = count
        self.quickRetried = quickRetried
        self.refreshedToken = refreshedToken
    }

    /// From a delivery's attempts, oldest first: an immediate attempt after a 401 refreshed the
    /// token; after anything else, it was the quick retry.
    init(triggersAndStatuses attempts: [(trigger: AttemptTrigger?, status: Int?)]) {
        for (index, attempt) in attempts.enumerated() where attempt.trigger == .immediate {
            count += 1
            if index > 0, attempts[index - 1].status == 401 {
                refreshedToken = true
            } else {
                quickRetried = true
            }
        }
    }
}
