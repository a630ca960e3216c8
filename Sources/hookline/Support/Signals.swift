import Dispatch
import Foundation
import Synchronization

/// Returns when the process gets SIGINT or SIGTERM, or once the function handed to `stopping`
/// is called (from any thread): the command has another reason to stop.
func waitForTerminationSignal(or stopping: (_ stop: @escaping @Sendable () -> Void) -> Void = { _ in }) async {
    await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
        let once = OnceFlag()
        let stop: @Sendable () -> Void = { if once.claim() { continuation.resume() } }
        installTerminationSources(stop)
        stopping(stop)
    }
}

/// Created in a nonisolated function with `@Sendable` handlers: a handler inferred as main-actor
/// isolated would crash when Dispatch runs it on its own queue (spike.md §5 P1).
private func installTerminationSources(_ fire: @escaping @Sendable () -> Void) {
    let queue = DispatchQueue(label: "hookline.signals")
    for number in [SIGINT, SIGTERM] {
        signal(number, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
        source.setEventHandler { @Sendable in fire() }
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

private final class OnceFlag: Sendable {
    private let fired = Atomic<Bool>(false)
    func claim() -> Bool { !fired.exchange(true, ordering: .relaxed) }
}
