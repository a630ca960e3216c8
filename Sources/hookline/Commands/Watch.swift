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
                interrupted; the same filters as `hookline logs`. Started before anything has run \
                in the workspace, it waits for the store; when the store is removed or made anew, it \
                follows the new one. Attempts are masked when stored.
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
            // Checked first: watch waits for a store that does not exist yet, forever in a mistyped folder.
            try options.requireWorkspace()
            let path = options.storePath
            try filters.checkNames(root: options.root) {
                try EngineCommand.stoppingOnStoreError {
                    do {
                        return try SQLiteStateStore(path: path, readonly: true)
                    } catch let error as StoreError where error.isNothingStored {
                        return nil
                    }
                }
            }
            let width = Self.outputWidth()
            // For each line's `3/8`: the schedules as the workspace's files give them now.
            let workspace = WorkspaceLoader.load(from: options.root)
            let json = self.json
            let write = { @Sendable (records: [AttemptRecord]) in
                // Its reader gone (`watch | head`), there is no one left to follow for.
                guard !json else {
                    if !writeAttemptLines(records) { Foundation.exit(0) }
                    return
                }
                var out = ""
                for record in records {
                    // Cleaned as the studio cleans it: a URL or address may carry an escape sequence.
                    out += TrafficRow.segments(
                        for: Sanitizer.clean(record), width: width, timeZone: .current,
                        scheduledAttempts: workspace.scheduledAttempts(ofWebhook: record.webhookID)
                    ).map(\.text).joined() + "\n"
                }
                if !StandardOutput.write(Data(out.utf8)) { Foundation.exit(0) }
            }
            let following = Task { [self] in
                // A store replaced is released before the new one is opened: its file is deleted.
                var first = true
                while !Task.isCancelled {
                    do {
                        // After a removal the note said what comes next; the new file is empty only
                        // while the executor makes it a store.
                        try await follow(Self.storeOnceCreated(at: path, sayingWhyItWaits: first), at: path, write)
                        first = false
                    } catch {
                        guard !Task.isCancelled else { return }
                        printError(error is StoreError ? "error: \(error)" : "error: \(path): \(error)")
                        Foundation.exit(ExitCode.failure.rawValue)
                    }
                }
            }
            Task.detached {
                await Self.waitForReaderToLeave()
                Foundation.exit(0)
            }
            await waitForTerminationSignal()
            following.cancel()
        }

        /// Prints the last --lines attempts of `store`, then every new one, until the task is
        /// cancelled or the file at `path` is no longer the one opened: removed, or replaced by a
        /// new store. Says which on standard error; the caller opens the new one.
        private func follow(
            _ store: SQLiteStateStore, at path: String, _ write: @escaping @Sendable ([AttemptRecord]) -> Void
        ) async throws {
            let opened = StoreFileIdentity(path: path)
            // The newest id first: one stored between the two reads is then shown once, not skipped.
            let newest = try store.attempts(matching: AttemptFilter(limit: 1)).last?.id ?? 0
            let recent = try store.attempts(matching: filters.filter(limit: max(0, lines)))
            write(recent)
            await StoredAttemptFollower.follow(
                store, filter: filters.filter(limit: 1000), after: max(newest, recent.last?.id ?? 0),
                while: { StoreFileIdentity(path: path) == opened }, write)
            guard !Task.isCancelled else { return }
            if StoreFileIdentity(path: path) == nil {
                printError("note: \(path) was removed; watch follows the store created there next")
            } else {
                printError("note: \(path) was replaced by a new store; watch follows it")
            }
        }

        /// The store, waited for when watch is started in its own terminal before the executor
        /// creates it, or while its file is empty (0 bytes): watch only reads, so the executor
        /// makes it a store (the store migrates a new file one process at a time, so opening it
        /// while the executor sets it up waits rather than fails).
        /// An empty file is said once it has stayed empty for a second: an executor making the
        /// store leaves it empty for a moment only.
        static func storeOnceCreated(at path: String, sayingWhyItWaits: Bool) async throws -> SQLiteStateStore {
            var said = !sayingWhyItWaits
            var emptySince: ContinuousClock.Instant?
            while true {
                do {
                    return try SQLiteStateStore(path: path, readonly: true)
                } catch let error as StoreError where error.isNothingStored {
                    if FileManager.default.fileExists(atPath: path) {
                        let since = emptySince ?? .now
                        emptySince = since
                        if !said, ContinuousClock.now - since >= .seconds(1) {
                            printError("note: \(error); watch waits for the executor to make it a store")
                            said = true
                        }
                    } else {
                        emptySince = nil
                    }
                    try await Task.sleep(for: .milliseconds(250))
                }
            }
        }

        /// Returns once standard output is a pipe nobody reads any more (`hookline watch | head -1`),
        /// which would otherwise only show when the next attempt is written, maybe hours later.
        static func waitForReaderToLeave() async {
            var output = pollfd(fd: STDOUT_FILENO, events: 0, revents: 0)
            while !Task.isCancelled {
                if poll(&output, 1, 0) > 0, output.revents & Int16(POLLERR) != 0 { return }
                try? await Task.sleep(for: .milliseconds(250))
            }
        }
    }
}
