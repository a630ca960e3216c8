import Foundation
import Synchronization

/// Standard output as a pipe's reader leaves it: once the reader has gone (`hookline run | head`),
/// writing stops instead of stopping the process, which still has deliveries to store.
///
/// Lines the work makes as it goes (attempts, received requests) are queued (``enqueue(_:lines:)``)
/// and written by a thread of their own, so that a reader that stops reading (`| less`, Ctrl+S,
/// a stalled log shipper) never stops the work: a blocked write had held up the store's writer,
/// so attempts went unstored until the reader came back, and `receive` stopped answering.
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

    // MARK: - Queued lines

    /// Bytes queued at most; lines beyond it are left out, and counted.
    static let queueLimit = 16 << 20
    /// Bytes written at a time, so that a slow reader is seen to make progress.
    private static let chunkSize = 64 << 10

    private struct Queue {
        var pending: [UInt8] = []
        /// Where the bytes not yet handed to the writer start in `pending`.
        var start = 0
        var writing = false
        /// Lines left out since the last write, while the queue was full.
        var leftOut = 0
        /// Bytes written so far, to tell a slow reader from one that stopped.
        var written = 0

        var waiting: Int { pending.count - start }
    }

    private static let queue = Mutex(Queue())
    private static let writer = DispatchQueue(label: "hookline.standard-output")

    /// Queues `bytes`, holding `lines` whole lines, for the writer thread, and returns at once.
    /// When ``queueLimit`` bytes already wait, they are left out, and standard error says how
    /// many once the reader takes output again.
    static func enqueue(_ bytes: [UInt8], lines: Int) {
        guard !isClosed, !bytes.isEmpty else { return }
        let start = queue.withLock { queue -> Bool in
            guard queue.waiting + bytes.count <= queueLimit else {
                queue.leftOut += lines
                return false
            }
            if queue.start > 0, queue.start >= queue.pending.count / 2 {
                queue.pending.removeFirst(queue.start)
                queue.start = 0
            }
            queue.pending += bytes
            defer { queue.writing = true }
            return !queue.writing
        }
        if start { writer.async { writeQueued() } }
    }

    private static func writeQueued() {
        while true {
            let (chunk, leftOut) = queue.withLock { queue -> ([UInt8], Int) in
                guard queue.waiting > 0 else {
                    queue.pending = []
                    queue.start = 0
                    queue.writing = false
                    return ([], 0)
                }
                let end = queue.start + min(queue.waiting, chunkSize)
                defer {
                    queue.start = end
                    queue.leftOut = 0
                }
                return (Array(queue.pending[queue.start..<end]), queue.leftOut)
            }
            guard !chunk.isEmpty else { return }
            guard write(chunk) else {
                queue.withLock { queue in queue.writing = false }
                return
            }
            queue.withLock { $0.written += chunk.count }
            if leftOut > 0 {
                printError(
                    "hookline: \(leftOut) lines were left out of standard output while it was not read; the attempts are stored (hookline logs shows them)"
                )
            }
        }
    }

    /// Waits until the queued lines are written, the reader has gone, or it took nothing for
    /// `stall`: a process that ends must not drop what it queued, nor wait for ever on a reader
    /// that stopped.
    /// - Returns: How many queued lines were not written.
    @discardableResult
    static func drain(stall: Duration = .seconds(5)) async -> Int {
        var lastWritten = -1
        var lastProgress = ContinuousClock.now
        while true {
            let (busy, written) = queue.withLock { ($0.writing, $0.written) }
            guard busy, !isClosed else { return isClosed ? unwrittenLines() : 0 }
            if written != lastWritten {
                lastWritten = written
                lastProgress = .now
            } else if ContinuousClock.now - lastProgress > stall {
                return unwrittenLines()
            }
            try? await Task.sleep(for: .milliseconds(10))
        }
    }

    /// The lines queued and not yet handed to the writer, and those left out.
    private static func unwrittenLines() -> Int {
        queue.withLock { queue in queue.pending[queue.start...].count { $0 == UInt8(ascii: "\n") } + queue.leftOut }
    }
}
