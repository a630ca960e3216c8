#if canImport(Glibc)
import Glibc
#endif
import NIOCore

/// Why a server could not listen, in words instead of the socket call and its errno
/// (`bind(descriptor:ptr:bytes:): Address already in use) (errno: 98)`).
public struct ListenError: Error, CustomStringConvertible {
    public enum Kind: Sendable {
        /// Another process listens on the port.
        case portInUse
        /// The port needs privileges this process lacks.
        case portNotAllowed
        /// The host is not an address of this machine.
        case hostNotLocal
    }

    public var kind: Kind

    /// What is wrong, e.g. "the port is in use by another process".
    public var reason: String {
        switch kind {
        case .portInUse: "the port is in use by another process"
        case .portNotAllowed: "this user may not listen on that port (below 1024 needs privileges)"
        case .hostNotLocal: "the address is not one of this machine's"
        }
    }

    public var description: String { "cannot listen: \(reason)" }

    /// The words for `error` when it is a failure to bind an address; nil for any other error.
    init?(_ error: any Error) {
        guard let error = error as? IOError else { return nil }
        switch error.errnoCode {
        case EADDRINUSE: kind = .portInUse
        case EACCES: kind = .portNotAllowed
        case EADDRNOTAVAIL: kind = .hostNotLocal
        default: return nil
        }
    }
}
