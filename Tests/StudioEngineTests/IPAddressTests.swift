import StudioEngine
import Testing

struct IPAddressTests {
    @Test(arguments: [
        ("127.0.0.1", "127.0.0.1"),
        ("2130706433", "127.0.0.1"),
        ("0x7f000001", "127.0.0.1"),
        ("0X7F000001", "127.0.0.1"),
        ("0x7f.0.0.1", "127.0.0.1"),
        ("017700000001", "127.0.0.1"),
        ("0177.0.0.1", "127.0.0.1"),
        ("0177.0.0.01", "127.0.0.1"),
        ("127.1", "127.0.0.1"),
        ("127.0.1", "127.0.0.1"),
        ("0x7f.1", "127.0.0.1"),
        ("127.0.0.1.", "127.0.0.1"),
        ("0", "0.0.0.0"),
        ("0x", "0.0.0.0"),
        ("0.0.0.0", "0.0.0.0"),
        ("169.254.169.254", "169.254.169.254"),
        ("0xa9fea9fe", "169.254.169.254"),
        ("10.1", "10.0.0.1"),
        ("255.255.255.255", "255.255.255.255"),
        ("4294967295", "255.255.255.255"),
    ])
    func readsEveryIPv4SpellingAResolverAccepts(text: String, expected: String) {
        #expect(IPAddress(text)?.description == expected)
        #expect(IPAddress(text)?.isIPv4 == true)
    }

    @Test(arguments: [
        ("::", "::"),
        ("::1", "::1"),
        ("[::1]", "::1"),
        ("0:0:0:0:0:0:0:1", "::1"),
        ("::ffff:127.0.0.1", "::ffff:7f00:1"),
        ("::ffff:7f00:1", "::ffff:7f00:1"),
        ("::127.0.0.1", "::7f00:1"),
        ("fd00:ec2::254", "fd00:ec2::254"),
        ("FD00:0EC2:0000:0000:0000:0000:0000:0254", "fd00:ec2::254"),
        ("64:ff9b::a9fe:a9fe", "64:ff9b::a9fe:a9fe"),
        ("64:ff9b::169.254.169.254", "64:ff9b::a9fe:a9fe"),
        ("2002:a9fe:a9fe::", "2002:a9fe:a9fe::"),
        ("2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1"),
        ("2001:0:0:1::1", "2001:0:0:1::1"),
        ("fe80::1", "fe80::1"),
        ("1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8"),
        ("1:2:3:4:5:6:1.2.3.4", "1:2:3:4:5:6:102:304"),
    ])
    func readsIPv6AndWritesItInRFC5952Form(text: String, expected: String) {
        #expect(IPAddress(text)?.description == expected)
        #expect(IPAddress(text)?.isIPv4 == false)
    }

    @Test(arguments: [
        "", "localhost", "hooks.example.com", "1.2.3.256", "256.1", "1.2.3.4.5", "1..2.3", "08", "0xg1",
        "1.2.3.4..", " 1.2.3.4", "4294967296", "fe80::1%eth0", "fe80::1%25eth0", ":::", "1:2:3:4:5:6:7:8:9",
        "1::2::3", "12345::", "::ffff:0x7f.0.0.1", "::ffff:127.1", "1:2:3:4:5:6:7::8", "[::1", "::g",
        "127.0.0.1:80", "example.1", "١٢٧.0.0.1",
    ])
    func rejectsTextThatIsNotAnAddress(text: String) {
        #expect(IPAddress(text) == nil)
    }

    @Test(arguments: [
        ("::ffff:127.0.0.1", "127.0.0.1"),
        ("::127.0.0.1", "127.0.0.1"),
        ("64:ff9b::a9fe:a9fe", "169.254.169.254"),
        ("2002:a9fe:a9fe::", "169.254.169.254"),
        ("2002:7f00:1::", "127.0.0.1"),
        ("::ffff:10.0.0.5", "10.0.0.5"),
    ])
    func findsTheIPv4AddressInsideIPv6Encodings(text: String, expected: String) {
        #expect(IPAddress(text)?.embeddedIPv4?.description == expected)
        #expect(IPAddress(text)?.canonical.description == expected)
    }

    @Test(arguments: ["::", "::1", "2001:db8::1", "fe80::1", "64:ff9b:1::a9fe:a9fe", "127.0.0.1"])
    func leavesAddressesWithoutEmbeddedIPv4Alone(text: String) {
        let address = IPAddress(text)
        #expect(address != nil)
        #expect(address?.embeddedIPv4 == nil)
        #expect(address?.canonical == address)
    }

    @Test func dialsMappedAddressesAsIPv4AndOtherEncodingsAsIPv6() {
        #expect(IPAddress("::ffff:8.8.8.8")?.connectable == IPAddress("8.8.8.8"))
        #expect(IPAddress("64:ff9b::808:808")?.connectable == IPAddress("64:ff9b::808:808"))
    }
}

struct CIDRTests {
    @Test(arguments: [
        ("10.0.0.0/8", "10.0.0.0/8"),
        ("10.1.2.3/8", "10.0.0.0/8"),
        ("10.0.0.5", "10.0.0.5/32"),
        ("0.0.0.0/0", "0.0.0.0/0"),
        ("fc00::/7", "fc00::/7"),
        ("fdff::1/7", "fc00::/7"),
        ("::1", "::1/128"),
        ("::ffff:10.0.0.0/104", "10.0.0.0/8"),
        ("0x0a000000/8", "10.0.0.0/8"),
    ])
    func parsesBlocksAndClearsHostBits(text: String, expected: String) {
        #expect(CIDR(text)?.description == expected)
    }

    @Test(arguments: ["10.0.0.0/33", "fc00::/129", "10.0.0.0/", "10.0.0.0/-1", "10.0.0.0/8/8", "/8", "crm.internal", "10.0.0.0/08a"])
    func rejectsMalformedBlocks(text: String) {
        #expect(CIDR(text) == nil)
    }

    @Test(arguments: [
        ("10.0.0.0/8", "10.255.255.255", true),
        ("10.0.0.0/8", "11.0.0.0", false),
        ("172.16.0.0/12", "172.31.0.1", true),
        ("172.16.0.0/12", "172.32.0.1", false),
        ("100.64.0.0/10", "100.127.255.255", true),
        ("100.64.0.0/10", "100.128.0.0", false),
        ("0.0.0.0/0", "8.8.8.8", true),
        ("0.0.0.0/0", "::1", false),
        ("fc00::/7", "fdff:ffff::1", true),
        ("fc00::/7", "fe00::1", false),
        ("::/0", "2001:db8::1", true),
        ("::/0", "10.0.0.1", false),
        ("10.0.0.5/32", "10.0.0.5", true),
        ("10.0.0.5/32", "10.0.0.6", false),
    ])
    func containsExactlyTheAddressesUnderItsPrefix(block: String, address: String, expected: Bool) throws {
        let cidr = try #require(CIDR(block))
        let ip = try #require(IPAddress(address))
        #expect(cidr.contains(ip) == expected)
    }
}
