/// A webhook URL or address that the SSRF policy (delivery.md §8.8) refuses.
///
/// Every violation has the same short ``label``, `blocked_by_policy`, for the status bar,
/// traffic filters and metrics. ``reason`` says which rule fired, and ``message`` tells the
/// user what to do, e.g. "10.0.0.5 is a private address; an admin can allow 10.0.0.0/8 in
/// hookline.yaml network.allow". A blocked attempt is a permanent failure: retrying cannot help.
public struct PolicyViolation: Error, Sendable, Hashable, CustomStringConvertible {
    /// Which rule refused the request. An open set: compare with the static members.
    public struct Reason: Sendable, Hashable, CustomStringConvertible {
        private enum Code: String, Sendable {
            case invalidURL = "invalid_url"
            case unsupportedScheme = "unsupported_scheme"
            case credentialsInURL = "credentials_in_url"
            case deniedAddress = "denied_address"
            case deniedHostName = "denied_host_name"
            case resolutionFailed = "resolution_failed"
            case noAddresses = "no_addresses"
        }

        private let code: Code

        private init(_ code: Code) { self.code = code }

        /// The URL does not parse, has no host, or has a host no resolver should see.
        public static let invalidURL = Reason(.invalidURL)
        /// The scheme is not `http` or `https`.
        public static let unsupportedScheme = Reason(.unsupportedScheme)
        /// The URL carries `user:password@`.
        public static let credentialsInURL = Reason(.credentialsInURL)
        /// The host is, or resolves to, an address the policy denies.
        public static let deniedAddress = Reason(.deniedAddress)
        /// The host name itself is denied (cloud metadata, `localhost`).
        public static let deniedHostName = Reason(.deniedHostName)
        /// The resolver failed, so the addresses could not be checked (fail closed).
        public static let resolutionFailed = Reason(.resolutionFailed)
        /// The resolver answered with no addresses.
        public static let noAddresses = Reason(.noAddresses)

        /// A stable snake_case name, e.g. `denied_address`.
        public var description: String { code.rawValue }
    }

    /// The label every violation shows: `blocked_by_policy`.
    public static let label = "blocked_by_policy"

    /// Which rule refused the request.
    public let reason: Reason
    /// One sentence for the user: what was refused and how it can be allowed, if it can.
    public let message: String
    /// The denied address, for ``Reason/deniedAddress``.
    public let address: IPAddress?
    /// The `network.allow` entry that would admit the request, if an admin may add one.
    public let suggestedAllowEntry: String?

    /// Makes a violation. Engine code normally gets one from ``NetworkPolicy``.
    public init(reason: Reason, message: String, address: IPAddress? = nil, suggestedAllowEntry: String? = nil) {
        self.reason = reason
        self.message = message
        self.address = address
        self.suggestedAllowEntry = suggestedAllowEntry
    }

    /// The short, stable label: `blocked_by_policy`.
    public var label: String { Self.label }

    /// `blocked_by_policy: <message>`.
    public var description: String { "\(Self.label): \(message)" }
}
