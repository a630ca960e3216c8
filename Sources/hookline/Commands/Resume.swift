import ArgumentParser
import Foundation
import StudioEngine
import StudioModel

extension Hookline {
    struct Resume: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Finish what a stopped or killed executor left, then exit.",
            discussion: """
                Continues every unfinished journey from its stored step and resends every unsettled \
                delivery with its original webhook-id at its stored next attempt time. Attempts are \
                printed as JSON lines, as `hookline run` prints them.
                """)

        @OptionGroup(title: "Workspace Options") var options: WorkspaceOptions

        @Option(help: "Run the delays and retries that start here this many times faster; stored waits are kept.")
        var timeScale: Double = 1

        @Option(help: "Also send the deliveries held while this webhook's endpoint was paused.")
        var endpoint: String?

        func validate() throws {
            try validateTimeScale(timeScale)
        }

        func run() async throws {
            let engine = try EngineCommand.makeEngine(options, timeScale: timeScale)
            let signals = TerminationSignals.catching()
            if let endpoint {
                try await EngineCommand.shuttingDown(engine) { try options.deliveryWebhook(endpoint, in: engine.workspace) }
            }
            printAttemptLines(from: engine.feed)
            // The workspace's executor lock first: beside a running executor nothing is sent,
            // held deliveries included.
            guard let summary = try await EngineCommand.resume(engine, holder: "hookline resume") else {
                printError(
                    "error: another executor runs on this workspace (\(options.storePath))\(EngineCommand.otherExecutor(engine)); nothing resumed")
                await engine.shutdown()
                await EngineCommand.drainStandardOutput()
                throw ExitCode.failure
            }
            printError(summary.description)
            var readAll = EngineCommand.reportStoreErrors(of: summary, engine)
            if let endpoint {
                // Sent by the executor with the rest, so a signal stops them as it stops the rest.
                do {
                    let held = try engine.executor.releaseHeld(endpoint)
                    printError("endpoint \(endpoint) resumed: \(counted(held, "held delivery", "held deliveries")) to send")
                } catch {
                    printError("error: \(engine.storeHealth.store): \(error); the held deliveries of \(endpoint) stay held")
                    readAll = false
                }
            }
            let stats = try await EngineCommand.runToEnd(engine, signals: signals)
            if !stats.allDelivered || !readAll { throw ExitCode.failure }
        }
    }

    struct Replay: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Send settled deliveries again: the same webhook-id and user data, the webhook as it is now.",
            discussion: """
                Give delivery ids, or filters to replay every match (oldest first, a few at a time). \
                Each replay is one attempt with a new timestamp and signature; a failed replay is not \
                retried. Attempts are printed as JSON lines.
                """)

        @OptionGroup(title: "Workspace Options") var options: WorkspaceOptions

        @Argument(help: "Delivery ids (msg_…).")
        var ids: [String] = []

        @Option(help: "Only deliveries of this webhook.")
        var webhook: String?

        @Option(help: "Only deliveries with this status: succeeded, failed, held or cancelled.")
        var status: [String] = []

        @Option(help: "Only deliveries created within this long before now, e.g. 2h or 3d (at most 14d).")
        var since: String?

        @Option(help: "Replays at once.")
        var parallel: Int = 8

        func validate() throws {
            let hasFilters = webhook != nil || !status.isEmpty || since != nil
            if ids.isEmpty && !hasFilters {
                throw ValidationError(
                    "Please give the delivery ids to replay (msg_…) or filters to choose them (--webhook, --status, --since).")
            }
            if !ids.isEmpty && hasFilters {
                throw ValidationError("Please give delivery ids or filters (--webhook, --status, --since), not both.")
            }
            for value in status {
                guard let parsed = OutboxDelivery.Status(rawValue: value), parsed.isSettled else {
                    throw ValidationError("'\(value)' is not a settled status: succeeded, failed, held or cancelled.")
                }
            }
            if let since {
                guard let duration = WorkflowDuration(parsing: since), duration.seconds <= 14 * 86_400 else {
                    throw ValidationError("--since takes a duration up to 14d, like 30m, 2h or 3d.")
                }
            }
        }

        func run() async throws {
            let engine = try EngineCommand.makeEngine(options, timeScale: 1)
            let storePath = options.storePath
            try await EngineCommand.shuttingDown(engine) {
                if let webhook { try options.deliveryWebhook(webhook, in: engine.workspace) }
                // Before any is sent: a mistyped id is the command line's mistake, as a webhook name is.
                if let usage = try unknownDeliveries(ids, in: engine.store, place: storePath) { throw usage }
            }
            printAttemptLines(from: engine.feed)
            var summary = Executor.ReplaySummary()
            // Ids of deliveries still underway, test sends and the like: said one by one, not counted as replayed.
            var refused = 0
            if ids.isEmpty {
                let filter = DeliveryFilter(
                    webhookID: webhook, statuses: Set(status.compactMap(OutboxDelivery.Status.init(rawValue:))),
                    since: since.flatMap(WorkflowDuration.init(parsing:)).map { Date().addingTimeInterval(-$0.seconds) })
                summary = try await engine.executor.replay(matching: filter, maxInFlight: max(1, parallel))
            } else {
                for id in ids {
                    do {
                        if try await engine.executor.replay(deliveryID: id) { summary.succeeded += 1 } else { summary.failed += 1 }
                    } catch {
                        printError("error: \(error)")
                        refused += 1
                    }
                }
            }
            await engine.executor.waitUntilIdle()
            printError("replayed \(summary.succeeded + summary.failed): \(summary.succeeded) succeeded, \(summary.failed) failed")
            await engine.shutdown()
            await EngineCommand.drainStandardOutput()
            if summary.failed > 0 || refused > 0 { throw ExitCode.failure }
        }
    }

    struct Cancel: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Cancel the scheduled retries of deliveries: no further attempts.")

        @OptionGroup(title: "Workspace Options") var options: WorkspaceOptions

        @Argument(help: "Delivery ids (msg_…).")
        var ids: [String]

        func run() async throws {
            let engine = try EngineCommand.makeEngine(options, timeScale: 1)
            let storePath = options.storePath
            // Before any is cancelled: a mistyped id is the command line's mistake, as a webhook name is.
            try await EngineCommand.shuttingDown(engine) {
                if let usage = try unknownDeliveries(ids, in: engine.store, place: storePath) { throw usage }
            }
            var notCancelled = 0
            for id in ids {
                if engine.executor.cancel(deliveryID: id) {
                    print("\(id) cancelled")
                } else {
                    let isTestSend = (try? engine.store.delivery(id: id)) == nil
                    printError("\(id): \(isTestSend ? "a test send, which has no retries to cancel" : "already settled")")
                    notCancelled += 1
                }
            }
            await engine.shutdown()
            if notCancelled > 0 { throw ExitCode.failure }
        }
    }
}
