/// Where endpoint pauses are kept beyond one process (delivery.md §8.10): a pause survives a
/// restart, and lifting it in one process (`hookline resume --endpoint`) reaches an executor
/// already running in another.
public protocol EndpointPauseStore: Sendable {
    /// Endpoints (webhook ids) paused by their health, with the reason.
    func pausedEndpoints() throws -> [String: String]
    /// Records that `endpoint` is paused for `reason`, or no longer paused when nil.
    func setEndpointPause(_ endpoint: String, reason: String?) throws
}
