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

        @Option(help: "A file of email addresses, one per line ('-' reads standard input).", completion: .file())
        var users: String?

        @Option(help: "Run for the members of this static list (a workflow that starts from a list uses its own).")
        var list: String?

        @Flag(help: "Run for every user in the store.")
        var all = false

        @Option(help: "Run workflow delays this many times faster.")
        var timeScale: Double = 1

        /// Users read and started at a time.
        static let batch = 10_000

        func validate() throws {
            try validateTimeScale(timeScale)
            if [users != nil, list != nil, all].filter({ $0 }).count > 1 {
                throw ValidationError("Please give only one of --users FILE, --list NAME and --all.")
            }
        }

        func run() async throws {
            // Opened first, so that a missing file stops the run before anything starts.
            let addresses: AddressListReader?
            do { addresses = try users.map { try AddressListReader(path: $0) } } catch { throw Self.exitError(for: error) }
            let engine = try EngineCommand.makeEngine(options, timeScale: timeScale)
            // From here on, Ctrl+C stops the run cleanly instead of ending the process mid-request.
            let signals = TerminationSignals.catching()
            let workspace = engine.workspace
            let definition = try options.workflow(workflow, in: workspace)
            var members = list
            if addresses == nil, members == nil, !all {
                guard case .list(let name) = definition.start else {
                    throw ValidationError(
                        "Please give --users FILE, --list NAME or --all: workflow '\(workflow)' starts on \(definition.start.summary).")
                }
                members = name
            }
            if let members, try engine.store.listMembers(members, after: nil, limit: 1).isEmpty {
                // A list exists while it has members, so a typo and an empty list look the same.
                if list != nil {
                    throw unknownName(
                        "list", members, in: options.storePath, known: try engine.store.listNames(),
                        adding: "lists fill from the ingest API's /api/lists/subscribe and from Add to list steps")
                }
                printError("note: list '\(members)' has no members yet, so no journey starts")
            }
            printAttemptLines(from: engine.feed)
            // What a stopped or killed run of this workflow left is finished too (DESIGN §6); other
            // workflows' journeys are left for `hookline resume`: a run must not wait out their
            // delays, nor run their next ones at its own time scale.
            let resumedAll = try await EngineCommand.resumeOrWarn(
                engine, workflowIDs: [workflow], holder: "hookline run \(workflow)")
            // The start is all or nothing: when the list cannot be read or the journeys stored,
            // none starts; what was resumed still runs to the end, then the error is shown.
            var startError: (any Error)?
            do { try startJourneys(on: engine, reading: addresses, members: members) } catch { startError = error }
            let asleep = Task { await Self.sayWhenAllAreAsleep(engine.executor) }
            defer { asleep.cancel() }
            let stats = try await EngineCommand.runToEnd(engine, signals: signals)
            if let startError { throw Self.exitError(for: startError) }
            if !stats.allDelivered || !resumedAll { throw ExitCode.failure }
        }

        /// A list that cannot be read (missing, a folder, a line that is not an address) is bad
        /// input (65), said on standard error with where; so is any error of the start (the
        /// store's), with exit 1. Either way no journey of this run was started.
        private static func exitError(for error: any Error) -> any Error {
            guard let error = error as? AddressListReader.ReadError else {
                printError("error: no journey was started: \(error)")
                return ExitCode.failure
            }
            printError("error: \(error)")
            printError("no journey was started: fix the list and run again")
            return ExitCode.badInput
        }

        /// Says once, on standard error, when nothing is left to do but wait for journeys asleep in
        /// a delay or until a retry: a run of a workflow with a two-day delay would otherwise wait
        /// two days in silence.
        private static func sayWhenAllAreAsleep(_ executor: Executor) async {
            while !Task.isCancelled {
                try? await Task.sleep(for: .seconds(1))
                let stats = executor.stats
                let sleepers = executor.sleepers
                guard sleepers.count > 0, stats.deliveriesInFlight == 0, stats.journeysPending == 0,
                    stats.journeysActive == sleepers.count
                else { continue }
                let wake = sleepers.nextWake.map { ", the first wakes at \($0.formatted(.iso8601))" } ?? ""
                let why =
                    switch sleepers.retrying {
                    case 0: "asleep in a delay"
                    case sleepers.count: "waiting to retry a webhook"
                    default: "asleep in a delay or waiting to retry a webhook"
                    }
                printError(
                    "\(counted(sleepers.count, "journey")) \(why)\(wake); they go on here, or stop with Ctrl+C and "
                        + "hookline resume finishes them later")
                return
            }
        }

        /// Starts the workflow for the users of a file, the members of a list, or every stored user,
        /// all in one transaction, built a batch at a time: the executor keeps queued journeys in
        /// the store, so a million users are never in memory at once. Throws when a batch cannot
        /// be read or the journeys stored; then none was started. A list on standard input is read
        /// inside that transaction, so the store's other writers wait for it to end.
        private func startJourneys(on engine: Engine, reading addresses: AddressListReader?, members list: String?) throws {
            let audience: Executor.Audience =
                if let addresses { .batches { try addresses.next(upTo: Self.batch) } } else { .stored(list: list) }
            try engine.executor.startCounting(workflowID: workflow, for: audience, pageSize: Self.batch)
        }
    }
}
