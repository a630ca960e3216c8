import ArgumentParser
import Foundation
import StudioEngine
import StudioModel

extension Hookline {
    struct Run: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run a workflow headless and print every attempt as a JSON line.")

        @OptionGroup(title: "Workspace Options") var options: WorkspaceOptions

        @Argument(help: "The workflow id.")
        var workflow: String

        @Option(help: "A file of email addresses, one per line.", completion: .file())
        var users: String?

        @Flag(help: "Run for every user in the store.")
        var all = false

        @Option(help: "Run workflow delays this many times faster.")
        var timeScale: Double = 1

        func validate() throws {
            if (users == nil) == !all { throw ValidationError("Please give either --users FILE or --all.") }
        }

        func run() async throws {
            let engine = try EngineCommand.makeEngine(options, timeScale: timeScale)
            let workspace = engine.workspace
            guard workspace.workflow(id: workflow) != nil else {
                let hint = nearestName(to: workflow, in: workspace.workflows.map(\.id)).map { " Did you mean '\($0)'?" } ?? ""
                throw ValidationError("No workflow '\(workflow)' in \(options.root.path).\(hint)")
            }
            printAttemptLines(from: engine.feed)
            // What a stopped or killed run left is finished too (DESIGN §6).
            EngineCommand.resumeOrWarn(engine)
            if let users {
                let emails = try String(contentsOfFile: users, encoding: .utf8)
                    .split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
                    .filter { !$0.isEmpty && !$0.hasPrefix("#") }
                engine.executor.start(workflowID: workflow, emails: emails)
            } else {
                // Page by page: the executor keeps queued journeys in the store, so a million
                // users never need to be in memory at once.
                var after: String?
                while true {
                    let page = try engine.store.userEmails(after: after, limit: 10_000)
                    guard let last = page.last else { break }
                    engine.executor.start(workflowID: workflow, emails: page)
                    after = last
                }
            }
            await engine.executor.waitUntilIdle()
            let stats = engine.executor.stats
            await engine.shutdown()
            printError("\(stats.journeysFinished) journeys, \(stats.attempts) attempts, \(stats.failures) failed")
            if stats.failures > 0 { throw ExitCode.failure }
        }
    }
}
