/// A block of addresses written as `address/prefix`, such as `10.0.0.0/8` or `fc00::/7`.
///
/// ```swift
/// let block = CIDR("10.0.0.0/8")
/// block?.contains(IPAddress("10.20.30.40")!)   // true
/// ```
public struct CIDR: Sendable, Hashable, CustomStringConvertible {
    /// The first address of the block; bits past the prefix are always zero.
    public let network: IPAddress
    /// The number of leading bits that are fixed: 0–32 for IPv4, 0–128 for IPv6.
    public let prefixLength: Int

    /// Makes a block from an address and a prefix length; host bits of `address` are cleared.
    /// Returns nil if the prefix length does not fit the address family.
    ///
    /// A block inside `::ffff:0:0/96` (IPv4-mapped) is stored as the IPv4 block it stands for,
    /// so `::ffff:10.0.0.0/104` and `10.0.0.0/8` are the same block.
    public init?(network address: IPAddress, prefixLength: Int) {
        guard (0...address.bitWidth).contains(prefixLength) else { return nil }
        switch address {
        case .v4(let value):
            let mask = prefixLength == 0 ? 0 : UInt32.max << UInt32(32 - prefixLength)
            self.init(uncheckedNetwork: .v4(value & mask), prefixLength: prefixLength)
        case .v6(let value) where value >> 32 == 0xffff && prefixLength >= 96:
            let length = prefixLength - 96
            let mask = length == 0 ? 0 : UInt32.max << UInt32(32 - length)
            self.init(uncheckedNetwork: .v4(UInt32(truncatingIfNeeded: value) & mask), prefixLength: length)
        case .v6(let value):
            let mask = prefixLength == 0 ? 0 : UInt128.max << UInt128(128 - prefixLength)
            self.init(uncheckedNetwork: .v6(value & mask), prefixLength: prefixLength)
        }
    }

    /// Parses `address/prefix`, or a bare address as a block of one (`/32` or `/128`).
    /// The address may use any form ``IPAddress/init(_:)`` accepts.
    public init?(_ text: String) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), let address = IPAddress(String(parts[0])) else { return nil }
        var length = address.bitWidth
        if parts.count == 2 {
            let digits = parts[1]
            guard (1...3).contains(digits.count), digits.allSatisfy({ $0.isASCII && $0.isNumber }),
                let value = Int(digits)
            else { return nil }
            length = value
        }
        self.init(network: address, prefixLength: length)
    }

    /// `::/0` together with every IPv4 address: a block that contains anything.
    static let everything = CIDR(uncheckedNetwork: .v6(0), prefixLength: -1)

    private init(uncheckedNetwork: IPAddress, prefixLength: Int) {
        network = uncheckedNetwork
        self.prefixLength = prefixLength
    }

    /// Whether `address` lies in this block. Addresses of the other family never do.
    public func contains(_ address: IPAddress) -> Bool {
        if prefixLength < 0 { return true }
        switch (network, address) {
        case (.v4(let base), .v4(let value)):
            return prefixLength == 0 || (value ^ base) >> UInt32(32 - prefixLength) == 0
        case (.v6(let base), .v6(let value)):
            return prefixLength == 0 || (value ^ base) >> UInt128(128 - prefixLength) == 0
        default:
            return false
        }
    }

    /// `network/prefixLength`, with the network in canonical form.
    public var description: String { "\(network)/\(prefixLength)" }
}
