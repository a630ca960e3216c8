/// One branch of an A/B split and its share of the users, in percent.
public struct SplitShare: Sendable, Hashable {
    public var branch: String
    public var percent: Int

    public init(branch: String, percent: Int) {
        self.branch = branch
        self.percent = percent
    }

    /// The branch of `shares` a journey takes at `nodeID`: chosen from the journey's id, so the
    /// users spread by the shares while one journey, resumed after a restart, takes the same
    /// branch again. Nil when the shares do not cover the draw (they are checked to add up to 100).
    public static func branch(of shares: [SplitShare], journeyID: String, nodeID: String) -> String? {
        // FNV-1a: stable across processes and platforms, unlike `Hasher`.
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in "\(journeyID)/\(nodeID)".utf8 {
            hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3
        }
        var draw = Int(hash % 100)
        for share in shares {
            if draw < share.percent { return share.branch }
            draw -= share.percent
        }
        return nil
    }
}

/// One branch of an attribute split: the values of the split's field that send a user down it.
public struct AttributeBranch: Sendable, Hashable {
    public var name: String
    public var values: [JSONValue]

    public init(name: String, values: [JSONValue]) {
        self.name = name
        self.values = values
    }

    /// The output an attribute split sends a user to when no branch matches ("everyone else").
    public static let everyoneElse = "else"

    /// The first branch whose values hold `value` (compared as a yes/no split's `equals` does),
    /// else ``everyoneElse``.
    public static func output(of branches: [AttributeBranch], for value: JSONValue?) -> String {
        let matching = branches.first { branch in
            branch.values.contains { Condition.Clause(field: "", op: .equals, value: $0).evaluate(value) }
        }
        return matching?.name ?? everyoneElse
    }
}

/// One field an Update Profile node sets: a dotted path, and its value, whose text may hold
/// merge parameters.
public struct ProfileFieldUpdate: Sendable, Hashable {
    public var field: String
    public var value: JSONValue

    public init(field: String, value: JSONValue) {
        self.field = field
        self.value = value
    }
}
