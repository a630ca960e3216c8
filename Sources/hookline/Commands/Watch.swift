#if canImport(Glibc)
import Glibc
#endif
import ArgumentParser
import Foundation
import StudioEngine
import StudioModel
import StudioTUI

extension Hookline {
    struct Watch: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Follow the traffic of a running executor from another terminal.",
            discussion: """
                Prints the last --lines attempts, then every new one as it is stored, until \
                interrupted; the same filters as `hookline logs`. Attempts are masked when stored.
                """)

        @OptionGroup(title: "Workspace Options") var options: WorkspaceOptions

        @OptionGroup(title: "Filters") var filters: AttemptFilterOptions

        @Option(help: "Attempts shown before following.")
        var lines: Int = 20

        @Flag(help: "Print JSON lines instead of traffic lines.")
        var json = false

        /// The terminal's width when standard output is one (a line longer than it would wrap), else
        /// `COLUMNS`, else 120.
        static func outputWidth() -> Int {
            var size = winsize()
            if isatty(STDOUT_FILENO) != 0, ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 {
                return Int(size.ws_col)
            }
            return ProcessInfo.processInfo.environment["COLUMNS"].flatMap(Int.init) ?? 120
        }

        func run() async throws {
            let store = try options.existingStore()
            let width = Self.outputWidth()
            let json = self.json
            let write = { @Sendable (records: [AttemptRecord]) in
                guard !json else { return writeAttemptLines(records) }
                var out = ""
                for record in records {
                    out += TrafficRow.segments(for: record, width: width, timeZone: .current).map(\.text).joined() + "\n"
                }
                FileHandle.standardOutput.write(Data(out.utf8))
            }
            write(try store.attempts(matching: filters.filter(limit: max(0, lines))))
            let newest = try store.attempts(matching: AttemptFilter(limit: 1)).last?.id ?? 0
            let following = Task { await StoredAttemptFollower.follow(store, filter: filters.filter(limit: 1000), after: newest, write) }
            await waitForTerminationSignal()
            following.cancel()
        }
    }
}
