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
        if kill(pid, 0) != 0 { return errno == ESRCH }
        return Self.isZombie(pid)
    }

    /// Whether `pid` is a process that ended but that its parent has not reaped yet: `kill -9`
    /// makes one, and a parent that does not wait at once (a container's PID 1, a busy shell)
    /// leaves it for a while. It holds nothing any more.
    static func isZombie(_ pid: Int32) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let nameEnd = stat.lastIndex(of: ")")
        else { return false }
        // `pid (name) S …`: the state follows the name, which may itself hold spaces and parentheses.
        return stat[stat.index(after: nameEnd)...].drop { $0 == " " }.first == "Z"
    }
}
