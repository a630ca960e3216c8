import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import NIOSSL

/// Finds out why a server's certificate chain was rejected, for the `tls_error` record.
///
/// BoringSSL reports an untrusted, an expired and a not-yet-valid chain alike, but each needs a
/// different fix. After such a failure the client connects once more to the same checked
/// address, takes the chain the server presents, and refuses it: the handshake is aborted
/// before any request is sent, so nothing is ever delivered over an unverified connection.
///
/// ```swift
/// let reason = await CertificateProbe.reason(for: target, timeout: .seconds(5))   // .expired(2021-01-01)
/// ```
enum CertificateProbe {
    /// Why `target`'s chain is rejected, or nil when the probe could not get the chain.
    static func reason(for target: PinnedTarget, timeout: TimeAmount, now: Date = Date()) async -> TLSFailure.Reason? {
        guard let chain = await presentedChain(target, timeout: timeout) else { return nil }
        return reason(for: chain, at: now)
    }

    /// The first certificate of `chain` (leaf first) outside its validity dates; with none,
    /// the issuer is what is not trusted. Nil for an empty chain.
    static func reason(for chain: [NIOSSLCertificate], at now: Date) -> TLSFailure.Reason? {
        guard !chain.isEmpty else { return nil }
        let seconds = now.timeIntervalSince1970
        for certificate in chain {
            let notAfter = TimeInterval(certificate.notValidAfter)
            if notAfter < seconds { return .expired(Date(timeIntervalSince1970: notAfter)) }
            let notBefore = TimeInterval(certificate.notValidBefore)
            if notBefore > seconds { return .notYetValid(Date(timeIntervalSince1970: notBefore)) }
        }
        return .untrusted
    }

    /// The chain `target` presents, read by a handshake that is refused as soon as it arrives.
    private static func presentedChain(_ target: PinnedTarget, timeout: TimeAmount) async -> [NIOSSLCertificate]? {
        let captured = NIOLockedValueBox<[NIOSSLCertificate]?>(nil)
        // The name the delivery's handshake sent, so that a server choosing its certificate by
        // SNI presents the chain it rejected.
        let serverName = TLSServiceIdentity(host: target.host).serverName
        do {
            let context = try NIOSSLContext(configuration: .makeClientConfiguration())
            let address = try SocketAddress(ipAddress: target.address.description, port: target.port)
            let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .connectTimeout(timeout)
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        let handler = try NIOSSLClientHandler(context: context, serverHostname: serverName) {
                            chain, verdict in
                            captured.withLockedValue { $0 = chain }
                            verdict.succeed(NIOSSLVerificationResult.failed)
                        }
                        try channel.pipeline.syncOperations.addHandler(handler)
                    }
                }
                .connect(to: address).get()
            // The refused handshake closes the channel; a server that never answers is cut off.
            let cutOff = channel.eventLoop.scheduleTask(in: timeout) { () -> Void in channel.close(promise: nil) }
            try? await channel.closeFuture.get()
            cutOff.cancel()
        } catch {
            return nil
        }
        return captured.withLockedValue { $0 }
    }
}
