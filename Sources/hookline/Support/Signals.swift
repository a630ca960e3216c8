import Dispatch
import Foundation
import Synchronization

/// SIGINT and SIGTERM, caught from ``catching()`` on instead of ending the process, so that a
/// command stops cleanly: it finishes or records what is in flight and says what is left.
final class TerminationSignals: Sendable {
    private struct State {
        var received: Int32?
        var waiters: [CheckedContinuation<Int32, Never>] = []
    }

    private let state = Mutex(State())

    private init() {}

    /// Catches SIGINT and SIGTERM from now on.
    static func catching() -> TerminationSignals {
        let signals = TerminationSignals()
        installTerminationSources { signals.receive($0) }
        return signals
    }

    /// The first signal caught, once one is; it waits for one.
    func first() async -> Int32 {
        await withCheckedContinuation { continuation in
            let received = state.withLock { state -> Int32? in
                if let received = state.received { return received }
                state.waiters.append(continuation)
                return nil
            }
            if let received { continuation.resume(returning: received) }
        }
    }

    /// Ends ``first()`` with `number`, unless a signal did before: 0 for a stop of the command's own.
    fileprivate func receive(_ number: Int32) {
        let waiters = state.withLock { state -> [CheckedContinuation<Int32, Never>] in
            guard state.received == nil else { return [] }
            state.received = number
            defer { state.waiters = [] }
            return state.waiters
        }
        for waiter in waiters { waiter.resume(returning: number) }
    }
}

/// Returns when the process gets SIGINT or SIGTERM, or once the function handed to `stopping`
/// is called (from any thread): the command has another reason to stop.
func waitForTerminationSignal(or stopping: (_ stop: @escaping @Sendable () -> Void) -> Void = { _ in }) async {
    let signals = TerminationSignals.catching()
    stopping { signals.receive(0) }
    _ = await signals.first()
}

/// Created in a nonisolated function with `@Sendable` handlers: a handler inferred as main-actor
/// isolated would crash when Dispatch runs it on its own queue (spike.md §5 P1).
private func installTerminationSources(_ fire: @escaping @Sendable (Int32) -> Void) {
    let queue = DispatchQueue(label: "hookline.signals")
    for number in [SIGINT, SIGTERM] {
        signal(number, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
        source.setEventHandler { @Sendable in fire(number) }
        source.resume()
        SignalSources.keep(source)
    }
}

/// Keeps signal sources alive for the life of the process.
// @unchecked because Dispatch sources are thread-safe but not marked Sendable; the lock guards the array.
private final class SignalSources: @unchecked Sendable {
    private static let shared = SignalSources()
    private let lock = NSLock()
    private var sources: [any DispatchSourceSignal] = []

    static func keep(_ source: any DispatchSourceSignal) {
        shared.lock.withLock { shared.sources.append(source) }
    }
}

