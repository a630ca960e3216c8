/// An IPv4 or IPv6 address, parsed from any of the spellings a URL host can use.
///
/// Attackers hide internal addresses behind unusual encodings, so parsing accepts every form a
/// resolver would (``init(_:)``) and classification looks through IPv6 wrappers that carry an
/// IPv4 address (``embeddedIPv4``).
///
/// ```swift
/// IPAddress("0x7f.1")?.description                  // "127.0.0.1"
/// IPAddress("::ffff:10.0.0.5")?.embeddedIPv4        // 10.0.0.5
/// ```
public enum IPAddress: Sendable, Hashable, CustomStringConvertible {
    /// An IPv4 address as a big-endian number: `127.0.0.1` is `0x7f00_0001`.
    case v4(UInt32)
    /// An IPv6 address as a big-endian number: `::1` is `1`.
    case v6(UInt128)

    /// Parses an address. Returns nil for anything that is not one.
    ///
    /// IPv4 is read as `inet_aton` and the WHATWG URL standard read it: one to four parts, each
    /// decimal, octal (leading `0`) or hex (`0x`), the last part filling the remaining bytes
    /// (`127.1`, `2130706433`, `0x7f000001`, `0177.0.0.1`), with one optional trailing dot.
    /// IPv6 follows RFC 4291 §2.2, including `::` and a dotted IPv4 tail; brackets are
    /// accepted, zone ids (`fe80::1%eth0`) are not.
    public init?(_ text: String) {
        if let value = Self.parseIPv4(text) {
            self = .v4(value)
        } else if let value = Self.parseIPv6(text) {
            self = .v6(value)
        } else {
            return nil
        }
    }

    /// Whether this is an IPv4 address.
    public var isIPv4: Bool {
        if case .v4 = self { return true }
        return false
    }

    /// The IPv4 address an IPv6 address carries, if it is one of the forms that route to one.
    ///
    /// | form | range | IPv4 bits |
    /// |---|---|---|
    /// | IPv4-mapped | `::ffff:0:0/96` | last 32 |
    /// | IPv4-compatible (deprecated) | `::/96` except `::` and `::1` | last 32 |
    /// | NAT64 well-known prefix | `64:ff9b::/96` | last 32 |
    /// | 6to4 | `2002::/16` | bits 16–47 |
    public var embeddedIPv4: IPAddress? {
        guard case .v6(let value) = self else { return nil }
        let low32 = UInt32(truncatingIfNeeded: value)
        if value >> 32 == 0xffff { return .v4(low32) }
        if value >> 32 == 0, value > 1 { return .v4(low32) }
        if value >> 32 == UInt128(0x0064_ff9b) << 64 { return .v4(low32) }
        if value >> 112 == 0x2002 { return .v4(UInt32(truncatingIfNeeded: value >> 80)) }
        return nil
    }

    /// Whether this is a deprecated IPv4-compatible IPv6 address (`::a.b.c.d`, RFC 4291 §2.5.5.1).
    public var isIPv4Compatible: Bool {
        guard case .v6(let value) = self else { return false }
        return value >> 32 == 0 && value > 1
    }

    /// The address to classify: the embedded IPv4 address if there is one, otherwise `self`.
    public var canonical: IPAddress { embeddedIPv4 ?? self }

    /// The address to hand to a socket: IPv4-mapped addresses become plain IPv4, others are
    /// unchanged (a NAT64 or 6to4 address must still be dialled as IPv6).
    public var connectable: IPAddress {
        if case .v6(let value) = self, value >> 32 == 0xffff { return .v4(UInt32(truncatingIfNeeded: value)) }
        return self
    }

    /// Dotted decimal for IPv4; RFC 5952 text for IPv6 (lower case, longest zero run as `::`).
    public var description: String {
        switch self {
        case .v4(let value):
            return (0..<4).map { String((value >> (24 - 8 * UInt32($0))) & 0xff) }.joined(separator: ".")
        case .v6(let value):
            return Self.formatIPv6(value)
        }
    }

    /// The bit width of the address family: 32 or 128.
    var bitWidth: Int { isIPv4 ? 32 : 128 }

    private static func formatIPv6(_ value: UInt128) -> String {
        let groups = (0..<8).map { UInt16(truncatingIfNeeded: value >> (112 - 16 * UInt128($0))) }
        // RFC 5952 §4.2: compress the longest run of two or more zero groups, the first if tied.
        var best = (start: -1, length: 0)
        var index = 0
        while index < 8 {
            guard groups[index] == 0 else {
                index += 1
                continue
            }
            var end = index
            while end < 8, groups[end] == 0 { end += 1 }
            if end - index > best.length, end - index >= 2 { best = (index, end - index) }
            index = end
        }
        let hex = groups.map { String($0, radix: 16) }
        guard best.start >= 0 else { return hex.joined(separator: ":") }
        let head = hex[..<best.start].joined(separator: ":")
        let tail = hex[(best.start + best.length)...].joined(separator: ":")
        return head + "::" + tail
    }
}
