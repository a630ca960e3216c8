import NIOSSL
import Synchronization

/// The TLS client contexts of the connection pool: one verifying against the system's CAs, and
/// one per endpoint CA (``TrustRoots``), made when first needed and kept.
///
/// A context is costly to make (the system's CA bundle is read and parsed), and cheap to share:
/// every connection's handshake starts from one. An endpoint's own CA replaces whom to trust,
/// never whether to check: the chain and its dates are verified in full (delivery.md §9 row 20),
/// and the host name by ``TLSIdentityGate`` (SwiftNIO SSL's own check is looser than RFC 9525).
final class TLSContexts: Sendable {
    private let contexts = Mutex<[TrustRoots?: NIOSSLContext]>([:])

    /// The context for connections that trust `roots`, or the system's CAs when nil.
    func context(trusting roots: TrustRoots?) throws -> NIOSSLContext {
        if let known = contexts.withLock({ $0[roots] }) { return known }
        let context = try NIOSSLContext(configuration: Self.configuration(trusting: roots))
        return contexts.withLock { contexts in
            if let known = contexts[roots] { return known }
            // Endpoints name few CAs; a workspace that keeps changing one starts afresh.
            if contexts.count >= 64 { contexts.removeAll() }
            contexts[roots] = context
            return context
        }
    }

    /// The client configuration: TLS 1.2 or later, the chain verified (the host name is
    /// ``TLSIdentityGate``'s), `roots` as the only trust anchors when given. No ALPN: the
    /// connection speaks HTTP/1.1, the request shown.
    static func configuration(trusting roots: TrustRoots?) -> TLSConfiguration {
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.certificateVerification = .noHostnameVerification
        tls.minimumTLSVersion = .tlsv12
        // A connection is only closed when it is done with: waiting long for the server's
        // `close_notify` would only hold up the end of a run.
        tls.shutdownTimeout = .seconds(1)
        if let roots {
            tls.trustRoots = .certificates(roots.certificates)
            tls.additionalTrustRoots = []
        }
        return tls
    }
}
