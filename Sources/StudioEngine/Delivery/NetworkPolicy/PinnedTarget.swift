import StudioModel

/// A URL whose host has been checked, with the one address the connection may use.
///
/// ``DeliveryClient`` sends the request for ``url`` to ``address`` only, while the `Host`
/// header, SNI and certificate checks keep the host name.
public struct PinnedTarget: Sendable, Hashable {
    /// The URL exactly as it was checked; send this one.
    public let url: String
    /// The host as Foundation's `URL` reads it (`hooks.example.com`, `10.0.0.5`, `::1`).
    public let host: String
    /// The port the URL names, or the scheme's default.
    public let port: Int
    /// The checked address to connect to.
    public let address: IPAddress
    /// The host as the `Host` header writes it: with brackets for an IPv6 literal.
    public let authorityHost: String
    /// Whether the URL's scheme is `http` (any case): no TLS, and port 80 by default.
    public let isPlainHTTP: Bool

    /// The `Host` header sent: ``authorityHost`` and the port unless it is the scheme's default,
    /// as ``URLAuthority/hostHeader`` writes it for what `preview` and the studio show.
    public var hostHeader: String { URLAuthority(host: host, port: port, isPlainHTTP: isPlainHTTP).hostHeader }

    /// Makes a target. Normally ``NetworkPolicy/resolveAndCheck(url:)`` makes it.
    public init(url: String, host: String, port: Int, address: IPAddress, authorityHost: String) {
        self.url = url
        self.host = host
        self.port = port
        self.address = address
        self.authorityHost = authorityHost
        // ASCII case folding: OR-ing 0x20 lower-cases letters and leaves ':' as it is.
        isPlainHTTP = url.utf8.prefix(5).elementsEqual("http:".utf8) { $0 | 0x20 == $1 }
    }
}
