import Foundation
import StudioEngine
import StudioModel
import Synchronization

/// Writes attempts to standard output as JSON Lines, the form `run`, `logs` and `watch` share.
/// - Returns: false when standard output is closed (its reader went away).
@discardableResult
func writeAttemptLines(_ records: [AttemptRecord]) -> Bool {
    guard !records.isEmpty else { return !StandardOutput.isClosed }
    var lines: [UInt8] = []
    for record in records {
        AttemptJSON.appendJSONLine(record, to: &lines)
        lines.append(UInt8(ascii: "\n"))
    }
    return StandardOutput.write(lines)
}

/// Prints every stored attempt the feed publishes as one JSON line on standard output, until
/// its reader goes away; the work goes on, and says once where its attempts can still be read.
func printAttemptLines(from feed: TrafficFeed) {
    let told = Atomic<Bool>(false)
    feed.observe { records in
        guard !writeAttemptLines(records), !told.exchange(true, ordering: .relaxed) else { return }
        printError("hookline: standard output was closed; attempts are still stored (hookline logs shows them)")
    }
}
