import NIOSSL

/// Whether a server certificate names the host a URL asked for, as RFC 9525 §6.3 says a client
/// checks it: a host name against the certificate's DNS names only, an IP literal against its
/// IP addresses only, and never the subject's common name.
///
/// SwiftNIO SSL's own check is looser: it accepts a host name when an IP address in the
/// certificate equals the address connected to, and falls back to the common name when a
/// certificate has no alternative names. With the connection pinned to the address DNS gave,
/// the first would let whoever controls a name's DNS answer for it with a certificate for their
/// own address.
///
/// ```swift
/// TLSServiceIdentity(host: "api.example.com").isNamed(dnsNames: ["*.example.com"], addresses: [])   // true
/// TLSServiceIdentity(host: "10.0.0.5").isNamed(dnsNames: ["10.0.0.5"], addresses: [])              // false
/// ```
struct TLSServiceIdentity: Sendable, Hashable {
    /// The host as the URL gives it.
    let host: String

    /// The name the client hello's SNI carries: the host without the final dot of an absolute
    /// name (`example.com.`), which RFC 6066 §3 leaves out ("The hostname is represented ...
    /// without a trailing dot"); nil for an IP literal, which SNI does not carry.
    var serverName: String? {
        guard IPAddress(host) == nil else { return nil }
        return host.hasSuffix(".") && host.count > 1 ? String(host.dropLast()) : host
    }

    /// Whether `certificate`'s subject alternative names name ``host``.
    func isNamed(by certificate: NIOSSLCertificate) -> Bool {
        var dnsNames: [String] = []
        var addresses: [[UInt8]] = []
        // The alternative names are only reachable through this underscored API; SwiftNIO SSL's
        // own hostname check reads them the same way.
        for name in certificate._subjectAlternativeNames() {
            if name.nameType == .dnsName {
                dnsNames.append(String(decoding: name.contents, as: UTF8.self))
            } else if name.nameType == .ipAddress {
                addresses.append(Array(name.contents))
            }
        }
        return isNamed(dnsNames: dnsNames, addresses: addresses)
    }

    /// Whether these names name ``host``: `addresses` are the raw 4 or 16 bytes of IP addresses.
    func isNamed(dnsNames: [String], addresses: [[UInt8]]) -> Bool {
        if let address = IPAddress(host) {
            return addresses.contains(address.networkBytes)
        }
        let reference = Self.labels(of: host)
        guard !reference.isEmpty else { return false }
        return dnsNames.contains { Self.matches(Self.labels(of: $0), reference) }
    }

    /// `name` lowercased (ASCII) and split into labels, without a final dot.
    private static func labels(of name: String) -> [Substring] {
        var name = name.lowercased()
        if name.hasSuffix(".") { name.removeLast() }
        return name.split(separator: ".", omittingEmptySubsequences: false)
    }

    /// RFC 9525 §6.3: equal labels, or `*` as the whole first label standing for exactly one
    /// label of the reference, with at least two labels after it (no `*.com`).
    private static func matches(_ presented: [Substring], _ reference: [Substring]) -> Bool {
        guard presented.count == reference.count, !presented.contains(where: \.isEmpty) else { return false }
        if presented.first == "*" {
            return presented.count >= 3 && !reference[0].isEmpty && presented.dropFirst().elementsEqual(reference.dropFirst())
        }
        return presented == reference
    }
}

extension IPAddress {
    /// The address as it is sent on the wire: 4 bytes for IPv4, 16 for IPv6, most significant first.
    var networkBytes: [UInt8] {
        switch self {
        case .v4(let value): (0..<4).map { UInt8(truncatingIfNeeded: value >> (24 - 8 * $0)) }
        case .v6(let value): (0..<16).map { UInt8(truncatingIfNeeded: value >> (120 - 8 * $0)) }
        }
    }
}

/// The certificate does not name the host the request is for (RFC 9525); nothing was sent.
struct TLSHostnameMismatchError: Error, CustomStringConvertible {
    var host: String
    var description: String { "the server's certificate does not name \(host)" }
}
