import Foundation
import StudioEngine
import StudioModel

/// Writes attempts to standard output as JSON Lines, the form `run`, `logs` and `watch` share.
func writeAttemptLines(_ records: [AttemptRecord]) {
    guard !records.isEmpty else { return }
    var lines: [UInt8] = []
    for record in records {
        AttemptJSON.appendJSONLine(record, to: &lines)
        lines.append(UInt8(ascii: "\n"))
    }
    FileHandle.standardOutput.write(Data(lines))
}

/// Prints every stored attempt the feed publishes as one JSON line on standard output.
func printAttemptLines(from feed: TrafficFeed) {
    feed.observe { records in writeAttemptLines(records) }
}
