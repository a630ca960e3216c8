import StudioEngine
import StudioModel

/// Follows the attempts another process stores: `hookline watch`, and a read-only studio.
enum StoredAttemptFollower {
    /// Hands `deliver` the attempts stored after `id` that match `filter`, as they come, until the
    /// task is cancelled or `isCurrent` says the store is no longer the one to follow. A read that
    /// fails (the database busy for a moment) is tried again a second later rather than ending the follow.
    static func follow(
        _ store: any StateStore, filter: AttemptFilter, after id: Int64,
        while isCurrent: @Sendable () -> Bool = { true }, _ deliver: @Sendable ([AttemptRecord]) -> Void
    ) async {
        var filter = filter
        filter.afterID = id
        while !Task.isCancelled, isCurrent() {
            let new: [AttemptRecord]
            do { new = try store.attempts(matching: filter) } catch {
                try? await Task.sleep(for: .seconds(1))
                continue
            }
            if let newest = new.last?.id { filter.afterID = newest }
            if !new.isEmpty { deliver(new) }
            // A full page means more is waiting; otherwise look a few times a second.
            if new.count < filter.limit { try? await Task.sleep(for: .milliseconds(250)) }
        }
    }
}
