import ArgumentParser
import StudioEngine
import StudioModel

/// Building the engine of a workspace for a headless command.
enum EngineCommand {
    /// Loads the workspace (exit 65 on errors, or when the folder is not a workspace) and its secrets, unless given, and opens its store.
    static func makeEngine(
        _ options: WorkspaceOptions, timeScale: Double, secrets: [String: String]? = nil
    ) throws -> Engine {
        try options.requireWorkspace()
        let workspace = WorkspaceLoader.load(from: options.root)
        // A bad file is reported and left out; the rest of the workspace runs (DESIGN §3), and
        // what refers to the broken definitions waits in the store for a later resume.
        if report(workspace.diagnostics.filter { $0.severity == .error }, root: options.root) {
            printError("the files above are left out until they load; the rest of the workspace runs")
        }
        let secrets = try secrets ?? options.secrets()
        // Headless commands print attempts as they are published; nothing drains the feed's buffer.
        return try openingStore {
            try Engine(
                workspace: workspace, secrets: secrets,
                configuration: .init(timeScale: timeScale, storePath: options.storePath, trafficBuffer: 0))
        }
    }

    /// Runs `open`, which opens the workspace's store (an engine, or the store alone); a store
    /// that cannot be used (``StoreError``: damaged, from a newer version, not writable…) stops
    /// the command with exit 1, saying why and what to do. Warns when the store was an empty file.
    static func openingStore<Opened>(_ open: () throws -> Opened) throws -> Opened {
        let opened = try stoppingOnStoreError(open)
        let store = (opened as? SQLiteStateStore) ?? ((opened as? Engine)?.store as? SQLiteStateStore)
        if let store, store.wasEmptyFile, let path = store.path {
            // SQLite takes an empty file for an empty database; it is most often one cut short.
            printError(
                "warning: \(path) was an empty file (0 bytes), so it is a new store now: what it held was lost before")
        }
        return opened
    }

    /// Runs `body`; a ``StoreError`` it throws (the store damaged, from a newer version, not
    /// writable…) stops the command with exit 1, after saying why and what to do.
    static func stoppingOnStoreError<Result>(_ body: () throws -> Result) throws -> Result {
        do {
            return try body()
        } catch let error as StoreError {
            printError("error: \(error)")
            throw ExitCode.failure
        }
    }

    /// Resumes what a previous executor left, saying so on standard error; when another executor
    /// holds the workspace, warns that its journeys are left to it.
    /// - Parameter workflowIDs: Resume only these workflows' journeys and deliveries.
    /// - Returns: Whether everything stored could be read: false when the store failed, which
    ///   was said (the command then ends with exit 1).
    /// - Throws: Exit 1 when the store turned out damaged (``resume(_:workflowIDs:holder:)``).
    static func resumeOrWarn(_ engine: Engine, workflowIDs: Set<String>? = nil, holder: String) async throws -> Bool {
        guard let summary = try await resume(engine, workflowIDs: workflowIDs, holder: holder) else {
            printError("warning: another executor runs on this workspace\(otherExecutor(engine)); its unfinished journeys are left to it")
            return true
        }
        if summary.journeys + summary.deliveries + summary.leftForLater > 0 {
            printError(summary.description)
        }
        return reportStoreErrors(of: summary, engine)
    }

    /// Says on standard error what a resume could not read from the store; returns whether it read everything.
    static func reportStoreErrors(of summary: Executor.ResumeSummary, _ engine: Engine) -> Bool {
        for error in summary.storeErrors {
            printError("error: \(engine.storeHealth.store): \(error); what it holds is left for hookline resume")
        }
        return summary.storeErrors.isEmpty
    }

    /// How long attempts in flight may take to be answered when a command stops early (a
    /// signal, a store that cannot be written): 3 s. Those still waiting then are cut short and
    /// sent again by the next start.
    static let stopGrace: Duration = .seconds(3)

    /// How a headless command's work ended.
    private enum Ending {
        /// Nothing is left to do.
        case finished
        /// SIGINT or SIGTERM.
        case signal(Int32)
        /// A store write failed: nothing more may be sent.
        case storeFailed(StoreHealth.Failure)
    }

    /// Waits until the executor has nothing left to do, then shuts the engine down and prints
    /// the counts. A termination signal stops it early: no step or attempt starts any more,
    /// attempts in flight get ``stopGrace`` to be answered, leases are freed, and it exits with
    /// 128 + the signal (130 for SIGINT, 143 for SIGTERM). So does a store that does not take a
    /// write (a full disk), with exit 1: nothing is sent whose outbox row is not stored, so a
    /// headless command says what is wrong rather than wait for it. Either way `hookline resume`
    /// finishes the rest.
    /// - Returns: The executor's counts, when it finished.
    /// - Throws: `ExitCode` when it stopped early, records could not be written, or the store
    ///   turned out damaged or its file gone while it ran.
    static func runToEnd(_ engine: Engine, signals: TerminationSignals) async throws -> ExecutorStats {
        let ending = await firstEnding(engine, signals: signals)
        var grace = stopGrace
        if case .finished = ending { grace = .zero }
        let unwritten = await engine.shutdown(grace: grace)
        await drainStandardOutput()
        let stats = engine.executor.stats
        printError(stats.summary)
        var failures = unwritten > 0 ? engine.storeHealth.failures : []
        switch ending {
        case .signal(let number):
            for failure in failures { printError("error: \(failure)") }
            printError("stopped; hookline resume finishes the rest")
            throw ExitCode(128 + number)
        case .storeFailed(let first):
            failures.removeAll { $0.records == first.records }
            failures.insert(first, at: 0)
        case .finished:
            guard unwritten > 0 else {
                try checkStore(of: engine)
                return stats
            }
        }
        reportStoreFailures(failures)
        throw ExitCode.failure
    }

    /// Waits for the attempt lines queued for standard output, saying on standard error when a
    /// reader that stopped reading leaves some unwritten.
    static func drainStandardOutput() async {
        let unwritten = await StandardOutput.drain()
        noteClosedAttemptLines()
        guard unwritten > 0, !StandardOutput.isClosed else { return }
        printError(
            "hookline: \(unwritten) lines were not written: standard output was not read for 5 s; the attempts are stored (hookline logs shows them)")
    }

    /// Says on standard error what the store did not take, and what to do about it.
    static func reportStoreFailures(_ failures: [StoreHealth.Failure]) {
        for failure in failures { printError("error: \(failure)") }
        printError(
            "stopped: what is not stored is not sent. Once the store can be written again (space freed on its disk, "
                + "or what holds its lock ended), hookline resume finishes the rest")
    }

    /// Whichever comes first: nothing left to do, a termination signal, a failed store write.
    private static func firstEnding(_ engine: Engine, signals: TerminationSignals) async -> Ending {
        let (endings, continuation) = AsyncStream.makeStream(of: Ending.self)
        engine.storeHealth.onFailure { continuation.yield(.storeFailed($0)) }
        if let failure = engine.storeHealth.failures.first { continuation.yield(.storeFailed(failure)) }
        // The losers of the race wait on; the process ends after this command.
        Task {
            await engine.executor.waitUntilIdle()
            continuation.yield(.finished)
        }
        Task {
            let number = await signals.first()
            printError("stopping")
            continuation.yield(.signal(number))
        }
        for await ending in endings { return ending }
        return .finished
    }

    /// ``Engine/resume(workflowIDs:holder:)``: nil when another executor holds the workspace.
    /// - Throws: Exit 1, after shutting the engine down and saying why, when the store turned out
    ///   damaged or its file gone while what to resume was read.
    static func resume(_ engine: Engine, workflowIDs: Set<String>? = nil, holder: String) async throws
        -> Executor.ResumeSummary?
    {
        do {
            return try engine.resume(workflowIDs: workflowIDs, holder: holder)
        } catch {
            await engine.shutdown()
            printError("error: \(error)")
            throw ExitCode.failure
        }
    }

    /// Throws exit 1, after saying why, when the engine's store turned out damaged or its file
    /// gone while the command ran: what it recorded is not all there.
    private static func checkStore(of engine: Engine) throws {
        guard let problem = engine.storeProblem else { return }
        printError("error: \(problem)")
        throw ExitCode.failure
    }

    /// Runs `check` of the command line against the engine's workspace; when it throws, shuts
    /// `engine` down before passing the error on.
    static func shuttingDown(_ engine: Engine, ifThrows check: () throws -> Void) async throws {
        do {
            try check()
        } catch {
            await engine.shutdown()
            throw error
        }
    }

    /// How serve describes its ingest API in the executor lock, and how `events track` finds it there.
    static let ingestAPIPrefix = "ingest API at "

    /// `: hookline serve (pid 412), ingest API at …`: who runs the workspace's executor, for a
    /// message; empty when it is not known.
    static func otherExecutor(_ engine: Engine) -> String {
        naming(engine.otherExecutor)
    }

    /// `: hookline serve (pid 412), …` for a holder that described itself, else empty.
    static func naming(_ holder: String?) -> String {
        holder.map { ": \($0)" } ?? ""
    }
}
