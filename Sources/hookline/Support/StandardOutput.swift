import Foundation
import Synchronization

/// Standard output as a pipe's reader leaves it: once the reader has gone (`hookline run | head`),
/// writing stops instead of stopping the process, which still has deliveries to store.
enum StandardOutput {
    private static let closed = Atomic<Bool>(false)

    /// Whether a write found standard output closed.
    static var isClosed: Bool { closed.load(ordering: .relaxed) }

    /// Writes `bytes` at once, unbuffered; false when standard output is closed, now or before.
    @discardableResult
    static func write(_ bytes: some DataProtocol) -> Bool {
        guard !isClosed else { return false }
        do {
            try FileHandle.standardOutput.write(contentsOf: bytes)
            return true
        } catch {
            closed.store(true, ordering: .relaxed)
            return false
        }
    }
}
