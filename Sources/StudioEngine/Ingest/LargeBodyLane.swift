/// Large bodies (bulk imports) are parsed and stored one at a time, so that they never hold every
/// thread of the pool the ingest API's store work runs on: a small event waits for the bulk being
/// written, not for every bulk queued before it (QA: 16 queued 4 MiB `trackBulk`s kept a single
/// `track` waiting 19–30 s).
///
/// ```swift
/// let lane = LargeBodyLane()
/// let response = await lane.run(bodyBytes: buffer.readableBytes) { await store(buffer) }
/// ```
struct LargeBodyLane: Sendable {
    /// The size from which a body takes the lane: a `trackBulk` of some hundreds of events.
    static let threshold = 256 << 10

    private let gate = ConcurrencyLimiter(total: 1, perHost: 1)

    /// What `work` gives, run at once for a body under ``threshold`` bytes and after the large
    /// bodies before it otherwise.
    func run<Result: Sendable>(bodyBytes: Int, _ work: () async -> Result) async -> Result {
        guard bodyBytes >= Self.threshold else { return await work() }
        return await gate.withPermit(host: "large bodies", work)
    }
}
