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

        @Option(help: "Only attempts of this webhook.")
        var webhook: String?

        @Option(help: "Only attempts of this workflow.")
        var workflow: String?

        @Option(help: "Only attempts of this delivery (msg_…).")
        var delivery: String?

        @Option(help: "Only attempts for this user's email.")
        var user: String?

        @Option(help: "Only attempts with this outcome: a status (503), a class (5xx), ok or failed.")
        var status: String?

        @Option(help: "Only attempts started within this long before now, e.g. 30m, 2h, 3d.")
        var since: String?

        @Option(help: "The most recent attempts to export, at most.")
        var limit: Int = 10_000

        func validate() throws {
            if let status, AttemptFilter.Outcome(status) == nil {
                throw ValidationError("--status takes a status (503), a class (5xx), ok or failed.")
            }
            if let since, WorkflowDuration(parsing: since) == nil {
                throw ValidationError("--since takes a duration like 30m, 2h or 3d.")
            }
            guard limit > 0 else { throw ValidationError("--limit must be positive.") }
        }

        func run() throws {
            guard FileManager.default.fileExists(atPath: options.storePath) else {
                printError("error: no store at \(options.storePath): nothing has run in this workspace yet")
                throw ExitCode.failure
            }
            let store = try SQLiteStateStore(path: options.storePath)
            let filter = AttemptFilter(
                webhookID: webhook, workflowID: workflow, deliveryID: delivery, userEmail: user,
                outcome: status.flatMap(AttemptFilter.Outcome.init), since: since.flatMap(WorkflowDuration.init(parsing:))
                    .map { Date().addingTimeInterval(-$0.seconds) }, limit: limit)
            let records = try store.attempts(matching: filter)
            switch format {
            case .jsonl:
                var out: [UInt8] = []
                for record in records {
                    AttemptJSON.appendJSONLine(record, to: &out)
                    out.append(UInt8(ascii: "\n"))
                }
                FileHandle.standardOutput.write(Data(out))
            case .har:
                print(AttemptHAR.document(for: records, creatorVersion: HooklineVersion.current).prettyJSONText)
            case .curl:
                for record in records {
                    guard let method = HTTPMethod(rawValue: record.method) else { continue }
                    let request = PreparedRequest(
                        method: method, url: record.url, headers: record.requestHeaders, body: record.requestBody,
                        secretValues: [], deliveryID: record.deliveryID)
                    let outcome: String =
                        if case .failed(let errorClass, let message) = record.outcome { "\(errorClass): \(message)" }
                        else { "HTTP \(record.status ?? 0)" }
                    print("# \(record.deliveryID) attempt \(record.attempt): \(outcome)")
                    print(request.curlCommand)
                }
            }
        }
    }
}
