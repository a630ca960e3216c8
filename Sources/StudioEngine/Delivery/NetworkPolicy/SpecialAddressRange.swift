/// A block of addresses that is not public Internet, with the words used to explain it.
///
/// The table follows the IANA special-purpose registries (RFC 6890) and delivery.md §8.8.
/// Ranges are listed most specific first, so the first match names the address best.
struct SpecialAddressRange: Sendable {
    /// The block.
    let block: CIDR
    /// How a message describes an address in it: "a private address".
    let phrase: String
    /// Whether an admin may open it through `network.allow`. Metadata, link-local and the
    /// unspecified address never can: no webhook has a reason to go there.
    let isAllowable: Bool

    private init(_ block: String, _ phrase: String, allowable: Bool = true) {
        // The table is static text. Should an entry ever fail to parse, it fails closed by
        // covering every address, and `NetworkPolicyTests` (public addresses allowed) catches it.
        self.block = CIDR(block) ?? CIDR.everything
        self.phrase = phrase
        self.isAllowable = allowable
    }

    /// The most specific special range holding `address`, or nil if it is public.
    /// `address` should already be canonical (``IPAddress/canonical``).
    static func matching(_ address: IPAddress) -> SpecialAddressRange? {
        if let range = table.first(where: { $0.block.contains(address) }) { return range }
        // Only 2000::/3 is allocated as global unicast (RFC 4291 §2.4); the rest is reserved.
        if case .v6 = address, !globalUnicast.block.contains(address) { return outsideGlobalUnicast }
        return nil
    }

    /// Deprecated `::a.b.c.d` addresses (RFC 4291 §2.5.5.1).
    static let ipv4Compatible = SpecialAddressRange("::/96", "a deprecated IPv4-compatible address")
    /// The NAT64 well-known prefix (RFC 6052): a translator, not the IPv4 address, takes the connection.
    static let nat64 = SpecialAddressRange("64:ff9b::/96", "a NAT64 address")
    /// 6to4 (RFC 3056): a relay, not the IPv4 address, takes the connection.
    static let sixToFour = SpecialAddressRange("2002::/16", "a 6to4 address")

    /// The range of an IPv6 address that carries an IPv4 address but is dialled as IPv6
    /// (IPv4-compatible, NAT64, 6to4); nil for any other address, IPv4-mapped included, which
    /// is dialled as the IPv4 address itself (``IPAddress/connectable``).
    static func ipv4Carrier(_ address: IPAddress) -> SpecialAddressRange? {
        guard address.embeddedIPv4 != nil, !address.connectable.isIPv4 else { return nil }
        if address.isIPv4Compatible { return ipv4Compatible }
        return [nat64, sixToFour].first { $0.block.contains(address) }
    }

    /// The special ranges, most specific first.
    static let table: [SpecialAddressRange] = [
        // Cloud metadata endpoints (AWS, GCP, Azure, ECS, Alibaba, Oracle).
        .init("169.254.169.254/32", "a cloud metadata address", allowable: false),
        .init("169.254.170.2/32", "a cloud metadata address", allowable: false),
        .init("100.100.100.200/32", "a cloud metadata address", allowable: false),
        .init("192.0.0.192/32", "a cloud metadata address", allowable: false),
        .init("fd00:ec2::254/128", "a cloud metadata address", allowable: false),
        // IPv4
        .init("0.0.0.0/32", "the unspecified address", allowable: false),
        .init("0.0.0.0/8", "a \"this network\" address"),
        .init("10.0.0.0/8", "a private address"),
        .init("100.64.0.0/10", "a carrier-grade NAT address"),
        .init("127.0.0.0/8", "a loopback address"),
        .init("169.254.0.0/16", "a link-local address", allowable: false),
        .init("172.16.0.0/12", "a private address"),
        .init("192.0.0.0/24", "a reserved protocol-assignment address"),
        .init("192.0.2.0/24", "a documentation address"),
        .init("192.88.99.0/24", "a reserved 6to4 relay address"),
        .init("192.168.0.0/16", "a private address"),
        .init("198.18.0.0/15", "a benchmarking address"),
        .init("198.51.100.0/24", "a documentation address"),
        .init("203.0.113.0/24", "a documentation address"),
        .init("224.0.0.0/4", "a multicast address"),
        .init("255.255.255.255/32", "the broadcast address"),
        .init("240.0.0.0/4", "a reserved address"),
        // IPv6
        .init("::/128", "the unspecified address", allowable: false),
        .init("::1/128", "a loopback address"),
        .init("64:ff9b:1::/48", "a local-use NAT64 address"),
        .init("100::/64", "a discard-only address"),
        .init("2001::/23", "a reserved protocol-assignment address"),
        .init("2001:db8::/32", "a documentation address"),
        .init("3fff::/20", "a documentation address"),
        .init("5f00::/16", "a reserved SRv6 address"),
        .init("fc00::/7", "a unique local (private) address"),
        .init("fe80::/10", "a link-local address", allowable: false),
        .init("fec0::/10", "a deprecated site-local address"),
        .init("ff00::/8", "a multicast address"),
    ]

    private static let globalUnicast = SpecialAddressRange("2000::/3", "a global unicast address")
    private static let outsideGlobalUnicast = SpecialAddressRange("::/0", "a reserved address")
}
