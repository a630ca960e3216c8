import ArgumentParser
import Foundation
import StudioEngine
import StudioModel

extension Hookline {
    struct Logs: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Export stored attempts as JSON Lines, a HAR 1.2 archive or curl commands.",
            discussion: """
                Attempts are stored masked, so exports hold no secret. The most recent --limit \
                matching attempts are printed, oldest first.
                """)

        enum Format: String, ExpressibleByArgument, CaseIterable {
            case jsonl, har, curl
        }

        @OptionGroup(title: "Workspace Options") var options: WorkspaceOptions

        @Option(help: "Output format.")
        var format: Format = .jsonl

        @OptionGroup(title: "Filters") var filters: AttemptFilterOptions

        @Option(help: "The most recent attempts to export, at most.")
        var limit: Int = 10_000

        func validate() throws {
            guard limit > 0 else { throw ValidationError("--limit must be positive.") }
        }

        func run() throws {
            let store = try options.existingStore()
            try filters.checkNames(root: options.root) { store }
            try EngineCommand.stoppingOnStoreError { try filters.checkStoredIDs(in: store, storePath: options.storePath) }
            let filter = filters.filter(limit: limit)
            switch format {
            case .jsonl:
                // A page at a time: an export of 270,000 attempts held them all (1.2 GB, QA).
                try EngineCommand.stoppingOnStoreError {
                    try store.forEachPage(ofAttemptsMatching: filter) { writeAttemptLines($0) }
                }
            case .har:
                // Bodies sent gzip-coded are decoded, masked with the workspace's secrets; kept as
                // received when the secrets cannot be read.
                let masker = (try? SecretStore.load(workspaceRoot: options.root)).map { SecretMasker(secretValues: Array($0.values)) }
                // Written a page at a time, as the JSON Lines are: one document, never held whole.
                var writer = AttemptHARWriter(
                    creatorVersion: HooklineVersion.current, reasonPhrase: AttemptRecord.reasonPhrase(of:),
                    decodedContent: masker.map { masker in { ResponseContentDecoder.decodedContent(of: $0, masker: masker) } }
                ) { print($0, terminator: "") }
                try EngineCommand.stoppingOnStoreError {
                    try store.forEachPage(ofAttemptsMatching: filter) { records in
                        writer.add(records)
                        return true
                    }
                }
                writer.finish()
            case .curl:
                var first = true
                try EngineCommand.stoppingOnStoreError {
                    try store.forEachPage(ofAttemptsMatching: filter) { records in
                        if first {
                            print("# Secrets are masked (\(SecretMasker.mask)): put them back before sending these by hand.")
                            first = false
                        }
                        printCurlCommands(records)
                        return true
                    }
                }
            }
        }

        /// Each attempt that sent a request as the `curl` command that sends it again, after a
        /// comment naming it and its outcome.
        private func printCurlCommands(_ records: [AttemptRecord]) {
            // A hold sent nothing: there is no command to give for it.
            for record in records where !record.isHold {
                guard let request = PreparedRequest(sentIn: record) else { continue }
                let outcome: String =
                    if case .failed(let errorClass, let message) = record.outcome { "\(errorClass): \(message)" }
                    else { "HTTP \(record.status ?? 0)" }
                // One comment line: a line break in an error message would start a shell command.
                let comment = "\(record.deliveryID) attempt \(record.attempt): \(outcome)".split(whereSeparator: \.isNewline)
                print("# " + comment.joined(separator: " "))
                print(request.curlCommand)
            }
        }
    }
}
