import Foundation
import NIOCore
import NIOPosix
import StudioEngine
import StudioModel
import Synchronization
import Testing

struct NetworkPolicyTests {
    /// A resolver that knows no names, so a test fails if a literal ever reaches it.
    private static func emptyResolver() -> StaticResolver { StaticResolver([:]) }

    private static func address(_ text: String) throws -> IPAddress { try #require(IPAddress(text)) }

    // MARK: - delivery.md §9 row 31: loopback in every spelling

    @Test(arguments: [
        "http://127.0.0.1/", "http://localhost/", "http://LOCALHOST./hook", "http://api.localhost/", "http://[::1]/",
        "http://[::ffff:127.0.0.1]/", "http://[::127.0.0.1]/", "http://0.0.0.0/", "http://2130706433/",
        "http://0x7f000001/", "http://017700000001/", "http://0177.0.0.1/", "http://0x7f.0.0.1/", "http://127.1/",
        "https://127.0.0.1:8443/x", "http://[0:0:0:0:0:0:0:1]/", "http://[2002:7f00:1::]/", "http://[64:ff9b::7f00:1]/",
        "http://%31%32%37.0.0.1/",
    ])
    func blocksLoopbackInEverySpellingAtSaveAndSendTime(url: String) async {
        let resolver = Self.emptyResolver()
        let policy = NetworkPolicy(resolver: resolver)
        #expect(policy.check(url: url).violation?.label == "blocked_by_policy")
        await #expect(throws: PolicyViolation.self) { try await policy.resolveAndCheck(url: url) }
        // IP literals and loopback names are refused without a lookup: no socket, no DNS.
        #expect(resolver.lookupCount(of: "localhost") == 0)
    }

    // MARK: - Row 32: metadata is never allowable

    @Test(arguments: [
        "http://169.254.169.254/latest/meta-data/", "http://metadata.google.internal/computeMetadata/v1/",
        "http://METADATA.google.internal./", "http://metadata/", "http://instance-data/", "http://[fd00:ec2::254]/",
        "http://[64:ff9b::a9fe:a9fe]/", "http://[2002:a9fe:a9fe::]/", "http://[::ffff:169.254.169.254]/",
        "http://0xa9fea9fe/", "http://169.254.1.1/", "http://[fe80::1]/", "http://100.100.100.200/",
    ])
    func blocksMetadataAndLinkLocalEvenWhenTheAdminAllowsThem(url: String) async {
        let policy = NetworkPolicy(
            allowlist: [
                "169.254.0.0/16", "fe80::/10", "fd00::/8", "64:ff9b::/96", "2002::/16", "100.64.0.0/10",
                "metadata.google.internal", "metadata", "instance-data", "0.0.0.0/0", "::/0",
            ],
            resolver: Self.emptyResolver())
        let violation = policy.check(url: url).violation
        #expect(violation?.label == "blocked_by_policy")
        #expect(violation?.message.contains("can never be allowed") == true)
        #expect(violation?.suggestedAllowEntry == nil)
        await #expect(throws: PolicyViolation.self) { try await policy.resolveAndCheck(url: url) }
    }

    @Test func blocksAnAllowlistedNameThatResolvesToMetadata() async throws {
        let resolver = StaticResolver(addresses: ["crm.internal": [try Self.address("169.254.169.254")]])
        let policy = NetworkPolicy(allowlist: ["crm.internal", "169.254.0.0/16"], resolver: resolver)
        let violation = await #expect(throws: PolicyViolation.self) {
            try await policy.resolveAndCheck(url: "https://crm.internal/hook")
        }
        #expect(violation?.reason == .deniedAddress)
        #expect(violation?.message == "crm.internal resolves to 169.254.169.254, which is a cloud metadata address and can never be allowed")
    }

    // MARK: - Row 33: private ranges open only through the allowlist

    @Test(arguments: [
        ("http://10.1.2.3/", "10.0.0.0/8"),
        ("http://172.20.1.1/", "172.16.0.0/12"),
        ("http://192.168.1.10/", "192.168.0.0/16"),
        ("http://100.64.0.9/", "100.64.0.0/10"),
        ("http://[fd12:3456::1]/", "fc00::/7"),
        ("http://[::ffff:10.1.2.3]/", "10.0.0.0/8"),
    ])
    func blocksPrivateRangesUntilTheirBlockIsAllowlisted(url: String, block: String) async throws {
        let strict = NetworkPolicy(resolver: Self.emptyResolver())
        let violation = try #require(strict.check(url: url).violation)
        #expect(violation.label == "blocked_by_policy")
        #expect(violation.reason == .deniedAddress)
        #expect(violation.suggestedAllowEntry == block)
        #expect(violation.message.hasSuffix("; an admin can allow \(block) in hookline.yaml network.allow"))

        let open = NetworkPolicy(allowlist: [block], resolver: Self.emptyResolver())
        #expect(open.check(url: url) == .allowed)
        let target = try await open.resolveAndCheck(url: url)
        #expect(CIDR(block)?.contains(target.address.canonical) == true)
    }

    /// An entry the policy ignores whatever the list says is reported at the entry, not dropped
    /// in silence; a wide block that merely holds a metadata address still opens the rest.
    @Test func anAllowEntryThatCanNeverBeAllowedIsAnErrorAtTheEntry() {
        let settings = """
            name: Cloud
            network:
              allow:
                - 127.0.0.1/32
                - 169.254.169.254
                - Metadata.Google.Internal
                - '::ffff:169.254.170.2'
                - 169.254.0.0/16
                - 0.0.0.0/0

            """
        let workspace = WorkspaceLoader.load(files: ["hookline.yaml": settings])
        let diagnostics = NetworkPolicy(settings: workspace.settings).saveTimeDiagnostics(for: workspace) { _ in settings }
        #expect(
            diagnostics.map { "\($0.path):\($0.line):\($0.column): \($0.severity): \($0.message)" } == [
                "hookline.yaml:5:7: error: network.allow entry '169.254.169.254' is a cloud metadata address, which is never allowed",
                "hookline.yaml:6:7: error: network.allow entry 'Metadata.Google.Internal' is a cloud metadata service, which is never allowed",
                "hookline.yaml:7:8: error: network.allow entry '::ffff:169.254.170.2' is a cloud metadata address, which is never allowed",
                "hookline.yaml:8:7: error: network.allow entry '169.254.0.0/16' is a link-local address, which is never allowed",
            ])
    }

    @Test func explainsAPrivateAddressWithTheBlockToAllow() {
        let policy = NetworkPolicy(resolver: Self.emptyResolver())
        #expect(
            policy.check(url: "http://10.0.0.5/hook").violation?.message
                == "10.0.0.5 is a private address; an admin can allow 10.0.0.0/8 in hookline.yaml network.allow")
        #expect(
            policy.check(url: "http://[::ffff:10.0.0.5]/").violation?.message
                == "::ffff:a00:5 carries 10.0.0.5, which is a private address; an admin can allow 10.0.0.0/8 in hookline.yaml network.allow")
    }

    @Test(arguments: [
        "http://192.0.2.1/", "http://198.51.100.7/", "http://203.0.113.9/", "http://198.18.0.1/", "http://224.0.0.1/",
        "http://255.255.255.255/", "http://240.0.0.1/", "http://0.1.2.3/", "http://192.0.0.8/", "http://[2001:db8::1]/",
        "http://[ff02::1]/", "http://[fec0::1]/", "http://[100::1]/", "http://[2001::1]/", "http://[::]/",
        "http://[::8.8.8.8]/", "http://[4000::1]/", "http://[3fff::1]/",
    ])
    func blocksDocumentationBenchmarkMulticastAndReservedRanges(url: String) {
        let policy = NetworkPolicy(resolver: Self.emptyResolver())
        #expect(policy.check(url: url).violation?.reason == .deniedAddress)
    }

    @Test(arguments: [
        "https://93.184.215.14/", "http://8.8.8.8:8080/in", "https://[2606:4700:4700::1111]/", "http://[::ffff:8.8.8.8]/",
        "http://[64:ff9b::808:808]/", "http://[2002:808:808::1]/", "https://hooks.example.com/in", "HTTPS://Hooks.Example.com/",
        "http://crm.internal/",
    ])
    func allowsPublicAddressesAndNamesAtSaveTime(url: String) {
        let policy = NetworkPolicy(resolver: Self.emptyResolver())
        #expect(policy.check(url: url) == .allowed)
    }

    // MARK: - Row 34: schemes and credentials

    @Test(arguments: [
        ("file:///etc/passwd", PolicyViolation.Reason.unsupportedScheme),
        ("gopher://example.com:70/_x", .unsupportedScheme),
        ("ftp://example.com/file", .unsupportedScheme),
        ("ws://example.com/socket", .unsupportedScheme),
        ("http://user:pass@example.com/", .credentialsInURL),
        ("http://user@example.com/", .credentialsInURL),
        ("http://@example.com/", .credentialsInURL),
        ("http://127.0.0.1:8080\\@example.com/", .credentialsInURL),
        ("not a url", .invalidURL),
        ("http:///path", .invalidURL),
        ("http://[fe80::1%25eth0]/", .invalidURL),
        ("http://1.2.3.999/", .invalidURL),
        ("http://example.com:99999/", .invalidURL),
        // Foundation reads a port past Int as none, which went to port 80.
        ("http://example.com:18446744073709570396/", .invalidURL),
        ("http://example.com:99999999999999999999/", .invalidURL),
        ("http://[2606:4700::1]:18446744073709551696/", .invalidURL),
        ("http://example.com:0/", .invalidURL),
        ("http://example.com:/", .invalidURL),
    ])
    func rejectsSchemesCredentialsAndMalformedURLsAtSaveAndSendTime(url: String, reason: PolicyViolation.Reason) async {
        let policy = NetworkPolicy(allowlist: ["0.0.0.0/0", "example.com"], resolver: Self.emptyResolver())
        let saved = policy.check(url: url).violation
        #expect(saved?.reason == reason)
        #expect(saved?.label == "blocked_by_policy")
        let sent = await #expect(throws: PolicyViolation.self) { try await policy.resolveAndCheck(url: url) }
        #expect(sent?.reason == reason)
    }

    @Test func keepsCredentialsOutOfTheMessage() {
        let policy = NetworkPolicy(resolver: Self.emptyResolver())
        let message = policy.check(url: "http://admin:hunter2@example.com/").violation?.message ?? ""
        #expect(!message.contains("hunter2"))
        #expect(message.contains("auth settings"))
    }

    /// The port a URL writes is the port sent to, or the URL is refused: one of 2^64 or more
    /// passed the check and the request went to port 80.
    @Test func refusesAPortPastIntAtSaveAndSendTimeAndSendsNothing() async throws {
        let seen = Mutex(0)
        let receiver = try await Receiver.start { _ in seen.withLock { $0 += 1 } }
        let policy = NetworkPolicy(allowlist: ["127.0.0.1/32"], resolver: Self.emptyResolver())
        // 2^64 + the receiver's port: wrapped, it would be the receiver's.
        let url = "http://127.0.0.1:\((UInt128(1) << 64) + UInt128(receiver.port))/in"

        #expect(policy.check(url: url).violation?.message == "the URL has an invalid port")
        let outcome = try await Self.post(url, policy: policy)
        await receiver.shutdown()

        // A URL no send can make is an invalid request (delivery.md §8.4), as port 65536 is.
        #expect(outcome.outcome == .failed(errorClass: "invalid_request", message: "the URL has an invalid port"))
        #expect(seen.withLock { $0 } == 0)
    }

    // MARK: - Embedded IPv4 forms dialled as IPv6

    /// An allowlisted IPv4 address admitted the IPv4-compatible, NAT64 and 6to4 addresses that
    /// carry it, but the socket connects to the IPv6 address: a translator or relay, not the
    /// allowed host. Only the IPv6 block itself in the list admits them.
    @Test(arguments: [
        ("http://[::127.0.0.1]:8080/", "::7f00:1", "a deprecated IPv4-compatible address", "::/96"),
        ("http://[64:ff9b::127.0.0.1]:8080/", "64:ff9b::7f00:1", "a NAT64 address", "64:ff9b::/96"),
        ("http://[2002:7f00:1::]:8080/", "2002:7f00:1::", "a 6to4 address", "2002::/16"),
    ])
    func anAllowedIPv4AddressDoesNotAdmitTheIPv6AddressThatCarriesIt(
        url: String, address: String, phrase: String, block: String
    ) async throws {
        let ipv4Only = NetworkPolicy(allowlist: ["127.0.0.1/32"], resolver: Self.emptyResolver())
        let violation = try #require(ipv4Only.check(url: url).violation)
        #expect(
            violation.message == "\(address) is \(phrase): it carries 127.0.0.1, but the connection goes to \(address), "
                + "not to 127.0.0.1; an admin can allow \(block) in hookline.yaml network.allow")
        #expect(violation.suggestedAllowEntry == block)
        let sent = await #expect(throws: PolicyViolation.self) { try await ipv4Only.resolveAndCheck(url: url) }
        #expect(sent == violation)

        // Its IPv6 block alone does not admit it either: the IPv4 address it carries is still refused.
        let ipv6Only = NetworkPolicy(allowlist: [block], resolver: Self.emptyResolver())
        #expect(ipv6Only.check(url: url).violation?.suggestedAllowEntry == "127.0.0.0/8")

        let both = NetworkPolicy(allowlist: ["127.0.0.1/32", block], resolver: Self.emptyResolver())
        #expect(both.check(url: url) == .allowed)
        #expect(try await both.resolveAndCheck(url: url).address == IPAddress(address))
    }

    @Test func aNameWhoseAAAAIsANAT64FormOfAnAllowedAddressIsRefused() async throws {
        let resolver = StaticResolver(addresses: ["nat64.example.test": [try Self.address("64:ff9b::7f00:1")]])
        let policy = NetworkPolicy(allowlist: ["127.0.0.1/32"], resolver: resolver)
        #expect(policy.check(url: "http://nat64.example.test/") == .allowed)
        let violation = await #expect(throws: PolicyViolation.self) {
            try await policy.resolveAndCheck(url: "http://nat64.example.test/")
        }
        #expect(
            violation?.message == "nat64.example.test resolves to 64:ff9b::7f00:1, which is a NAT64 address: it carries 127.0.0.1, "
                + "but the connection goes to 64:ff9b::7f00:1, not to 127.0.0.1; an admin can allow 64:ff9b::/96 in hookline.yaml network.allow")
    }

    /// With `127.0.0.1/32` allowed, exactly 127.0.0.1 is reached: the IPv4-mapped form, which is
    /// dialled as 127.0.0.1, and not the IPv4-compatible one, which is dialled as `::7f00:1`.
    @Test func anAllowlistOfOneIPv4AddressReachesThatAddressOnly() async throws {
        let seen = Mutex(0)
        let receiver = try await Receiver.start { _ in seen.withLock { $0 += 1 } }
        let policy = NetworkPolicy(allowlist: ["127.0.0.1/32"], resolver: Self.emptyResolver())

        let mapped = try await Self.post("http://[::ffff:127.0.0.1]:\(receiver.port)/in", policy: policy)
        let compatible = try await Self.post("http://[::127.0.0.1]:\(receiver.port)/in", policy: policy)
        await receiver.shutdown()

        #expect(mapped.status == 200)
        #expect(compatible.outcome.errorClass == PolicyViolation.label)
        #expect(seen.withLock { $0 } == 1)
    }

    // MARK: - Row 35: resolution fails closed

    @Test func blocksAMixedAnswerWithOnePrivateAddress() async throws {
        let resolver = StaticResolver(addresses: ["mixed.example.test": [try Self.address("93.184.215.14"), try Self.address("::1")]])
        let policy = NetworkPolicy(resolver: resolver)
        #expect(policy.check(url: "https://mixed.example.test/") == .allowed)
        let violation = await #expect(throws: PolicyViolation.self) {
            try await policy.resolveAndCheck(url: "https://mixed.example.test/")
        }
        #expect(violation?.reason == .deniedAddress)
        #expect(violation?.address == IPAddress("::1"))
        #expect(violation?.message.hasPrefix("mixed.example.test resolves to ::1, which is a loopback address") == true)
    }

    @Test(arguments: [
        ([StaticResolver.Answer.failure("SERVFAIL")], PolicyViolation.Reason.resolutionFailed),
        ([.addresses([])], .noAddresses),
    ])
    func blocksWhenResolutionFailsOrFindsNothing(answers: [StaticResolver.Answer], reason: PolicyViolation.Reason) async {
        let policy = NetworkPolicy(resolver: StaticResolver(["down.example.test": answers]))
        let violation = await #expect(throws: PolicyViolation.self) {
            try await policy.resolveAndCheck(url: "https://down.example.test/")
        }
        #expect(violation?.reason == reason)
        #expect(violation?.label == "blocked_by_policy")
    }

    // MARK: - Host allowlist

    @Test func allowsPrivateAddressesOfAnAllowlistedNameOnly() async throws {
        let resolver = StaticResolver(addresses: [
            "crm.internal": [try Self.address("10.20.0.7")],
            "evil-crm.internal": [try Self.address("10.20.0.7")],
            "crm.internal.evil.test": [try Self.address("10.20.0.7")],
        ])
        let policy = NetworkPolicy(allowlist: ["CRM.internal."], resolver: resolver)
        #expect(policy.allowedHostNames == ["crm.internal"])
        let target = try await policy.resolveAndCheck(url: "https://Crm.Internal/hook")
        #expect(target.address == IPAddress("10.20.0.7"))
        #expect(target.host == "Crm.Internal")
        for other in ["https://evil-crm.internal/", "https://crm.internal.evil.test/"] {
            await #expect(throws: PolicyViolation.self) { try await policy.resolveAndCheck(url: other) }
        }
    }

    @Test func allowsLocalhostOnlyWhenItsNameIsAllowlisted() {
        let strict = NetworkPolicy(resolver: Self.emptyResolver())
        #expect(strict.check(url: "http://localhost:8080/").violation?.reason == .deniedHostName)
        let open = NetworkPolicy(allowlist: ["localhost"], resolver: Self.emptyResolver())
        #expect(open.check(url: "http://localhost:8080/") == .allowed)
    }

    /// `localhost.` is `localhost`: it passed the policy with `localhost` allowed, then the lookup
    /// of `localhost.` missed the hosts file and the attempt failed as a DNS error.
    @Test(arguments: [["localhost"], ["LocalHost."]])
    func aTrailingDotNameReachesWhatItsAllowedNameResolvesTo(allowlist: [String]) async throws {
        let seen = Mutex(0)
        let receiver = try await Receiver.start { _ in seen.withLock { $0 += 1 } }
        let policy = NetworkPolicy(allowlist: allowlist)
        #expect(policy.allowedHostNames == ["localhost"])

        let outcome = try await Self.post("http://localhost.:\(receiver.port)/in", policy: policy)
        await receiver.shutdown()

        #expect(outcome.status == 200, "\(outcome.outcome)")
        #expect(seen.withLock { $0 } == 1)
    }

    @Test func ignoresAllowlistEntriesThatAreNeitherBlocksNorNames() {
        let policy = NetworkPolicy(allowlist: ["10.0.0.0/8", "crm.internal", "10.0.0.0/33", "http://x/", "a b"])
        #expect(policy.allowedBlocks.map(\.description) == ["10.0.0.0/8"])
        #expect(policy.allowedHostNames == ["crm.internal"])
        #expect(policy.ignoredEntries == ["10.0.0.0/33", "http://x/", "a b"])
    }

    @Test func readsTheAllowlistFromWorkspaceSettings() {
        let policy = NetworkPolicy(settings: WorkspaceSettings(networkAllowlist: ["10.0.0.0/8"]), resolver: Self.emptyResolver())
        #expect(policy.check(url: "http://10.9.9.9/") == .allowed)
    }

    // MARK: - Pinning (rows 36 and the AsyncHTTPClient dnsOverride check of §5.1)

    @Test func sendsToTheCheckedAddressWhileKeepingTheHostName() async throws {
        let seen = Mutex<[ReceivedRequest]>([])
        let receiver = try await Receiver.start { request in seen.withLock { $0.append(request) } }
        // `.test` never resolves in real DNS, so the request can only arrive through the pin.
        let resolver = StaticResolver(addresses: ["hooks.example.test": [try Self.address("127.0.0.1")]])
        let policy = NetworkPolicy(allowlist: ["127.0.0.1"], resolver: resolver)
        let url = "http://hooks.example.test:\(receiver.port)/v1/in"

        let target = try await policy.resolveAndCheck(url: url)
        #expect(target.address == IPAddress("127.0.0.1"))
        let status = try await Self.post(to: target, policy: policy)
        await receiver.shutdown()

        #expect(status == 200)
        let requests = seen.withLock { $0 }
        #expect(requests.count == 1)
        #expect(requests.first?.path == "/v1/in")
    }

    @Test func sendsTheHostNameInTheHostHeaderOfAPinnedRequest() async throws {
        // The receiver does not record `Host` (Hummingbird moves it to the authority), so a raw
        // listener on 127.0.0.1 reads the request head as it arrived on the wire.
        let listener = try await RawHeadListener.start()
        let resolver = StaticResolver(addresses: ["hooks.example.test": [try Self.address("127.0.0.1")]])
        let policy = NetworkPolicy(allowlist: ["127.0.0.1/32"], resolver: resolver)

        let target = try await policy.resolveAndCheck(url: "http://hooks.example.test:\(listener.port)/v1/in")
        let status = try await Self.post(to: target, policy: policy)
        let heads = listener.heads
        try await listener.stop()

        #expect(status == 200)
        #expect(heads.count == 1)
        let lines = heads.first?.split(separator: "\r\n").map(String.init) ?? []
        #expect(lines.first == "POST /v1/in HTTP/1.1")
        #expect(lines.contains { $0.lowercased() == "host: hooks.example.test:\(listener.port)" })
    }

    /// `preview`, the studio and HAR write `Host` with the function the sender uses: the URL's
    /// spelling (`%31%32%37`, a port with leading zeros, the default port) is not what is sent.
    @Test(arguments: [
        ("http://%31%32%37.0.0.1:18780/", "127.0.0.1:18780"),
        ("http://127.0.0.1:0080/", "127.0.0.1"),
        ("https://127.0.0.1:443/", "127.0.0.1"),
        ("HTTP://127.0.0.1:00443/", "127.0.0.1:443"),
        ("http://[::ffff:127.0.0.1]:8080/", "[::ffff:127.0.0.1]:8080"),
        ("http://0x7f000001/", "0x7f000001"),
    ])
    func theShownHostIsTheOneSent(url: String, host: String) async throws {
        let policy = NetworkPolicy(allowlist: ["127.0.0.1/32"], resolver: Self.emptyResolver())
        let target = try await policy.resolveAndCheck(url: url)
        #expect(target.hostHeader == host)
        #expect(WireHeaders.sentHost(of: url) == host)
    }

    @Test func aPreviewedRequestHasTheHostLineTheWireHas() async throws {
        let listener = try await RawHeadListener.start()
        let policy = NetworkPolicy(allowlist: ["127.0.0.1/32"], resolver: Self.emptyResolver())
        let request = PreparedRequest(
            method: .post, url: "http://%31%32%37.0.0.1:000\(listener.port)/in", headers: [], body: "{}",
            secretValues: [], deliveryID: "msg_host")

        let status = try await DeliveryClient.withClient(networkPolicy: policy) { client in
            await client.send(request, origin: .init()).status
        }
        let heads = listener.heads
        try await listener.stop()

        #expect(status == 200)
        let wire = heads.first?.split(separator: "\r\n").first { $0.lowercased().hasPrefix("host:") }
        let shown = request.httpText.split(separator: "\r\n").first { $0.hasPrefix("Host:") }
        #expect(wire == "Host: 127.0.0.1:\(listener.port)")
        #expect(shown == wire)
    }

    @Test func pinsHexIPLiteralsToTheirCanonicalAddress() async throws {
        let seen = Mutex(0)
        let receiver = try await Receiver.start { _ in seen.withLock { $0 += 1 } }
        let policy = NetworkPolicy(allowlist: ["127.0.0.0/8"], resolver: Self.emptyResolver())

        let target = try await policy.resolveAndCheck(url: "http://0x7f000001:\(receiver.port)/in")
        #expect(target.authorityHost == "0x7f000001")
        #expect(target.address == IPAddress("127.0.0.1"))
        let status = try await Self.post(to: target, policy: policy)
        await receiver.shutdown()

        #expect(status == 200)
        #expect(seen.withLock { $0 } == 1)
    }

    @Test func blocksARebindToLoopbackBeforeAnyByteIsSent() async throws {
        let seen = Mutex(0)
        let receiver = try await Receiver.start { _ in seen.withLock { $0 += 1 } }
        let resolver = StaticResolver([
            "rebind.example.test": [.addresses([try Self.address("93.184.215.14")]), .addresses([try Self.address("127.0.0.1")])]
        ])
        let policy = NetworkPolicy(resolver: resolver)
        let url = "http://rebind.example.test:\(receiver.port)/in"

        // Attempt 1: the name looks public, so the attempt is pinned to that public address.
        let first = try await policy.resolveAndCheck(url: url)
        #expect(first.address == IPAddress("93.184.215.14"))
        // Attempt 2: the name now points at loopback; the check before the attempt refuses it.
        let outcome = try await Self.post(url, policy: policy)
        await receiver.shutdown()

        #expect(outcome.outcome.errorClass == PolicyViolation.label)
        guard case .failed(_, let message) = outcome.outcome else { return }
        #expect(message.contains("rebind.example.test resolves to 127.0.0.1"), "\(message)")
        #expect(outcome.status == nil)
        #expect(resolver.lookupCount(of: "rebind.example.test") == 2)
        #expect(seen.withLock { $0 } == 0)
    }

    // MARK: - Helpers

    /// One attempt through the engine's client: the policy checks the URL's host again and the
    /// connection goes to the address it checked.
    private static func post(_ url: String, policy: NetworkPolicy) async throws -> AttemptRecord {
        try await DeliveryClient.withClient(networkPolicy: policy) { client in
            let request = PreparedRequest(
                method: .post, url: url, headers: [HeaderField("Content-Type", "application/json")], body: #"{"ok":true}"#,
                secretValues: [], deliveryID: "msg_pinned")
            return await client.send(request, origin: .init())
        }
    }

    private static func post(to target: PinnedTarget, policy: NetworkPolicy) async throws -> Int? {
        try await post(target.url, policy: policy).status
    }
}

/// A bare HTTP/1.1 listener on 127.0.0.1 that keeps each request head verbatim and answers 200.
private final class RawHeadListener: Sendable {
    let port: Int
    private let channel: any Channel
    private let recorded = Mutex<[String]>([])

    private init(port: Int, channel: any Channel) {
        self.port = port
        self.channel = channel
    }

    var heads: [String] { recorded.withLock { $0 } }

    static func start() async throws -> RawHeadListener {
        let sink = HeadSink()
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(HeadRecorder(sink: sink))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        let listener = RawHeadListener(port: channel.localAddress?.port ?? 0, channel: channel)
        sink.listener.withLock { $0 = listener }
        return listener
    }

    func stop() async throws {
        try await channel.close()
    }

    fileprivate func record(_ head: String) {
        recorded.withLock { $0.append(head) }
    }
}

private final class HeadSink: Sendable {
    let listener = Mutex<RawHeadListener?>(nil)
}

private final class HeadRecorder: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let sink: HeadSink
    private var received = ""

    init(sink: HeadSink) { self.sink = sink }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var buffer = unwrapInboundIn(data)
        received += buffer.readString(length: buffer.readableBytes) ?? ""
        guard let end = received.range(of: "\r\n\r\n") else { return }
        let head = String(received[..<end.lowerBound])
        received = ""
        sink.listener.withLock { $0?.record(head) }
        let answer = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
        context.writeAndFlush(wrapOutboundOut(ByteBuffer(string: answer)), promise: nil)
    }
}
