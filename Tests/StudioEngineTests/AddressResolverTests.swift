import StudioEngine
import Testing

struct AddressResolverTests {
    private static func address(_ text: String) throws -> IPAddress { try #require(IPAddress(text)) }

    @Test func staticResolverRepeatsItsLastAnswerAfterTheScriptRunsOut() async throws {
        let resolver = StaticResolver([
            "hooks.example.test": [.addresses([try Self.address("93.184.215.14")]), .addresses([try Self.address("127.0.0.1")])]
        ])
        #expect(try await resolver.addresses(of: "hooks.example.test") == [try Self.address("93.184.215.14")])
        #expect(try await resolver.addresses(of: "HOOKS.example.test.") == [try Self.address("127.0.0.1")])
        #expect(try await resolver.addresses(of: "hooks.example.test") == [try Self.address("127.0.0.1")])
        #expect(resolver.lookupCount(of: "hooks.example.test") == 3)
    }

    @Test func staticResolverFailsForUnknownNamesAndScriptedFailures() async {
        let resolver = StaticResolver(["down.example.test": [.failure("SERVFAIL")]])
        await #expect(throws: StaticResolver.LookupError(message: "SERVFAIL")) {
            try await resolver.addresses(of: "down.example.test")
        }
        await #expect(throws: StaticResolver.LookupError(message: "NXDOMAIN")) {
            try await resolver.addresses(of: "unknown.example.test")
        }
    }

    @Test(arguments: [("127.0.0.1", "127.0.0.1"), ("::1", "::1"), ("::ffff:127.0.0.1", "::ffff:7f00:1")])
    func systemResolverReadsNumericHostsWithoutTheNetwork(host: String, expected: String) async throws {
        let addresses = try await SystemResolver().addresses(of: host)
        #expect(addresses.map(\.description) == [expected])
    }

    @Test func systemResolverReturnsTheLoopbackAddressesOfLocalhost() async throws {
        // Answered from /etc/hosts; every address must be loopback, and there must be one.
        let addresses = try await SystemResolver().addresses(of: "localhost")
        #expect(!addresses.isEmpty)
        #expect(addresses.allSatisfy { $0 == IPAddress("::1") || CIDR("127.0.0.0/8")?.contains($0) == true })
    }

    @Test func systemResolverAnswersACancelledLookupAtOnce() async {
        let task = Task { try await SystemResolver().addresses(of: "localhost") }
        task.cancel()
        // Either the lookup finished first or the cancellation won; it must not hang or crash.
        switch await task.result {
        case .success(let addresses): #expect(!addresses.isEmpty)
        case .failure(let error): #expect(error is CancellationError)
        }
    }

    @Test func policyUsesTheInjectedResolverAndPinsItsFirstAddress() async throws {
        let resolver = StaticResolver(addresses: [
            "hooks.example.com": [try Self.address("2606:4700::6810:85e5"), try Self.address("104.16.133.229")]
        ])
        let policy = NetworkPolicy(resolver: resolver)
        let target = try await policy.resolveAndCheck(url: "https://hooks.example.com/in")
        #expect(target.address == IPAddress("2606:4700::6810:85e5"))
        #expect(target.port == 443)
        #expect(target.authorityHost == "hooks.example.com")
        #expect(resolver.lookupCount(of: "hooks.example.com") == 1)
    }

    @Test(arguments: [
        ("http://[2606:4700::1]:8080/", "[2606:4700::1]", "2606:4700::1", 8080),
        ("http://[::ffff:8.8.8.8]/", "[::ffff:8.8.8.8]", "8.8.8.8", 80),
        ("https://8.8.8.8/", "8.8.8.8", "8.8.8.8", 443),
        ("http://134744072/", "134744072", "8.8.8.8", 80),
    ])
    func ipLiteralsSkipTheResolverAndKeepTheirHostAsWritten(
        url: String, key: String, address: String, port: Int
    ) async throws {
        let resolver = StaticResolver([:])
        let target = try await NetworkPolicy(resolver: resolver).resolveAndCheck(url: url)
        #expect(target.authorityHost == key)
        #expect(target.address.description == address)
        #expect(target.port == port)
    }
}
