import HTTPTypes
import Hummingbird

/// What a web page could make a browser send to the API on this machine: a cross-site POST needs
/// no preflight when its body is text or a form, and a page on a name that resolves to
/// 127.0.0.1 (DNS rebinding) reaches a loopback server as a same-site one. Without an
/// `ingest_api_key`, either could write profiles and start workflows.
extension IngestAPI {
    /// Whether a request's body is wanted, from its head alone: not one a web page sent, with the
    /// key, and one whose body a route reads (``readsBody(_:)``). The server asks before it
    /// answers `100 Continue`; ``handle(_:context:next:)`` and the routes answer the others
    /// without reading a body.
    func acceptsHead(_ head: HTTPRequest) -> Bool {
        Self.webRequestRefusal(head, loopbackOnly: loopbackOnly) == nil && authorizes(head) && readsBody(head)
    }

    /// Why a request is refused as one a browser sent for a web page; nil for a request from a
    /// server or a script.
    /// - Parameter loopbackOnly: The server listens on a loopback address, so a request for it
    ///   names a loopback host.
    static func webRequestRefusal(_ head: HTTPRequest, loopbackOnly: Bool) -> String? {
        // Browsers add Origin to every cross-origin request, and to every POST.
        if head.headerFields[.origin] != nil {
            return "a request from a web page (it carries an Origin header) is refused: the ingest API takes calls from servers and scripts"
        }
        if loopbackOnly, let authority = head.authority, !isLoopbackName(host(ofAuthority: authority)) {
            return "Host \(authority) does not name this machine: send the request to 127.0.0.1 or localhost"
        }
        return nil
    }

    /// `localhost` (and names under it), an IPv4 address in 127.0.0.0/8, or `::1`.
    static func isLoopbackName(_ host: String) -> Bool {
        let name = host.lowercased()
        if name == "localhost" || name.hasSuffix(".localhost") || name == "::1" { return true }
        let octets = name.split(separator: ".", omittingEmptySubsequences: false)
        return octets.count == 4 && octets[0] == "127" && octets.allSatisfy { UInt8($0) != nil }
    }

    /// The host of `host:port`, `[v6]:port` or a bare host, without its port and brackets.
    static func host(ofAuthority authority: String) -> String {
        if authority.hasPrefix("["), let end = authority.firstIndex(of: "]") {
            return String(authority[authority.index(after: authority.startIndex)..<end])
        }
        return String(authority.split(separator: ":", maxSplits: 1).first ?? "")
    }
}
