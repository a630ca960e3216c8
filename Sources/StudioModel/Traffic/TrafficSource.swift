/// Where the studio reads live attempts from. The engine's feed implements it; readers on any
/// thread drain batches and are woken when more arrive.
public protocol TrafficSource: AnyObject, Sendable {
    /// Records published since the last drain, oldest first, and how many were dropped because
    /// the reader fell behind.
    func drain() -> TrafficBatch

    /// Registers the one reader's wake-up; it is called from any thread when records are waiting,
    /// at most once per batch window (50 ms).
    func onAvailable(_ wake: @escaping @Sendable () -> Void)
}

public struct TrafficBatch: Sendable {
    public var records: [AttemptRecord]
    public var dropped: Int

    public init(records: [AttemptRecord] = [], dropped: Int = 0) {
        self.records = records
        self.dropped = dropped
    }
}
