import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle
import Synchronization

/// A Hummingbird application running in its own service group, with the port it bound: the
/// embedded receiver and the ingest API both run this way, inside a command's process.
struct RunningServer: Sendable {
    let port: Int
    private let group: ServiceGroup
    private let task: Task<Void, any Error>

    /// Starts the application `makeApplication` builds and returns once its port is bound.
    /// - Parameter makeApplication: Builds the application, passing it the `onServerRunning`
    ///   callback that reports the bound port.
    /// - Throws: ``ListenError`` when the address cannot be bound (in use, not allowed, not
    ///   this machine's).
    static func start(
        logger: Logger,
        _ makeApplication: (_ onServerRunning: @escaping @Sendable (any Channel) async -> Void) -> any Service
    ) async throws -> RunningServer {
        let bound = BoundPort()
        let app = makeApplication { channel in bound.resolve(.success(channel.localAddress?.port ?? 0)) }
        let group = ServiceGroup(configuration: .init(services: [app], gracefulShutdownSignals: [], logger: logger))
        let task = Task {
            do {
                try await group.run()
            } catch {
                bound.resolve(.failure(ListenError(error) ?? error))
                throw error
            }
        }
        return RunningServer(port: try await bound.value(), group: group, task: task)
    }

    /// Stops accepting requests, lets those in progress finish, and returns when stopped.
    func shutdown() async {
        await group.triggerGracefulShutdown()
        _ = await task.result
    }
}

/// The port a starting server bound, handed from its run task to the caller once.
private final class BoundPort: Sendable {
    private let state = Mutex<(result: Result<Int, any Error>?, waiter: CheckedContinuation<Int, any Error>?)>((nil, nil))

    func resolve(_ result: Result<Int, any Error>) {
        let waiter = state.withLock { state -> CheckedContinuation<Int, any Error>? in
            guard state.result == nil else { return nil }
            state.result = result
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume(with: result)
    }

    func value() async throws -> Int {
        try await withCheckedThrowingContinuation { continuation in
            let ready = state.withLock { state -> Result<Int, any Error>? in
                if let result = state.result { return result }
                state.waiter = continuation
                return nil
            }
            if let ready { continuation.resume(with: ready) }
        }
    }
}

