import Dispatch
import Glibc
import Synchronization

/// Turns SIGTERM, SIGHUP and SIGINT into a flag the UI loop polls, so the terminal is restored on
/// the UI thread instead of inside a signal handler (tui.md P11).
///
/// Must be created before `newterm`: ignoring the signals first stops ncurses from installing its
/// own handlers, which would exit without restoring our state.
final class SignalWatcher {
    static let signals: [Int32] = [SIGTERM, SIGHUP, SIGINT]

    private let received = SignalFlag()
    private let sources: [any DispatchSourceSignal]
    private let queue = DispatchQueue(label: "hookline.studio.signals")
    private let previous: [Int32: sigaction]

    init(wake: WakePipe) {
        var previous: [Int32: sigaction] = [:]
        for signal in Self.signals {
            var old = sigaction()
            var ignore = sigaction()
            ignore.__sigaction_handler.sa_handler = SIG_IGN
            sigemptyset(&ignore.sa_mask)
            sigaction(signal, &ignore, &old)
            previous[signal] = old
        }
        self.previous = previous
        sources = Self.makeSources(queue: queue, received: received, wake: wake)
    }

    // Built in a nonisolated static func with @Sendable closures: a handler closure that inherits
    // main-actor isolation traps with SIGILL when Dispatch runs it (spike.md §5 P1).
    private static func makeSources(
        queue: DispatchQueue, received: SignalFlag, wake: WakePipe
    ) -> [any DispatchSourceSignal] {
        signals.map { signal in
            let source = DispatchSource.makeSignalSource(signal: signal, queue: queue)
            source.setEventHandler { @Sendable in
                received.value.store(signal, ordering: .releasing)
                wake.wake()
            }
            source.resume()
            return source
        }
    }

    /// The first signal received since the last call, or nil.
    func take() -> Int32? {
        let value = received.value.exchange(0, ordering: .acquiringAndReleasing)
        return value == 0 ? nil : value
    }

    /// Cancels the sources and puts back the previous dispositions.
    func stop() {
        for source in sources { source.cancel() }
        for (signal, old) in previous {
            var action = old
            sigaction(signal, &action, nil)
        }
    }
}

/// The last signal seen, shared between the Dispatch handler and the UI loop.
final class SignalFlag: Sendable {
    let value = Atomic<Int32>(0)
}
