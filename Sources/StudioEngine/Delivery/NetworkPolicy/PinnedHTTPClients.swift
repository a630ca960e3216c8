import AsyncHTTPClient
import NIOCore
import NIOSSL
import Synchronization

/// HTTP clients that can only reach the address the policy checked (delivery.md §5.1, §8.8).
///
/// AsyncHTTPClient's `dnsOverride` is per client, so each (host, checked address) pair gets
/// its own client whose override maps the host to that address. The `Host` header, SNI and
/// certificate validation keep the host name; the socket goes to the pinned address and
/// nowhere else, so DNS rebinding between the check and the connect has no effect. An endpoint
/// with its own CA (``TrustRoots``) gets clients of its own, so no other endpoint's request
/// ever trusts that CA, nor that endpoint's requests the system's. Clients are cached (least
/// recently used first out, at most ``Configuration/maximumClients`` idle ones) and share the
/// process-wide event loop group.
///
/// ```swift
/// let target = try await policy.resolveAndCheck(url: request.url)
/// let response = try await pinned.withClient(for: target) { client in
///     try await client.execute(HTTPClientRequest(url: target.url), timeout: .seconds(15))
/// }
/// ```
public final class PinnedHTTPClients: Sendable {
    /// Pool settings for every client; the defaults match ``DeliveryClient``.
    public struct Configuration: Sendable {
        /// Connect timeout. Default: 5 s.
        public var connectTimeout: TimeAmount = .seconds(5)
        /// Connections per host. Default: 64.
        public var connectionsPerHost: Int = 64
        /// Clients kept alive for reuse; clients in use are never evicted. Default: 64.
        public var maximumClients: Int = 64
        /// TLS settings (e.g. a custom CA). Default: nil, AsyncHTTPClient's verifying defaults.
        public var tlsConfiguration: TLSConfiguration?

        public init() {}
    }

    /// The error thrown when a client is asked for after ``shutdown()``.
    public struct ShutDownError: Error, Sendable, CustomStringConvertible {
        public var description: String { "the pinned HTTP clients were shut down" }
    }

    private struct Key: Hashable {
        var overrideKey: String
        var address: IPAddress
        /// Part of the key, so endpoints with different CAs never share a client.
        var trustRoots: TrustRoots?
    }

    private struct Entry {
        var client: HTTPClient
        var leases: Int
        var lastUsed: UInt64
    }

    private struct State {
        var entries: [Key: Entry] = [:]
        var tick: UInt64 = 0
        var isShutDown = false
        var closing: [UInt64: Task<Void, Never>] = [:]
    }

    public let configuration: Configuration
    private let state = Mutex(State())

    /// Makes an empty cache.
    public init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
    }

    /// Runs `body` with a cache that is shut down afterwards, whatever happens.
    public static func withClients<T: Sendable>(
        configuration: Configuration = Configuration(), _ body: (PinnedHTTPClients) async throws -> T
    ) async throws -> T {
        let clients = PinnedHTTPClients(configuration: configuration)
        do {
            let result = try await body(clients)
            try await clients.shutdown()
            return result
        } catch {
            try? await clients.shutdown()
            throw error
        }
    }

    /// Runs `body` with a client pinned to `target.address` for `target.host`.
    ///
    /// The client stays alive until `body` returns, so read the response body inside it.
    /// - Parameter trustRoots: The CAs the server's certificate must chain to instead of the
    ///   system's; verification stays full. Default: nil, the configured TLS settings.
    /// - warning: Use the client only for `target.url`: a request to any other host would be
    ///   resolved normally, without the pin.
    /// - Throws: ``ShutDownError`` after ``shutdown()``, or whatever `body` throws.
    public func withClient<T>(
        for target: PinnedTarget, trustRoots: TrustRoots? = nil, isolation: isolated (any Actor)? = #isolation,
        _ body: (HTTPClient) async throws -> T
    ) async throws -> T {
        let key = Key(overrideKey: target.overrideKey, address: target.address, trustRoots: trustRoots)
        let client = try lease(key)
        defer { release(key) }
        return try await body(client)
    }

    /// How many clients are alive, in use or idle.
    public var clientCount: Int {
        state.withLock { $0.entries.count }
    }

    /// Shuts every client down and refuses new leases. Waits for clients evicted earlier.
    public func shutdown() async throws {
        let (clients, closing) = state.withLock { state -> ([HTTPClient], [Task<Void, Never>]) in
            state.isShutDown = true
            defer {
                state.entries = [:]
                state.closing = [:]
            }
            return (state.entries.values.map(\.client), Array(state.closing.values))
        }
        var firstError: (any Error)?
        for client in clients {
            do { try await client.shutdown() } catch { firstError = firstError ?? error }
        }
        for task in closing { await task.value }
        if let firstError { throw firstError }
    }

    // MARK: - Leases

    private func lease(_ key: Key) throws -> HTTPClient {
        try state.withLock { state throws -> HTTPClient in
            guard !state.isShutDown else { throw ShutDownError() }
            state.tick += 1
            if var entry = state.entries[key] {
                entry.leases += 1
                entry.lastUsed = state.tick
                state.entries[key] = entry
                return entry.client
            }
            let client = makeClient(for: key)
            state.entries[key] = Entry(client: client, leases: 1, lastUsed: state.tick)
            evictIdle(&state)
            return client
        }
    }

    private func release(_ key: Key) {
        state.withLock { state in
            guard var entry = state.entries[key] else { return }
            entry.leases -= 1
            state.entries[key] = entry
            evictIdle(&state)
        }
    }

    /// Drops least recently used idle clients while there are more than the maximum.
    private func evictIdle(_ state: inout State) {
        while state.entries.count > max(configuration.maximumClients, 0) {
            let idle = state.entries.filter { $0.value.leases <= 0 }
            guard let oldest = idle.min(by: { $0.value.lastUsed < $1.value.lastUsed }) else { return }
            state.entries[oldest.key] = nil
            let client = oldest.value.client
            let id = state.tick
            state.tick += 1
            // Shutting down is async; `shutdown()` waits for these tasks.
            state.closing[id] = Task { [weak self] in
                try? await client.shutdown()
                self?.state.withLock { _ = $0.closing.removeValue(forKey: id) }
            }
        }
    }

    private func makeClient(for key: Key) -> HTTPClient {
        var http = HTTPClient.Configuration()
        http.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = configuration.connectionsPerHost
        http.timeout.connect = configuration.connectTimeout
        // Redirects are recorded, never followed (delivery.md §8.4); a hop would escape the pin.
        http.redirectConfiguration = .disallow
        http.decompression = .disabled
        // HTTP/1.1 only, as the plain-HTTP path: the request the studio, previews, logs and HAR
        // exports show as HTTP/1.1 text is the one on the wire, not an HTTP/2 rewrite of it.
        http.httpVersion = .http1Only
        // Hookline bootstraps no tracer; without this the no-op span still parses each request's URL again.
        http.tracing.tracer = nil
        // A refused connect fails the attempt at once; the retry schedule decides what happens next.
        http.connectionPool.retryConnectionEstablishment = false
        http.tlsConfiguration = Self.tlsConfiguration(configuration.tlsConfiguration, trusting: key.trustRoots)
        http.dnsOverride = [key.overrideKey: key.address.description]
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: http)
    }

    /// `base` with `roots` as its only trust anchors; `base` itself without roots.
    static func tlsConfiguration(_ base: TLSConfiguration?, trusting roots: TrustRoots?) -> TLSConfiguration? {
        guard let roots else { return base }
        var tls = base ?? .makeClientConfiguration()
        tls.trustRoots = .certificates(roots.certificates)
        tls.additionalTrustRoots = []
        // A custom CA replaces whom to trust, never whether to check (delivery.md §9 row 20).
        tls.certificateVerification = .fullVerification
        return tls
    }
}
