import Dispatch
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Resolves names with the system's `getaddrinfo`, asking for both A and AAAA records.
///
/// `getaddrinfo` blocks, so each lookup runs on a Dispatch worker thread, never on the
/// caller's executor. It cannot be interrupted: on timeout or cancellation the caller gets an
/// error at once and the late answer is dropped.
public struct SystemResolver: AddressResolver {
    /// The error a failed lookup throws.
    public struct LookupError: Error, Sendable, Hashable, CustomStringConvertible {
        /// What went wrong, e.g. "Name or service not known" or "timed out after 5 s".
        public let message: String
        /// Makes an error with `message`.
        public init(message: String) { self.message = message }
        public var description: String { message }
    }

    /// How long a lookup may take. Default: 5 s.
    public var timeout: Duration

    /// Makes a resolver.
    /// - Parameter timeout: How long a lookup may take. Default: 5 s.
    public init(timeout: Duration = .seconds(5)) {
        self.timeout = timeout
    }

    public func addresses(of host: String) async throws -> [IPAddress] {
        let once = OnceContinuation()
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<[IPAddress], any Error>) in
                once.set(continuation)
                DispatchQueue.global(qos: .utility).async {
                    once.resume(with: Self.lookUp(host))
                }
                let (seconds, attoseconds) = timeout.components
                let nanoseconds = Int(clamping: seconds) &* 1_000_000_000 &+ Int(attoseconds / 1_000_000_000)
                DispatchQueue.global().asyncAfter(deadline: .now() + .nanoseconds(max(0, nanoseconds))) {
                    once.resume(with: .failure(LookupError(message: "timed out after \(timeout)")))
                }
            }
        } onCancel: {
            once.resume(with: .failure(CancellationError()))
        }
    }

    /// Runs `getaddrinfo` for stream sockets of any family and reads each address once.
    static func lookUp(_ host: String) -> Result<[IPAddress], any Error> {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        #if canImport(Glibc) || canImport(Musl)
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        #else
        hints.ai_socktype = SOCK_STREAM
        #endif
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, nil, &hints, &list)
        guard status == 0 else {
            let text = gai_strerror(status).map { String(cString: $0) } ?? "error \(status)"
            return .failure(LookupError(message: text))
        }
        defer { freeaddrinfo(list) }
        var addresses: [IPAddress] = []
        var node = list
        while let entry = node?.pointee {
            if let address = entry.ai_addr.flatMap(Self.address(of:)), !addresses.contains(address) {
                addresses.append(address)
            }
            node = entry.ai_next
        }
        return .success(addresses)
    }

    private static func address(of socketAddress: UnsafeMutablePointer<sockaddr>) -> IPAddress? {
        switch Int32(socketAddress.pointee.sa_family) {
        case AF_INET:
            return socketAddress.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { pointer in
                .v4(UInt32(bigEndian: pointer.pointee.sin_addr.s_addr))
            }
        case AF_INET6:
            return socketAddress.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { pointer in
                var bytes = pointer.pointee.sin6_addr
                let value = withUnsafeBytes(of: &bytes) { raw in
                    raw.reduce(UInt128(0)) { ($0 << 8) | UInt128($1) }
                }
                return .v6(value)
            }
        default:
            return nil
        }
    }
}

/// A continuation that the first of several racing callers resumes; later calls do nothing.
private final class OnceContinuation: Sendable {
    private let state = Mutex<(continuation: CheckedContinuation<[IPAddress], any Error>?, early: Result<[IPAddress], any Error>?)>((nil, nil))

    func set(_ continuation: CheckedContinuation<[IPAddress], any Error>) {
        let early = state.withLock { state -> Result<[IPAddress], any Error>? in
            if let early = state.early { return early }
            state.continuation = continuation
            return nil
        }
        if let early { continuation.resume(with: early) }
    }

    func resume(with result: Result<[IPAddress], any Error>) {
        let continuation = state.withLock { state -> CheckedContinuation<[IPAddress], any Error>? in
            guard state.early == nil else { return nil }
            state.early = result
            defer { state.continuation = nil }
            return state.continuation
        }
        continuation?.resume(with: result)
    }
}
