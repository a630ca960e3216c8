import Foundation
import StudioModel
import Synchronization

/// A steady stream of demo events: a random demo user does something that starts a workflow,
/// every `interval`, until stopped.
// @unchecked because of `timer`: Dispatch sources are thread-safe but not marked Sendable.
public final class DemoEventStream: @unchecked Sendable {
    private let timer: any DispatchSourceTimer
    private let generator = Mutex(SplitMix64(seed: 7))

    /// - Parameters:
    ///   - emails: Users to pick from.
    ///   - eventNames: Events to pick from (the demo workflows' triggers).
    ///   - interval: Time between events. Default: 50 ms.
    public init(
        executor: Executor, emails: [String], eventNames: [String], interval: DispatchTimeInterval = .milliseconds(50)
    ) {
        timer = DispatchSource.makeTimerSource(queue: DispatchQueue(label: "hookline.demo-events"))
        guard !emails.isEmpty, !eventNames.isEmpty else { return }
        timer.schedule(deadline: .now(), repeating: interval)
        timer.setEventHandler { @Sendable [weak self] in
            guard let self else { return }
            let (email, name) = generator.withLock { random in (random.pick(emails), random.pick(eventNames)) }
            // One the store refuses is dropped: the next comes an interval later.
            try? executor.track(TrackedEvent(email: email, name: name, dataFields: JSONObject([("source", "demo")])))
        }
    }

    public func start() { timer.resume() }

    public func stop() { timer.cancel() }
}
