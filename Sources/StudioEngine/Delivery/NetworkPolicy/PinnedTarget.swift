/// A URL whose host has been checked, with the one address the connection may use.
///
/// Send the request for ``url`` through a client from ``PinnedHTTPClients``: it connects to
/// ``address`` only, while the `Host` header, SNI and certificate checks keep the host name.
public struct PinnedTarget: Sendable, Hashable {
    /// The URL exactly as it was checked; send this one.
    public let url: String
    /// The host as AsyncHTTPClient sees it (`hooks.example.com`, `10.0.0.5`, `::1`).
    public let host: String
    /// The port the URL names, or the scheme's default.
    public let port: Int
    /// The checked address to connect to.
    public let address: IPAddress
    /// The key AsyncHTTPClient looks up in `dnsOverride` for this URL: the host, with
    /// brackets for an IPv6 literal.
    public let overrideKey: String
    /// Whether the URL's scheme is `http` (any case), so it goes through the plain-HTTP pool.
    public let isPlainHTTP: Bool

    /// Makes a target. Normally ``NetworkPolicy/resolveAndCheck(url:)`` makes it.
    public init(url: String, host: String, port: Int, address: IPAddress, overrideKey: String) {
        self.url = url
        self.host = host
        self.port = port
        self.address = address
        self.overrideKey = overrideKey
        // ASCII case folding: OR-ing 0x20 lower-cases letters and leaves ':' as it is.
        isPlainHTTP = url.utf8.prefix(5).elementsEqual("http:".utf8) { $0 | 0x20 == $1 }
    }
}
