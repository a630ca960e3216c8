/// Looks up every address of a host name, for ``NetworkPolicy/resolveAndCheck(url:)``.
///
/// Implementations: ``SystemResolver`` (getaddrinfo) and ``StaticResolver`` (fixed answers for tests).
public protocol AddressResolver: Sendable {
    /// All A and AAAA addresses of `host`, in the order a client should try them.
    /// - Throws: Any error when the name cannot be resolved; the policy then fails closed.
    func addresses(of host: String) async throws -> [IPAddress]
}
