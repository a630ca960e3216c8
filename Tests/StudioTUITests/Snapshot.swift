import Foundation
import Testing
@testable import StudioTUI

/// Compares a grid's text with `__Snapshots__/<name>.txt`.
///
/// Format: each row quoted (so trailing spaces show, continuation cells omitted), then `styles:`
/// listing only where the token changes, as `row,col: token`. Set `SNAPSHOT_RECORD=1` to write
/// the files; a missing file fails the test.
enum Snapshot {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("__Snapshots__")

    static func text(of grid: CellGrid, styles: Bool = true) -> String {
        var lines = (0..<grid.size.height).map { "\"\(grid.rowText($0))\"" }
        guard styles else { return lines.joined(separator: "\n") + "\n" }
        lines.append("styles:")
        for y in 0..<grid.size.height {
            var current: String?
            var changes: [String] = []
            for x in 0..<grid.size.width where !grid[x, y].isContinuation {
                let token = grid[x, y].token.rawValue
                if token != current {
                    changes.append("\(x): \(token)")
                    current = token
                }
            }
            lines.append("\(y): " + changes.joined(separator: ", "))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static func assert(_ grid: CellGrid, named name: String, styles: Bool = true,
                       sourceLocation: SourceLocation = #_sourceLocation) {
        let actual = text(of: grid, styles: styles)
        let url = directory.appendingPathComponent("\(name).txt")
        if ProcessInfo.processInfo.environment["SNAPSHOT_RECORD"] == "1" {
            try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            try? actual.write(to: url, atomically: true, encoding: .utf8)
            return
        }
        guard let expected = try? String(contentsOf: url, encoding: .utf8) else {
            Issue.record("missing snapshot \(name).txt; run with SNAPSHOT_RECORD=1 to record it\n\(actual)",
                         sourceLocation: sourceLocation)
            return
        }
        if expected != actual {
            let expectedLines = expected.split(separator: "\n", omittingEmptySubsequences: false)
            let actualLines = actual.split(separator: "\n", omittingEmptySubsequences: false)
            let first = zip(expectedLines, actualLines).enumerated().first { $0.element.0 != $0.element.1 }
            let detail = first.map { "line \($0.offset + 1):\n  expected \($0.element.0)\n  actual   \($0.element.1)" }
                ?? "line counts differ (\(expectedLines.count) vs \(actualLines.count))"
            Issue.record("snapshot \(name) differs; \(detail)\nactual:\n\(actual)", sourceLocation: sourceLocation)
        }
    }
}
