import Testing

@testable import StudioEngine

/// RFC 9525 §6.3: which names in a certificate name the host a URL asked for.
struct TLSServiceIdentityTests {
    static let loopback: [UInt8] = [127, 0, 0, 1]
    static let ipv6Loopback: [UInt8] = Array(repeating: 0, count: 15) + [1]

    @Test(arguments: [
        ("api.example.com", ["api.example.com"], true),
        ("API.Example.COM.", ["api.example.com"], true),
        ("api.example.com", ["api.example.com."], true),
        ("api.example.com", ["*.example.com"], true),
        ("a.b.example.com", ["*.example.com"], false),
        ("example.com", ["*.example.com"], false),
        ("example.com", ["*.com"], false),
        ("api.example.com", ["a*.example.com"], false),
        ("api.example.com", ["*i.example.com"], false),
        ("api.example.com", ["api.*.com"], false),
        ("api.example.com", ["other.example", "example.com"], false),
        ("api.example.com", [], false),
    ])
    func aHostNameIsMatchedAgainstTheDNSNames(host: String, dnsNames: [String], named: Bool) {
        #expect(TLSServiceIdentity(host: host).isNamed(dnsNames: dnsNames, addresses: []) == named)
    }

    /// An IP address in the certificate never stands for a host name, whatever the name resolves
    /// to; SwiftNIO SSL's own check accepts it when it is the address connected to.
    @Test func anAddressInTheCertificateDoesNotNameAHostName() {
        #expect(!TLSServiceIdentity(host: "localhost").isNamed(dnsNames: [], addresses: [Self.loopback]))
    }

    @Test func anIPLiteralIsMatchedAgainstTheAddressesOnly() {
        #expect(TLSServiceIdentity(host: "127.0.0.1").isNamed(dnsNames: [], addresses: [Self.loopback]))
        #expect(TLSServiceIdentity(host: "0x7f000001").isNamed(dnsNames: [], addresses: [Self.loopback]))
        #expect(TLSServiceIdentity(host: "::1").isNamed(dnsNames: [], addresses: [Self.ipv6Loopback]))
        #expect(!TLSServiceIdentity(host: "::1").isNamed(dnsNames: [], addresses: [Self.loopback]))
        #expect(!TLSServiceIdentity(host: "127.0.0.1").isNamed(dnsNames: ["127.0.0.1"], addresses: []))
        #expect(!TLSServiceIdentity(host: "127.0.0.2").isNamed(dnsNames: [], addresses: [Self.loopback]))
    }
}
