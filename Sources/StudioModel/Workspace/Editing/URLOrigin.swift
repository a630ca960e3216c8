/// Where a request goes: scheme, host and port, compared without case.
struct URLOrigin: Sendable, Hashable, CustomStringConvertible {
    var scheme: String
    var host: String
    /// The explicit port, else the scheme's default (80, 443); nil for other schemes.
    var port: Int?

    /// Nil when the host is missing or holds a merge parameter.
    init?(scheme: Substring, authority: Substring) {
        let hostAndPort = authority.split(separator: "@", omittingEmptySubsequences: false).last ?? authority
        guard !scheme.isEmpty, !hostAndPort.contains("{{") else { return nil }
        let host: Substring
        let portText: Substring
        if hostAndPort.hasPrefix("["), let close = hostAndPort.firstIndex(of: "]") {
            host = hostAndPort[...close]
            portText = hostAndPort[hostAndPort.index(after: close)...].drop { $0 == ":" }
        } else if let colon = hostAndPort.firstIndex(of: ":") {
            host = hostAndPort[..<colon]
            portText = hostAndPort[hostAndPort.index(after: colon)...]
        } else {
            host = hostAndPort
            portText = ""
        }
        guard !host.isEmpty else { return nil }
        self.scheme = scheme.lowercased()
        self.host = host.lowercased()
        let defaultPort = Self.defaultPorts[self.scheme]
        if portText.isEmpty {
            port = defaultPort
        } else {
            guard let explicit = Int(portText) else { return nil }
            port = explicit
        }
    }

    static let defaultPorts = ["http": 80, "https": 443]

    /// The host, with the port when it is not the scheme's default: `api.lob.com`, `localhost:8080`.
    var hostDescription: String {
        guard let port, port != Self.defaultPorts[scheme] else { return host }
        return "\(host):\(port)"
    }

    var description: String { "\(scheme)://\(hostDescription)" }
}
