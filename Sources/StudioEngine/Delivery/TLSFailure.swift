import Foundation
import NIOSSL

/// A failed TLS handshake, recognised by its NIOSSL error type rather than its text, and the
/// sentence its `tls_error` record shows (delivery.md §8.4: untrusted, expired, hostname mismatch).
///
/// BoringSSL reports every rejected chain as one `CERTIFICATE_VERIFY_FAILED`; which check
/// failed comes from ``CertificateProbe`` when the client asks it (see ``Reason``).
struct TLSFailure: Sendable, CustomStringConvertible {
    enum Kind: Sendable {
        /// BoringSSL rejected the chain: untrusted, expired or not yet valid.
        case certificateRejected
        /// The chain is trusted but names another host (checked by NIOSSL after the handshake).
        case hostnameMismatch
        /// Any other handshake failure: protocol version, cipher, alert from the server.
        case handshake(String)
    }

    /// Why a rejected certificate was rejected, as far as its dates and issuer tell.
    enum Reason: Sendable, Hashable {
        case expired(Date)
        case notYetValid(Date)
        /// Within its dates, so not issued by a CA the client trusts (self-signed, private CA).
        case untrusted
    }

    var kind: Kind
    /// The host the certificate had to name.
    var host: String = ""
    /// Whether the webhook's own CA (`tls.ca`) was trusted instead of the system's.
    var customCA = false
    /// Filled in by ``CertificateProbe`` for ``Kind/certificateRejected``.
    var reason: Reason?

    /// Nil when `error` is not a TLS handshake failure. A TLS connection that ends badly after
    /// the handshake (`uncleanShutdown` and the like) is a transport failure, not a TLS one.
    init?(_ error: any Error) {
        switch error {
        case let error as NIOSSLError:
            switch error {
            case .handshakeFailed(let boringSSL):
                kind = Self.isVerifyFailure(boringSSL) ? .certificateRejected : .handshake(Self.explanation(of: boringSSL))
            case .unableToValidateCertificate, .noCertificateToValidate:
                kind = .certificateRejected
            case .uncleanShutdown, .writeDuringTLSShutdown, .readInInvalidTLSState, .shutdownFailed:
                return nil
            default:
                kind = .handshake("\(error)")
            }
        case is TLSHostnameMismatchError:
            kind = .hostnameMismatch
        case let error as NIOSSLExtraError:
            kind = error == .failedToValidateHostname || error == .serverHostnameImpossibleToMatch
                ? .hostnameMismatch : .handshake("\(error)")
        case let error as BoringSSLError:
            kind = Self.isVerifyFailure(error) ? .certificateRejected : .handshake(Self.explanation(of: error))
        default:
            return nil
        }
    }

    /// One sentence for the attempt record; names no secret (only the host and dates).
    var description: String {
        let trusted = customCA ? "the CA in the webhook's tls.ca" : "the system's CAs; a private CA goes in tls.ca"
        switch kind {
        case .hostnameMismatch:
            return "TLS: the server's certificate is not valid for \(host) (hostname mismatch)"
        case .handshake(let detail):
            return "TLS handshake failed: \(detail)"
        case .certificateRejected:
            switch reason {
            case .expired(let date):
                return "TLS: the server's certificate expired on \(date.ISO8601Format())"
            case .notYetValid(let date):
                return "TLS: the server's certificate is not valid before \(date.ISO8601Format())"
            case .untrusted:
                return "TLS: the server's certificate is not issued by a trusted CA (\(trusted))"
            case nil:
                return "TLS: the server's certificate was rejected: untrusted, expired or not yet valid (\(trusted))"
            }
        }
    }

    /// What a failed handshake means, in words, for the failures a misconfigured endpoint gives;
    /// BoringSSL's error stack as it is for any other.
    private static func explanation(of error: BoringSSLError) -> String {
        let stack = "\(error)"
        let known: [(code: String, meaning: String)] = [
            ("EOF during handshake", "the server closed the connection during the handshake"),
            ("WRONG_VERSION_NUMBER", "the server did not answer in TLS (is the endpoint plain http://?)"),
            ("UNSUPPORTED_PROTOCOL", "the server offers no TLS version Hookline accepts (TLS 1.2 or later)"),
            ("ALERT_PROTOCOL_VERSION", "the server accepts no TLS version Hookline offers (TLS 1.2 or later)"),
            ("ALERT_HANDSHAKE_FAILURE", "the server refused the handshake (no cipher in common, or it wants a client certificate)"),
        ]
        return known.first { stack.contains($0.code) }?.meaning ?? stack
    }

    /// Whether BoringSSL's error stack holds `CERTIFICATE_VERIFY_FAILED`, its one code for a
    /// rejected chain (the stack entries are only exposed as text).
    private static func isVerifyFailure(_ error: BoringSSLError) -> Bool {
        switch error {
        case .sslError(let stack), .unknownError(let stack):
            stack.contains { "\($0)".contains("CERTIFICATE_VERIFY_FAILED") }
        default:
            false
        }
    }
}
