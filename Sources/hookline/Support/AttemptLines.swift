import Foundation
import StudioEngine
import StudioModel

/// Prints every stored attempt the feed publishes as one JSON line on standard output.
func printAttemptLines(from feed: TrafficFeed) {
    feed.observe { records in
        var lines: [UInt8] = []
        for record in records {
            AttemptJSON.appendJSONLine(record, to: &lines)
            lines.append(UInt8(ascii: "\n"))
        }
        FileHandle.standardOutput.write(Data(lines))
    }
}
