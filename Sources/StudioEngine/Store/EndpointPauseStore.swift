import Foundation

/// Where endpoint pauses and host holds are kept beyond one process (delivery.md §8.5, §8.10):
/// a pause, and a 429's hold on its host, survive a restart, and lifting a pause in one process
/// (`hookline resume --endpoint`) reaches an executor already running in another.
public protocol EndpointPauseStore: Sendable {
    /// Endpoints (webhook ids) paused by their health, with the reason.
    func pausedEndpoints() throws -> [String: String]
    /// Records that `endpoint` is paused for `reason`, or no longer paused when nil.
    func setEndpointPause(_ endpoint: String, reason: String?) throws
    /// Hosts (`host:port`) held after a 429 whose hold ends after `now`, with that instant.
    func hostHolds(after now: Date) throws -> [String: Date]
    /// Records that nothing is sent to `host` before `until` (a later hold already stored stays),
    /// forgetting the holds that ended.
    func setHostHold(_ host: String, until: Date) throws
}
