import Foundation
import Logging
import StudioModel
import Synchronization

/// Everything that runs a workspace live, wired together: store, feed, recorder, HTTP client
/// and executor. Commands build one, use it, and shut it down.
///
/// ```swift
/// let engine = try Engine(workspace: workspace, secrets: secrets, configuration: .init(storePath: path))
/// engine.executor.track(event)
/// await engine.shutdown()
/// ```
public final class Engine: Sendable {
    public struct Configuration: Sendable {
        /// Workflow delays run this many times faster. Default: 1.
        public var timeScale: Double = 1
        /// Path of the SQLite file; nil keeps state in memory.
        public var storePath: String?
        /// Attempts the traffic feed holds for a reader that drains it (the studio); 0 when
        /// nothing drains it (headless commands, which observe it instead). Default: 10,000.
        public var trafficBuffer: Int
        /// Opens the store for reading only (``SQLiteStateStore/init(path:readonly:)``), for an
        /// engine that runs nothing: the read-only studio, which shows what the workspace's
        /// executor stores. Such an engine writes nothing, not even at ``Engine/shutdown(grace:)``,
        /// so it works on a store this user may read but not write; it must not be resumed or
        /// sent from. With nothing stored at ``storePath`` yet (no file, or an empty one), it
        /// keeps an empty store in memory and leaves the file as it is. Default: false.
        public var readonly: Bool

        public init(timeScale: Double = 1, storePath: String? = nil, trafficBuffer: Int = 10_000, readonly: Bool = false) {
            self.timeScale = timeScale
            self.storePath = storePath
            self.trafficBuffer = trafficBuffer
            self.readonly = readonly
        }
    }

    public let store: any StateStore
    /// What the store does not take now (``StoreHealth``), shared by the executor's writers.
    public let storeHealth: StoreHealth
    public let feed: TrafficFeed
    public let recorder: AttemptRecorder
    public let client: DeliveryClient
    public let deliverer: Deliverer
    public let executor: Executor
    private let logger: Logger
    /// Held once this engine has resumed the store's journeys (see ``resume()``).
    private let lock = Mutex<ExecutorLock?>(nil)
    /// Where the lock file is; nil for an in-memory store, which needs none.
    private let lockPath: String?
    /// Whether the store was opened for reading only (``Configuration/readonly``).
    private let readonly: Bool

    public init(
        workspace: Workspace, secrets: [String: String], configuration: Configuration,
        logger: Logger = Logger(label: "hookline")
    ) throws {
        self.logger = logger
        var storePath = configuration.storePath
        var opened: SQLiteStateStore?
        do {
            opened = try storePath.map { try SQLiteStateStore(path: $0, readonly: configuration.readonly) }
        } catch let error as StoreError where configuration.readonly && error.isNothingStored {
            storePath = nil
        }
        store = try opened ?? SQLiteStateStore()
        readonly = configuration.readonly
        storeHealth = StoreHealth(store: storePath ?? "the in-memory store", logger: logger)
        feed = TrafficFeed(capacity: max(0, configuration.trafficBuffer))
        recorder = AttemptRecorder(store: store, feed: feed, health: storeHealth)
        var clientConfiguration = DeliveryClient.Configuration()
        clientConfiguration.connectTimeout = .milliseconds(Int64(workspace.settings.delivery.connectTimeout.seconds * 1000))
        clientConfiguration.timeout = .milliseconds(Int64(workspace.settings.delivery.timeout.seconds * 1000))
        clientConfiguration.connectionsPerHost = workspace.settings.delivery.maxInFlightPerHost
        client = DeliveryClient(
            configuration: clientConfiguration, networkPolicy: NetworkPolicy(settings: workspace.settings))
        let clock = ScaledClock(scale: configuration.timeScale)
        deliverer = Deliverer(
            client: client, recorder: recorder, clock: clock,
            limiter: ConcurrencyLimiter(
                total: workspace.settings.delivery.maxInFlight, perHost: workspace.settings.delivery.maxInFlightPerHost),
            logger: logger, pauses: store)
        executor = Executor(
            workspace: workspace, store: store, deliverer: deliverer, recorder: recorder, secrets: secrets,
            clock: clock, storeHealth: storeHealth, logger: logger)
        lockPath = storePath.map { $0 + ".executor-lock" }
    }

    /// The definitions the executor runs from (see ``apply(_:)``).
    public var workspace: Workspace { executor.workspace }

    /// The values of the workspace's secrets, for hiding them wherever they could be shown
    /// (the studio's editor); never for display.
    public var secretValues: [String] { Array(executor.secrets.values) }

    /// The names of the workspace's secrets, for telling which `{{secret.…}}` references are unset.
    public var secretNames: Set<String> { Set(executor.secrets.keys) }

    /// Runs from an edited workspace's workflows and webhooks from now on (``Executor/apply(_:)``);
    /// its settings take effect at the next start.
    /// - Returns: The running definitions kept because their file is broken.
    @discardableResult
    public func apply(_ workspace: Workspace) -> [KeptDefinition] {
        executor.apply(workspace)
    }

    /// Resumes what a stopped or killed executor left (``Executor/resume()``), unless another
    /// process runs an executor on the same store: then nil, and nothing is touched.
    /// - Parameter holder: What this process is (`hookline run welcome`), for the message of
    ///   another process that finds the workspace taken (``otherExecutor``).
    /// - Throws: ``StoreError`` when the store turned out damaged, or its file gone, while what
    ///   to resume was read (``storeProblem``): the executor is stopped, so that nothing is sent
    ///   that could not be recorded.
    public func resume(workflowIDs: Set<String>? = nil, holder: String = "hookline") throws -> Executor.ResumeSummary? {
        guard takeExecutorLock(as: holder) else { return nil }
        pruneExpiredRecords()
        let summary = executor.resume(workflowIDs: workflowIDs)
        if let storeProblem {
            executor.stop()
            throw storeProblem
        }
        return summary
    }

    /// Why what the executor writes from now on would be lost or wrong
    /// (``SQLiteStateStore/problem``): the store's file was removed or replaced, or SQLite found
    /// it damaged. Nil while the store is sound, and for an in-memory store.
    public var storeProblem: StoreError? { (store as? SQLiteStateStore)?.problem }

    /// Says who runs this engine's executor, for another process's message (``otherExecutor``):
    /// `hookline serve (pid 412), ingest API at http://127.0.0.1:7070`. Only once it holds the lock.
    public func describeExecutor(_ holder: String, _ detail: String) {
        lock.withLock { $0?.describe(Self.describing(holder) + ", " + detail) }
    }

    /// Who runs the executor on this workspace when another process does, as it described
    /// itself; nil when none does, or it said nothing.
    public var otherExecutor: String? {
        guard lock.withLock({ $0 == nil }), let lockPath else { return nil }
        return ExecutorLock.holder(at: lockPath)
    }

    /// `hookline serve (pid 412)`: `holder` and this process's id.
    private static func describing(_ holder: String) -> String {
        "\(holder) (pid \(ProcessInfo.processInfo.processIdentifier))"
    }

    /// Takes the workspace's executor lock, waiting up to a second for a process that is just
    /// exiting (or a child between fork and exec, which briefly shares the lock) to let go.
    private func takeExecutorLock(as holder: String) -> Bool {
        guard let lockPath else { return true }
        for attempt in 0..<20 {
            if lock.withLock({ $0 != nil }) { return true }
            if let taken = ExecutorLock(path: lockPath) {
                taken.describe(Self.describing(holder))
                lock.withLock { $0 = taken }
                return true
            }
            if attempt < 19 { usleep(50_000) }
        }
        return false
    }

    /// Drops what is older than the workspace's retention (30 days by default), and fails
    /// messages held for more than 14 days (delivery.md §8.10).
    private func pruneExpiredRecords() {
        let now = Date()
        do {
            let deleted = try store.prune(
                before: now.addingTimeInterval(-workspace.settings.delivery.retention.seconds),
                heldBefore: now.addingTimeInterval(-14 * 86_400))
            if deleted > 0 { logger.info("removed \(deleted) records older than the retention") }
        } catch {
            logger.error("could not prune old records: \(error)")
        }
    }

    /// Stops the executor, writes what is pending and closes connections.
    ///
    /// No step or attempt starts once it is called. Attempts in flight get `grace` to be
    /// answered; the connections are then closed, and an attempt cut short is recorded as
    /// stopped (not as its endpoint failing), its delivery left unsettled with its lease freed,
    /// for the next start to send again with the same `webhook-id`.
    /// - Parameter grace: How long attempts in flight may take to end. Default: none.
    /// - Returns: The attempts and journeys the store did not take (``StoreHealth/failures``
    ///   says why); 0 when everything was written.
    @discardableResult
    public func shutdown(grace: Duration = .zero) async -> Int {
        executor.halt()
        await deliverer.waitForAttemptsInFlight(upTo: grace)
        try? await client.shutdown()
        // Those cut short end at once; the limit only guards against one that does not.
        await deliverer.waitForAttemptsInFlight(upTo: .seconds(2))
        // A read-only engine sent nothing and holds no lease; a write would only fail.
        let unwritten = readonly ? 0 : executor.writePendingRecords()
        lock.withLock { $0 = nil }
        return unwritten
    }
}
