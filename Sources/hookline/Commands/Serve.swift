import ArgumentParser
import Foundation
import StudioEngine
import StudioModel

extension Hookline {
    struct Serve: AsyncParsableCommand {
        /// The secret whose value requests must send in `Api-Key`, when it is set.
        static let apiKeySecret = SecretsFile.ingestAPIKey

        static let configuration = CommandConfiguration(
            abstract: "Run the executor and the ingest API without the studio (a daemon).",
            discussion: """
                Resumes what a previous run left, then takes events over HTTP in Iterable's shape: \
                POST /api/events/track {email, eventName, dataFields, createdAt}, /api/events/trackBulk, \
                /api/workflows/triggerWorkflow {workflowId, email or listId, dataFields}, \
                /api/users/update {email, dataFields}, /api/users/bulkUpdate {users}, /api/lists/subscribe \
                and /api/lists/unsubscribe; GET /api/users/getByEmail?email= and /api/users/{email}. \
                With a secret named ingest_api_key, requests must send it in an Api-Key header (or an \
                api_key query parameter); without one, every request is accepted. Attempts are printed \
                as JSON lines. Workflow and webhook files changed on \
                disk are used from the next step on (a line on standard error says which); while a file \
                is broken, its last good definition keeps running. While the store cannot be written (a \
                full disk), nothing is sent: the work waits and goes on once it can. When the store \
                (.hookline/state.sqlite) is removed or found damaged while it runs, events are refused \
                (500 DatabaseError) and serve stops with exit 1, naming the file. SIGINT or SIGTERM \
                stops it, giving requests in flight 3 s to be answered; deliveries not settled by then \
                are resent by the next start.
                """)

        @OptionGroup(title: "Workspace Options") var options: WorkspaceOptions

        @Option(help: "Address to listen on; loopback only unless you mean it.")
        var host: String = "127.0.0.1"

        @Option(help: "Port to listen on; 0 picks a free one.")
        var port: Int = 7070

        @Option(help: "Run workflow delays and retries this many times faster.")
        var timeScale: Double = 1

        @Flag(help: "Do not print attempts.")
        var quiet = false

        func validate() throws {
            try validatePort(port)
            try validateTimeScale(timeScale)
        }

        /// Says why serve cannot listen and what to do; exit 1.
        private func cannotListen(_ error: ListenError) -> ExitCode {
            let advice = error.kind == .hostNotLocal ? "pick another --host" : "pick another --port (0 picks a free one)"
            printError("error: cannot listen on \(host):\(port): \(error.reason); \(advice)")
            return ExitCode.failure
        }

        func run() async throws {
            let secrets = try options.secrets()
            // The file refuses an empty value at its line; a variable set to "" would otherwise
            // make a key that an empty Api-Key header matches.
            if secrets[Self.apiKeySecret]?.isEmpty == true {
                printError(
                    "error: secret \(Self.apiKeySecret) is empty (\(SecretStore.environmentPrefix)\(Self.apiKeySecret)); "
                        + "set a key, or unset it to take requests without one")
                throw ExitCode.badInput
            }
            // Before loading: a change made meanwhile is then seen as one.
            let files = DefinitionFiles.scan(root: options.root)
            let engine = try EngineCommand.makeEngine(options, timeScale: timeScale, secrets: secrets)
            if !quiet { printAttemptLines(from: engine.feed) }
            // Before the resume, which sends: a serve that cannot listen sends nothing, so a
            // supervisor restarting it while the port is taken does not resend on every start.
            if port != 0 {
                do {
                    try await ListenCheck.check(host: host, port: port)
                } catch let error as ListenError {
                    await engine.shutdown()
                    throw cannotListen(error)
                }
            }
            // A second executor on the workspace would leave, if either crashed, journeys and
            // leases that neither resumes: serve runs only when it is the one.
            guard let summary = try await EngineCommand.resume(engine, holder: "hookline serve") else {
                let holder = EngineCommand.otherExecutor(engine)
                await engine.shutdown()
                printError(
                    "error: another executor runs on this workspace\(holder); stop it first (a studio opened beside serve "
                        + "edits and watches, and runs nothing)")
                throw ExitCode.failure
            }
            if summary.journeys + summary.deliveries + summary.leftForLater > 0 { printError(summary.description) }
            _ = EngineCommand.reportStoreErrors(of: summary, engine)
            let server: IngestServer
            do {
                server = try await IngestServer.start(engine: engine, host: host, port: port, apiKeySecret: Self.apiKeySecret)
            } catch let error as ListenError {
                // Taken since the check: what resume started stops cleanly, and the next start
                // picks it up again.
                await engine.shutdown()
                throw cannotListen(error)
            }
            engine.describeExecutor("hookline serve", EngineCommand.ingestAPIPrefix + server.baseURL)
            // Said at once, so that a key set under a name serve does not read is noticed before a
            // client is refused or, worse, let in.
            let keyNote =
                engine.executor.secrets[Self.apiKeySecret] == nil
                    ? "no \(Self.apiKeySecret) secret, so requests need no Api-Key"
                    : "requests must send the \(Self.apiKeySecret) secret in an Api-Key header"
            printError("listening on \(server.baseURL) (\(keyNote))")
            // A store removed (`git clean -fdX`, the workspace deleted) or found damaged while
            // serving can never keep what is sent again: its writes are refused (500
            // DatabaseError), and serve stops with exit 1, for a supervisor to start it again on a
            // new store, rather than refuse every event from now on.
            let watcher = WorkspaceWatcher(root: options.root, since: files, store: { engine.storeProblem })
            await waitForTerminationSignal { stop in
                engine.follow(
                    watcher, workspaceRoot: options.root, report: { printError($0) },
                    storeLost: { problem in
                        printError("error: \(problem); serve stops, so that no event is answered as stored that is not")
                        stop()
                    })
            }
            watcher.stop()
            let problem = engine.storeProblem
            printError("stopping")
            await server.shutdown()
            let unwritten = await engine.shutdown(grace: EngineCommand.stopGrace)
            await EngineCommand.drainStandardOutput()
            // A store that is gone was said above; what it did not take can never be resumed from it.
            if problem != nil { throw ExitCode.failure }
            if unwritten > 0 {
                EngineCommand.reportStoreFailures(engine.storeHealth.failures)
                throw ExitCode.failure
            }
        }
    }
}
