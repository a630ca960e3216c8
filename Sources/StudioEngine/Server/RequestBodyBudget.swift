import Hummingbird
import NIOCore
import Synchronization

/// The request-body bytes a server holds at once, over all its connections. Each part of a body
/// is counted as it arrives, and the whole body given back once it is used, refused or cut off,
/// so that many clients each sending a large body slowly cannot make the server hold more than
/// ``capacity`` bytes of bodies, while a body declared and not sent costs nothing. A request
/// whose next part finds no room is answered 503 with `Retry-After` (``retryAfterSeconds``) and
/// may be sent again; a request with no body is never refused.
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
    private let held = Mutex(0)

    init(capacity: Int = RequestBodyBudget.defaultCapacity) {
        self.capacity = capacity
    }

    /// The bytes of bodies counted now.
    var heldBytes: Int { held.withLock { $0 } }

    /// The body of `request`, up to `limit` bytes, each part counted against the budget as it
    /// arrives and all given back on return; nil, with what was read of it dropped, when the
    /// budget has no room for a part.
    /// - Throws: What reading throws: `NIOTooManyBytesError` over `limit`, a broken chunked
    ///   framing, a connection closed before the body's end.
    func collect(_ request: Request, upTo limit: Int) async throws -> ByteBuffer? {
        try await collect(request, upTo: limit) { $0 }
    }

    /// What `use` makes of the body of `request` (``collect(_:upTo:)``), its size counted until
    /// `use` returns; nil, with `use` not run, when the budget has no room for a part.
    /// - Throws: What reading throws (``collect(_:upTo:)``).
    func collect<Result: Sendable>(
        _ request: Request, upTo limit: Int, whileHeld use: (ByteBuffer) async -> Result
    ) async throws -> Result? {
        var taken = 0
        defer { if taken > 0 { held.withLock { $0 -= taken } } }
        var body = ByteBuffer()
        for try await part in request.body {
            let bytes = part.readableBytes
            guard taken + bytes <= limit else { throw NIOTooManyBytesError(maxBytes: limit) }
            let fits = held.withLock { held in
                guard held + bytes <= capacity else { return false }
                held += bytes
                return true
            }
            guard fits else { return nil }
            taken += bytes
            body.writeImmutableBuffer(part)
        }
        return await use(body)
    }
}
