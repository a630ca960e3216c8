import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An exclusive `flock` on a file beside the store, held by the process whose executor may
/// resume the workspace's unfinished journeys.
///
/// Journeys asleep in a delay have no lease, so two processes resuming the same store would both
/// wake them; the lock makes sure one does. The kernel drops it when the process dies, `kill -9`
/// included, so a restart never waits for it.
final class ExecutorLock: Sendable {
    private let descriptor: Int32

    /// Takes the lock at `path`, or returns nil when another process (or another engine in
    /// this process) holds it.
    init?(path: String) {
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { return nil }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            close(descriptor)
            return nil
        }
        self.descriptor = descriptor
    }

    deinit {
        close(descriptor)
    }

    /// Writes who holds the lock into its file (`hookline serve (pid 412), ingest API at …`), for
    /// another process to name in its message. The lock is on the descriptor, not the contents.
    func describe(_ holder: String) {
        let bytes = Array((holder + "\n").utf8)
        guard ftruncate(descriptor, 0) == 0 else { return }
        _ = bytes.withUnsafeBytes { pwrite(descriptor, $0.baseAddress, $0.count, 0) }
    }

    /// What the holder of the lock at `path` wrote about itself; nil when nothing was written.
    static func holder(at path: String) -> String? {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return nil }
        let holder = text.trimmingCharacters(in: .whitespacesAndNewlines)
        return holder.isEmpty ? nil : holder
    }
}
