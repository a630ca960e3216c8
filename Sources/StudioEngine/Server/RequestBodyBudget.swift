import Hummingbird
import NIOCore
import Synchronization

/// The request-body bytes a server holds at once, over all its connections. A body is read only
/// while the budget has room for what it may take (its declared length, or the server's whole
/// limit for a chunked one), so that many clients each sending a large body slowly cannot make
/// the server hold more than ``capacity`` bytes of bodies; a request that finds no room is
/// answered 503 with `Retry-After` (``retryAfterSeconds``) and may be sent again.
///
/// A body can stay counted while it is used (``collect(_:upTo:whileHeld:)``): the ingest API's
/// bodies wait, parsed, for the store's one writer, and must not pile up there uncounted.
///
/// ```swift
/// let budget = RequestBodyBudget(capacity: 64 << 20)
/// guard let body = try await budget.collect(request, upTo: 4 << 20) else { return busy }
/// ```
final class RequestBodyBudget: Sendable {
    /// What a server holds of bodies at most: 16 of the ingest API's largest (4 MiB) at once.
    static let defaultCapacity = 64 << 20
    /// The wait a 503 for a full budget asks for.
    static let retryAfterSeconds = 1

    let capacity: Int
    private let reserved = Mutex(0)

    init(capacity: Int = RequestBodyBudget.defaultCapacity) {
        self.capacity = capacity
    }

    /// The body of `request`, up to `limit` bytes, read while its size is counted against the
    /// budget; nil, with nothing read, when the budget has no room for it now.
    /// - Throws: What collecting throws: `NIOTooManyBytesError` over `limit`, a broken chunked framing.
    func collect(_ request: Request, upTo limit: Int) async throws -> ByteBuffer? {
        try await collect(request, upTo: limit) { $0 }
    }

    /// What `use` makes of the body of `request` (``collect(_:upTo:)``), its size counted until
    /// `use` returns; nil, with nothing read and `use` not run, when the budget has no room for it now.
    /// - Throws: What collecting throws (``collect(_:upTo:)``).
    func collect<Result: Sendable>(
        _ request: Request, upTo limit: Int, whileHeld use: (ByteBuffer) async -> Result
    ) async throws -> Result? {
        let declared = request.headers[.contentLength].flatMap(Int.init)
        let bytes = min(declared ?? limit, limit)
        guard bytes > 0 else { return await use(try await request.body.collect(upTo: limit)) }
        let taken = reserved.withLock { reserved in
            guard reserved + bytes <= capacity else { return false }
            reserved += bytes
            return true
        }
        guard taken else { return nil }
        defer { reserved.withLock { $0 -= bytes } }
        return await use(try await request.body.collect(upTo: limit))
    }
}
