import Crypto
import NIOSSL
import Synchronization

/// The certificate authorities one endpoint's server certificate must chain to, in place of the
/// system's: a webhook's `tls: {ca: PATH}` (delivery.md §9 row 20).
///
/// Only the trust anchors change. The chain, the validity dates and the host name are still
/// verified in full, so an expired or wrong-host certificate fails as `tls_error` whatever the CA.
///
/// ```swift
/// let roots = try TrustRoots(pem: webhook.tls.caPEM)
/// let options = Deliverer.Options(trustRoots: roots)
/// ```
public struct TrustRoots: Sendable, Hashable {
    /// The CA certificates, in file order; never empty.
    public let certificates: [NIOSSLCertificate]
    /// Hex SHA-256 over the certificates' DER bytes: equal exactly when the sets are equal,
    /// so it keys the HTTP clients that trust them.
    public let fingerprint: String

    /// Parsed sets by PEM text, so building options for every delivery does not parse again.
    /// Bounded; emptied when full.
    private static let parsed = Mutex<[String: TrustRoots]>([:])
    private static let parsedLimit = 64

    /// Parses one or more PEM certificates (`-----BEGIN CERTIFICATE-----` blocks).
    /// - Throws: ``TrustRootsError`` when the text holds no certificate or one does not parse.
    public init(pem: String) throws(TrustRootsError) {
        if let known = Self.parsed.withLock({ $0[pem] }) {
            self = known
            return
        }
        let certificates: [NIOSSLCertificate]
        var hash = SHA256()
        do {
            certificates = try NIOSSLCertificate.fromPEMBytes(Array(pem.utf8))
            for certificate in certificates { hash.update(data: try certificate.toDERBytes()) }
        } catch {
            throw TrustRootsError(message: "the CA file holds a certificate that does not parse as PEM")
        }
        guard !certificates.isEmpty else { throw TrustRootsError(message: "the CA file holds no PEM certificate") }
        self.certificates = certificates
        fingerprint = hash.finalize().map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
        let roots = self
        Self.parsed.withLock { parsed in
            if parsed.count >= Self.parsedLimit { parsed.removeAll(keepingCapacity: true) }
            parsed[pem] = roots
        }
    }

    public static func == (lhs: TrustRoots, rhs: TrustRoots) -> Bool { lhs.fingerprint == rhs.fingerprint }

    public func hash(into hasher: inout Hasher) { hasher.combine(fingerprint) }
}

/// A CA file that cannot be used as ``TrustRoots``.
public struct TrustRootsError: Error, Sendable, Hashable, CustomStringConvertible {
    public let message: String
    public var description: String { message }
}
