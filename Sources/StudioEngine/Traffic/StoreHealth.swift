import Foundation
import Logging
import StudioModel
import Synchronization

/// What the executor cannot write to its store now (a full disk, a lock held for longer than the
/// busy timeout), told by the writers that keep those records and try them again.
///
/// Each writer keeps what failed and tries again after ``StoreRetryBackoff``'s wait; nothing is
/// dropped. A run of failures is logged once, when it starts, and once when a write succeeds
/// again, however many tries it takes. Headless commands stop on the first failure
/// (``onFailure(_:)``); a daemon waits for the store.
public final class StoreHealth: Sendable {
    /// The records one writer keeps.
    public enum Records: Sendable, CaseIterable {
        case outbox, attempts, journeys
        /// Profile and list writes of journey steps (Update Profile, Update User Profile's
        /// answer, Add to List…): their journeys wait at the step meanwhile.
        case profiles

        /// `12 outbox deliveries`, `1 attempt`.
        func counted(_ count: Int) -> String {
            switch self {
            case .outbox: StudioModel.counted(count, "outbox delivery", "outbox deliveries")
            case .attempts: StudioModel.counted(count, "attempt")
            case .journeys: StudioModel.counted(count, "journey")
            case .profiles: StudioModel.counted(count, "profile or list change")
            }
        }

        /// What waits while the store does not take these records.
        public var whileFailing: String {
            switch self {
            case .outbox: "nothing more is sent until they are stored"
            case .profiles: "their journeys wait at that step until it takes them"
            case .attempts, .journeys: "they are kept until it takes them"
            }
        }
    }

    /// A writer whose records the store does not take.
    public struct Failure: Sendable, CustomStringConvertible {
        public var records: Records
        /// How many of them are waiting to be written.
        public var count: Int
        /// The store's error, as it said it.
        public var error: String
        /// When the first write of this run of failures failed.
        public var since: Date
        /// The store as messages name it.
        var store: String

        /// `could not store 12 outbox deliveries in /w/.hookline/state.sqlite: SQLite error 13: …`
        public var description: String { "could not store \(records.counted(count)) in \(store): \(error)" }
    }

    private struct State {
        var failing: [Records: Failure] = [:]
        var observers: [@Sendable (Failure) -> Void] = []
    }

    /// The store, as messages name it: its path, or "the in-memory store".
    public let store: String
    private let logger: Logger
    private let state = Mutex(State())

    public init(store: String = "the store", logger: Logger = Logger(label: "hookline.store")) {
        self.store = store
        self.logger = logger
    }

    /// The writers failing now, with what each keeps; empty when every write went through.
    public var failures: [Failure] {
        state.withLock { state in Records.allCases.compactMap { state.failing[$0] } }
    }

    /// Calls `handler` when a writer's run of failures starts, on the writer's thread.
    public func onFailure(_ handler: @escaping @Sendable (Failure) -> Void) {
        state.withLock { $0.observers.append(handler) }
    }

    /// A write of `count` records failed with `error`; they are tried again in `retryIn` seconds.
    func failed(_ records: Records, count: Int, error: any Error, retryIn: Double) {
        let (started, observers) = state.withLock { state -> (Failure?, [@Sendable (Failure) -> Void]) in
            if var failure = state.failing[records] {
                failure.count = count
                failure.error = "\(error)"
                state.failing[records] = failure
                return (nil, [])
            }
            let failure = Failure(records: records, count: count, error: "\(error)", since: Date(), store: store)
            state.failing[records] = failure
            return (failure, state.observers)
        }
        guard let started else { return }
        let longest = Int(StoreRetryBackoff.longest)
        logger.error("\(started); \(records.whileFailing): trying again in \(Int(retryIn)) s, then every \(longest) s at most")
        for observer in observers { observer(started) }
    }

    /// A write of `records` went through: a run of failures, if there was one, is over.
    func recovered(_ records: Records, count: Int) {
        guard let failure = state.withLock({ $0.failing.removeValue(forKey: records) }) else { return }
        logger.notice(
            "stored \(records.counted(count)) in \(store), which failed since \(failure.since.formatted(.iso8601))")
    }
}

/// The wait before a failed store write is tried again: 1 s, doubling to 30 s for as long as the
/// store keeps failing; the first write that succeeds starts it over.
struct StoreRetryBackoff: Sendable {
    /// The first wait, in seconds.
    static let first: Double = 1
    /// The longest wait, in seconds.
    static let longest: Double = 30

    /// Failed writes in a row.
    private(set) var failures = 0

    var isFailing: Bool { failures > 0 }

    /// Counts a failed write; returns the seconds to wait before the next try.
    mutating func failed() -> Double {
        failures += 1
        return min(Self.first * Double(1 << min(failures - 1, 16)), Self.longest)
    }

    /// Counts a write that went through; returns whether it ends a run of failures.
    mutating func succeeded() -> Bool {
        defer { failures = 0 }
        return failures > 0
    }
}
