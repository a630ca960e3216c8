import Synchronization

/// A resolver with fixed answers, for tests: no DNS traffic, and rebinding on demand.
///
/// ```swift
/// let resolver = StaticResolver([
///     "hooks.example.test": [.addresses([IPAddress("127.0.0.1")!])],
///     "flaky.example.test": [.addresses([IPAddress("93.184.215.14")!]), .addresses([IPAddress("127.0.0.1")!])],
///     "gone.example.test": [.failure("NXDOMAIN")],
/// ])
/// ```
/// Each lookup of a name takes the next answer in its list and repeats the last one after that.
/// Names not in the table fail, as NXDOMAIN would.
public final class StaticResolver: AddressResolver {
    /// One answer to one lookup.
    public enum Answer: Sendable, Hashable {
        /// The lookup returns these addresses (possibly none).
        case addresses([IPAddress])
        /// The lookup fails with this message.
        case failure(String)
    }

    /// The error a scripted failure throws.
    public struct LookupError: Error, Sendable, Hashable, CustomStringConvertible {
        /// The scripted message, or "NXDOMAIN" for a name not in the table.
        public let message: String
        /// Makes an error with `message`.
        public init(message: String) { self.message = message }
        public var description: String { message }
    }

    private let state: Mutex<(answers: [String: [Answer]], lookups: [String: Int])>

    /// Makes a resolver that answers each name (matched case-insensitively, without a trailing
    /// dot) with the next of its answers.
    public init(_ answers: [String: [Answer]]) {
        var table: [String: [Answer]] = [:]
        for (name, list) in answers { table[Self.key(name), default: []] += list }
        state = Mutex((table, [:]))
    }

    /// Makes a resolver that always gives each name the same addresses.
    public convenience init(addresses: [String: [IPAddress]]) {
        self.init(addresses.mapValues { [Answer.addresses($0)] })
    }

    /// How many times `host` has been looked up.
    public func lookupCount(of host: String) -> Int {
        state.withLock { $0.lookups[Self.key(host), default: 0] }
    }

    public func addresses(of host: String) async throws -> [IPAddress] {
        let key = Self.key(host)
        let answer = state.withLock { state -> Answer in
            let count = state.lookups[key, default: 0]
            state.lookups[key] = count + 1
            guard let list = state.answers[key], let last = list.last else { return .failure("NXDOMAIN") }
            return count < list.count ? list[count] : last
        }
        switch answer {
        case .addresses(let addresses): return addresses
        case .failure(let message): throw LookupError(message: message)
        }
    }

    private static func key(_ host: String) -> String {
        var name = host.lowercased()
        if name.hasSuffix(".") { name.removeLast() }
        return name
    }
}
