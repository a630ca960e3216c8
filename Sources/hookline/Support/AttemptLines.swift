import Foundation
import StudioEngine
import StudioModel
import Synchronization

/// Writes attempts to standard output as JSON Lines, the form `run`, `logs` and `watch` share.
/// - Returns: false when standard output is closed (its reader went away).
@discardableResult
func writeAttemptLines(_ records: [AttemptRecord]) -> Bool {
    guard !records.isEmpty else { return !StandardOutput.isClosed }
    return StandardOutput.write(attemptLines(records))
}

/// `records` as JSON Lines.
private func attemptLines(_ records: [AttemptRecord]) -> [UInt8] {
    var lines: [UInt8] = []
    for record in records {
        AttemptJSON.appendJSONLine(record, to: &lines)
        lines.append(UInt8(ascii: "\n"))
    }
    return lines
}

/// Prints every stored attempt the feed publishes as one JSON line on standard output, through
/// ``StandardOutput/enqueue(_:lines:)`` so that a reader that stops reading never holds up the
/// store's writer, until its reader goes away; the work goes on, and says once where its
/// attempts can still be read. ``StandardOutput/drain(stall:)`` before the process ends.
func printAttemptLines(from feed: TrafficFeed) {
    feed.observe { records in
        guard !StandardOutput.isClosed else { return noteClosedAttemptLines() }
        StandardOutput.enqueue(attemptLines(records), lines: records.count)
    }
}

private let closedAttemptLinesNoted = Atomic<Bool>(false)

/// Says once, when standard output has closed, that the attempts printed there are still stored.
func noteClosedAttemptLines() {
    guard StandardOutput.isClosed, !closedAttemptLinesNoted.exchange(true, ordering: .relaxed) else { return }
    printError("hookline: standard output was closed; attempts are still stored (hookline logs shows them)")
}
