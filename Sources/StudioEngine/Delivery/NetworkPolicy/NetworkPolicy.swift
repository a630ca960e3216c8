import Foundation
import StudioModel

/// Where webhooks may send: the SSRF policy of delivery.md §8.8.
///
/// By default everything that is not public Internet is denied: loopback, unspecified,
/// RFC 1918, carrier-grade NAT, link-local, unique local, multicast, broadcast, documentation,
/// benchmarking and reserved ranges, cloud metadata addresses and names, and the same
/// addresses hidden in IPv4-mapped, IPv4-compatible, NAT64 and 6to4 form. An admin opens
/// ranges and names with `network.allow` in `hookline.yaml`; metadata, link-local and the
/// unspecified address can never be opened.
///
/// ```swift
/// let policy = NetworkPolicy(allowlist: ["10.20.0.0/16", "crm.internal"])
/// policy.check(url: "http://10.0.0.5/hook")          // .blocked(…private address…)
/// let target = try await policy.resolveAndCheck(url: "https://hooks.example.com/in")
/// ```
public struct NetworkPolicy: Sendable {
    /// Address blocks opened by the admin.
    public let allowedBlocks: [CIDR]
    /// Host names opened by the admin, lower case, without a trailing dot.
    public let allowedHostNames: Set<String>
    /// Allowlist entries that are neither a block nor a host name, and so were ignored.
    public let ignoredEntries: [String]
    /// Looks up host names for ``resolveAndCheck(url:)``.
    public let resolver: any AddressResolver

    /// Makes a policy from `network.allow` entries: CIDRs (`10.20.0.0/16`), single addresses
    /// (`10.0.0.5`) or exact host names (`crm.internal`).
    /// - Parameters:
    ///   - allowlist: The admin's entries. Default: none (strict).
    ///   - resolver: How host names are looked up. Default: ``SystemResolver``.
    public init(allowlist: [String] = [], resolver: any AddressResolver = SystemResolver()) {
        var blocks: [CIDR] = []
        var names: Set<String> = []
        var ignored: [String] = []
        for entry in allowlist {
            let trimmed = entry.trimmingCharacters(in: .whitespaces)
            if let block = CIDR(trimmed) {
                blocks.append(block)
            } else if let target = try? TargetURL.parse("http://\(trimmed)/").get(), target.literal == nil,
                !trimmed.contains("/"), !trimmed.contains(":"), !trimmed.contains("@")
            {
                names.insert(target.normalizedHost)
            } else {
                ignored.append(entry)
            }
        }
        allowedBlocks = blocks
        allowedHostNames = names
        ignoredEntries = ignored
        self.resolver = resolver
    }

    /// What is wrong with the form of `url` whatever the allowlist says: not a URL, a scheme other
    /// than http or https, credentials, a malformed host; nil when only its address is left to check.
    public static func formViolation(of url: String) -> PolicyViolation? {
        guard case .failure(let violation) = TargetURL.parse(url) else { return nil }
        return violation
    }

    /// Makes the policy a workspace asks for, from its `network.allow` list.
    public init(settings: WorkspaceSettings, resolver: any AddressResolver = SystemResolver()) {
        self.init(allowlist: settings.networkAllowlist, resolver: resolver)
    }

    /// The save-time check: scheme, credentials, the host's spelling, IP literals, denied and
    /// allowlisted names. Host names that pass are checked again, by address, before each attempt.
    public func check(url: String) -> PolicyDecision {
        switch TargetURL.parse(url) {
        case .failure(let violation):
            return .blocked(violation)
        case .success(let target):
            if let literal = target.literal { return check(address: literal, host: target.host) }
            return check(hostName: target.normalizedHost)
        }
    }

    /// The check for one address `host` resolved to (or that `host` spells, for an IP literal).
    ///
    /// The address is canonicalised first, so `::ffff:10.0.0.5`, `::10.0.0.5`,
    /// `64:ff9b::a00:5` and `2002:a00:5::` are all refused as `10.0.0.5` is. An address is
    /// allowed if it is public, or if it lies in an allowlisted block or `host` is an allowlisted
    /// name, unless it is metadata, link-local or unspecified.
    ///
    /// An IPv4-compatible, NAT64 or 6to4 address is dialled as IPv6: a translator, relay or tunnel
    /// takes the connection, not the IPv4 address it carries. So an allowlisted IPv4 address does
    /// not admit it (`127.0.0.1/32` admits 127.0.0.1 only); its own IPv6 block (`::/96`,
    /// `64:ff9b::/96`, `2002::/16` or a narrower one) or an allowlisted name must be listed too.
    /// NAT64 and 6to4 forms of a public IPv4 address need no entry; the deprecated
    /// IPv4-compatible form always does.
    public func check(address: IPAddress, host: String) -> PolicyDecision {
        let canonical = address.canonical
        let carrier = SpecialAddressRange.ipv4Carrier(address)
        let hostIsAllowlisted = isAllowlisted(hostName: normalized(host))
        let embeddedRange = SpecialAddressRange.matching(canonical)
        if let range = embeddedRange {
            let shown = describe(address: address, canonical: canonical, host: host)
            guard range.isAllowable else {
                return .blocked(
                    PolicyViolation(
                        reason: .deniedAddress, message: "\(shown) \(range.phrase) and can never be allowed",
                        address: canonical))
            }
            // An IPv4-mapped address is dialled as its IPv4 address, so a block of either spelling opens it.
            let inAllowedBlock = allowedBlocks.contains { $0.contains(canonical) || (carrier == nil && $0.contains(address)) }
            if !hostIsAllowlisted, !inAllowedBlock {
                let suggestion = range.block.prefixLength > 0 ? range.block.description : canonical.description
                return .blocked(
                    PolicyViolation(
                        reason: .deniedAddress,
                        message: "\(shown) \(range.phrase); an admin can allow \(suggestion) in hookline.yaml network.allow",
                        address: canonical, suggestedAllowEntry: suggestion))
            }
        }
        guard let carrier, carrier.block == SpecialAddressRange.ipv4Compatible.block || embeddedRange != nil else {
            return .allowed
        }
        if hostIsAllowlisted || allowedBlocks.contains(where: { $0.contains(address) }) { return .allowed }
        let suggestion = carrier.block.description
        let shown = IPAddress(host) == nil ? "\(host) resolves to \(address), which is" : "\(address) is"
        return .blocked(
            PolicyViolation(
                reason: .deniedAddress,
                message: "\(shown) \(carrier.phrase): it carries \(canonical), but the connection goes to \(address), "
                    + "not to \(canonical); an admin can allow \(suggestion) in hookline.yaml network.allow",
                address: address, suggestedAllowEntry: suggestion))
    }

    // MARK: - Host names

    /// Metadata service names: denied whatever the allowlist says.
    static let metadataHostNames: Set<String> = [
        "metadata", "metadata.google.internal", "metadata.goog", "instance-data", "instance-data.ec2.internal",
        "metadata.tencentyun.com",
    ]

    /// Names that mean this machine: denied unless allowlisted by exact name.
    static let loopbackHostNames: Set<String> = [
        "localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback",
    ]

    func check(hostName name: String) -> PolicyDecision {
        if Self.metadataHostNames.contains(name) {
            return .blocked(
                PolicyViolation(
                    reason: .deniedHostName,
                    message: "\(name) is a cloud metadata service, which can never be allowed"))
        }
        if isAllowlisted(hostName: name) { return .allowed }
        if Self.loopbackHostNames.contains(name) || name.hasSuffix(".localhost") {
            return .blocked(
                PolicyViolation(
                    reason: .deniedHostName,
                    message: "\(name) names this machine; an admin can allow \(name) in hookline.yaml network.allow",
                    suggestedAllowEntry: name))
        }
        return .allowed
    }

    func isAllowlisted(hostName name: String) -> Bool {
        !Self.metadataHostNames.contains(name) && allowedHostNames.contains(name)
    }

    func normalized(_ host: String) -> String {
        var name = host.lowercased()
        if name.hasSuffix(".") { name.removeLast() }
        return name
    }

    /// "10.0.0.5 is", "[::ffff:10.0.0.5] carries 10.0.0.5,", "crm.example resolves to 10.0.0.5,".
    private func describe(address: IPAddress, canonical: IPAddress, host: String) -> String {
        let literal = IPAddress(host)
        if literal == nil {
            return "\(host) resolves to \(address == canonical ? "\(address)" : "\(address) (\(canonical))"), which is"
        }
        if address != canonical { return "\(address) carries \(canonical), which is" }
        return "\(address) is"
    }
}
