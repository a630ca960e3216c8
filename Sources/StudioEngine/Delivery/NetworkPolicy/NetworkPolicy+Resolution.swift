extension NetworkPolicy {
    /// The send-time check, run before every attempt: checks the URL, resolves its host, checks
    /// every address, and returns the first one to connect to.
    ///
    /// Fails closed: the request is blocked if *any* address is denied (a mixed public and
    /// private answer is refused), if resolution fails, or if it returns nothing. IP literals
    /// skip the resolver and get the same address check.
    /// - Throws: ``PolicyViolation`` when the request must not be sent; never retry it.
    public func resolveAndCheck(url: String) async throws(PolicyViolation) -> PinnedTarget {
        let target: TargetURL
        switch TargetURL.parse(url) {
        case .failure(let violation): throw violation
        case .success(let parsed): target = parsed
        }

        let addresses: [IPAddress]
        if let literal = target.literal {
            addresses = [literal]
        } else {
            if let violation = check(hostName: target.normalizedHost).violation { throw violation }
            do {
                addresses = try await resolver.addresses(of: target.lookupName)
            } catch {
                throw PolicyViolation(
                    reason: .resolutionFailed,
                    message: "\(target.host) could not be resolved (\(error)), so its addresses could not be checked")
            }
        }

        for address in addresses {
            if let violation = check(address: address, host: target.host).violation { throw violation }
        }
        guard let first = addresses.first else {
            throw PolicyViolation(reason: .noAddresses, message: "\(target.host) has no addresses")
        }
        return PinnedTarget(
            url: url, host: target.host, port: target.port, address: first.connectable,
            authorityHost: target.authorityHost)
    }
}
