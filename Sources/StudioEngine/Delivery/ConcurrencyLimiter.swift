import Synchronization

/// Bounds how many attempts run at once, in total and per host, admitting waiters in FIFO order.
///
/// A slow or failing host fills only its own share of slots, so other hosts keep flowing
/// (delivery.md §8.10).
///
/// ```swift
/// let limiter = ConcurrencyLimiter(total: 64, perHost: 8)
/// try await limiter.withPermit(host: "api.lob.com") { try await send() }
/// ```
public final class ConcurrencyLimiter: Sendable {
    private struct Waiter {
        var host: String
        var continuation: CheckedContinuation<Void, Never>
    }

    private struct State {
        var total = 0
        var perHost: [String: Int] = [:]
        var waiters: [Waiter] = []
    }

    /// Attempts in flight across all hosts.
    public let totalLimit: Int
    /// Attempts in flight to one host.
    public let perHostLimit: Int
    private let state = Mutex(State())

    public init(total: Int, perHost: Int) {
        totalLimit = max(1, total)
        perHostLimit = max(1, perHost)
    }

    /// Runs `body` once a permit for `host` is free, and frees it afterwards.
    public func withPermit<T: Sendable>(host: String, _ body: () async throws -> T) async rethrows -> T {
        await acquire(host: host)
        defer { release(host: host) }
        return try await body()
    }

    /// How many attempts to `host` are in flight now.
    public func inFlight(host: String) -> Int { state.withLock { $0.perHost[host] ?? 0 } }

    /// How many callers wait for a permit to `host` now.
    public func waiting(host: String) -> Int { state.withLock { $0.waiters.count { $0.host == host } } }

    private func acquire(host: String) async {
        // A free permit is taken without a continuation.
        let admitted = state.withLock { state -> Bool in
            guard canAdmit(host, in: state) else { return false }
            admit(host, in: &state)
            return true
        }
        if admitted { return }
        await withCheckedContinuation { continuation in
            let admitted = state.withLock { state -> Bool in
                guard canAdmit(host, in: state) else {
                    state.waiters.append(Waiter(host: host, continuation: continuation))
                    return false
                }
                admit(host, in: &state)
                return true
            }
            if admitted { continuation.resume() }
        }
    }

    private func release(host: String) {
        let ready = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.total -= 1
            state.perHost[host, default: 1] -= 1
            if state.perHost[host] == 0 { state.perHost[host] = nil }
            var ready: [CheckedContinuation<Void, Never>] = []
            var index = 0
            while index < state.waiters.count, state.total < totalLimit {
                let waiter = state.waiters[index]
                if canAdmit(waiter.host, in: state) {
                    admit(waiter.host, in: &state)
                    ready.append(waiter.continuation)
                    state.waiters.remove(at: index)
                } else {
                    index += 1
                }
            }
            return ready
        }
        for continuation in ready { continuation.resume() }
    }

    private func canAdmit(_ host: String, in state: State) -> Bool {
        state.total < totalLimit && (state.perHost[host] ?? 0) < perHostLimit
    }

    private func admit(_ host: String, in state: inout State) {
        state.total += 1
        state.perHost[host, default: 0] += 1
    }
}
