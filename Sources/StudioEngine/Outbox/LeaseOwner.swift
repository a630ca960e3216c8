import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Who holds an outbox lease: `host/pid/instance`.
///
/// A lease normally ends when it expires; a lease held by a process on this machine that no
/// longer exists (after `kill -9`) is free at once, so a restart resends without waiting.
public struct LeaseOwner: Sendable, Hashable, CustomStringConvertible {
    public var host: String
    public var pid: Int32
    public var instance: String

    /// This process, with a fresh instance id.
    public static func current() -> LeaseOwner {
        LeaseOwner(
            host: ProcessInfo.processInfo.hostName, pid: getpid(),
            instance: String(UUID().uuidString.prefix(8)).lowercased())
    }

    public init(host: String, pid: Int32, instance: String) {
        self.host = host
        self.pid = pid
        self.instance = instance
    }

    /// Parses `host/pid/instance`; nil for anything else.
    public init?(_ text: String) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 3, let pid = Int32(parts[1]) else { return nil }
        self.init(host: String(parts[0]), pid: pid, instance: String(parts[2]))
    }

    public var description: String { "\(host)/\(pid)/\(instance)" }

    /// Whether the owner is a process of this machine that has exited.
    public var hasExited: Bool {
        guard host == ProcessInfo.processInfo.hostName, pid > 0 else { return false }
        return kill(pid, 0) != 0 && errno == ESRCH
    }
}
