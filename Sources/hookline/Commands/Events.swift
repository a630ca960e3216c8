import ArgumentParser
import Foundation
import StudioEngine
import StudioModel

extension Hookline {
    struct Events: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Send events into the workspace's workflows.", subcommands: [Track.self])

        struct Track: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Track one event and run the journeys it starts until they end (headless).",
                discussion: """
                    Like Iterable's events/track: the event is stored with the journeys it starts, \
                    then they run here, attempts printed as JSON lines, until every one has ended. When \
                    a studio or `hookline serve` already runs this workspace, send the event to it \
                    instead (POST /api/events/track): two executors must not share a workspace.
                    """)

            @OptionGroup(title: "Workspace Options") var options: WorkspaceOptions

            @Option(help: "The user's email address.")
            var email: String

            @Option(name: .customLong("event"), help: "The event name, e.g. signup.")
            var eventName: String

            @Option(help: "The event's dataFields as a JSON object, or @FILE to read it from a file.")
            var data: String?

            @Option(help: "Run workflow delays and retries this many times faster.")
            var timeScale: Double = 1

            func validate() throws {
                try validateTimeScale(timeScale)
                if let refusal = EmailAddress.refusal(of: email) {
                    throw ValidationError("\(refusal); please give the user's address to --email.")
                }
                // As the ingest API refuses one (eventName is required): an event nothing can start on.
                if eventName.trimmingCharacters(in: .whitespaces).isEmpty {
                    throw ValidationError("Please give the event's name to --event, e.g. signup.")
                }
            }

            func run() async throws {
                let dataFields = try readDataFields()
                let secrets = try options.secrets()
                let engine = try EngineCommand.makeEngine(options, timeScale: timeScale, secrets: secrets)
                let signals = TerminationSignals.catching()
                // Only the workflows this event starts go on: another workflow's users asleep in a
                // delay are neither waited for nor woken early.
                let started = Set(engine.workspace.workflows.filter { $0.start == .event(eventName) }.map(\.id))
                guard
                    let summary = try await EngineCommand.resume(
                        engine, workflowIDs: started, holder: "hookline events track")
                else {
                    let holder = engine.otherExecutor
                    await engine.shutdown()
                    let advice =
                        if let holder, let range = holder.range(of: EngineCommand.ingestAPIPrefix) {
                            "send the event to it: POST \(holder[range.upperBound...])/api/events/track"
                                + (secrets[Serve.apiKeySecret] == nil ? "" : " with the secret \(Serve.apiKeySecret) in an Api-Key header")
                        } else {
                            "stop it, or run hookline serve on this workspace and POST the event to its /api/events/track"
                        }
                    printError("error: another executor runs on this workspace\(EngineCommand.naming(holder)); \(advice)")
                    throw ExitCode.failure
                }
                if summary.leftForLater > 0 { printError(summary.description) }
                let readAll = EngineCommand.reportStoreErrors(of: summary, engine)
                printAttemptLines(from: engine.feed)
                do {
                    try engine.executor.track(
                        TrackedEvent(email: EmailAddress.normalized(email), name: eventName, dataFields: dataFields))
                } catch {
                    await engine.shutdown()
                    printError("error: the event was not stored, so it started nothing: \(error)")
                    throw error is EventFieldTypeConflict ? ExitCode.badInput : ExitCode.failure
                }
                let stats = try await EngineCommand.runToEnd(engine, signals: signals)
                if !stats.allDelivered || !readAll { throw ExitCode.failure }
            }

            private func readDataFields() throws -> JSONObject {
                guard let data else { return JSONObject() }
                // A file is bad input, reported at FILE:LINE:COL as `preview --event` does.
                if data.hasPrefix("@") { return try readJSONObjectFile(String(data.dropFirst())) }
                do {
                    guard let object = try JSONValue.parse(data).objectValue else {
                        throw ValidationError("--data must be a JSON object.")
                    }
                    return object
                } catch let error as ValidationError {
                    throw error
                } catch {
                    throw ValidationError("--data is not valid JSON: \(error)")
                }
            }
        }
    }
}
