import Foundation
import Hummingbird
import HummingbirdCore

extension ApplicationConfiguration {
    /// How both servers listen: a listen queue as long as the system allows (Hummingbird's 256
    /// overflowed under a burst, and clients then waited a second for their SYN to be sent
    /// again), and at most `maximumConnections` open at once. At the cap the server stops
    /// accepting until one closes, and waiting clients queue in the kernel; without one, a
    /// server out of file descriptors retried `accept` about 17,000 times a second, using a core.
    /// - Parameter maximumConnections: Nil for ``ConnectionCap/forThisProcess``.
    static func hookline(
        host: String, port: Int, serverName: String, maximumConnections: Int? = nil
    ) -> ApplicationConfiguration {
        ApplicationConfiguration(
            address: .hostname(host, port: port), serverName: serverName, backlog: ConnectionCap.listenBacklog,
            availableConnectionsDelegate: MaximumAvailableConnections(maximumConnections ?? ConnectionCap.forThisProcess))
    }
}

/// The most connections a server keeps open at once, from the process's file descriptor limit.
enum ConnectionCap {
    /// Descriptors left for everything else: outgoing connections, the store, the workspace.
    static let reservedDescriptors = 512
    /// Never more, whatever the limit: each connection holds buffers too.
    static let most = 10_000
    /// Connections a kernel queue holds before they are accepted (Linux caps it at `somaxconn`).
    static let listenBacklog = 4096

    static var forThisProcess: Int {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return 512 }
        // RLIM_INFINITY is all bits set, as no real limit is.
        let soft = Int(clamping: limit.rlim_cur)
        return max(64, min(most, soft - reservedDescriptors))
    }
}
