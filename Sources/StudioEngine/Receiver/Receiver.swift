import Foundation
import Hummingbird
import Logging
import ServiceLifecycle
import StudioModel
import Synchronization

/// The embedded HTTP receiver: a local endpoint on 127.0.0.1 that logs what it gets and answers
/// like the services the demo workspace calls.
///
/// - `GET …?email=ADDRESS` answers a JSON profile (for Update User Profile nodes);
/// - `… /status/NNN` answers status NNN;
/// - anything else answers 200 with `{"id": "rcv_N", "received": BYTES}` (204 for DELETE).
///
/// ```swift
/// let receiver = try await Receiver.start()
/// print(receiver.baseURL)          // http://127.0.0.1:41234
/// await receiver.shutdown()
/// ```
public final class Receiver: Sendable {
    public let port: Int
    public let host: String
    private let group: ServiceGroup
    private let task: Task<Void, any Error>

    public var baseURL: String { "http://\(host):\(port)" }

    private init(port: Int, host: String, group: ServiceGroup, task: Task<Void, any Error>) {
        self.port = port
        self.host = host
        self.group = group
        self.task = task
    }

    /// Starts listening; returns once the port is bound.
    /// - Parameters:
    ///   - port: 0 picks a free port. Default: 0.
    ///   - onRequest: Called for every request after it was answered.
    public static func start(
        host: String = "127.0.0.1", port: Int = 0, onRequest: (@Sendable (ReceivedRequest) -> Void)? = nil
    ) async throws -> Receiver {
        let counter = RequestCounter()
        let responder = CallbackResponder<BasicRequestContext> { request, _ in
            try await respond(to: request, counter: counter, onRequest: onRequest)
        }
        let bound = BoundPort()
        var logger = Logger(label: "hookline.receiver")
        logger.logLevel = .critical
        let app = Application(
            responder: responder,
            configuration: .init(address: .hostname(host, port: port), serverName: "hookline-receiver"),
            onServerRunning: { channel in bound.resolve(.success(channel.localAddress?.port ?? port)) },
            logger: logger)
        let group = ServiceGroup(configuration: .init(services: [app], gracefulShutdownSignals: [], logger: logger))
        let task = Task {
            do {
                try await group.run()
            } catch {
                bound.resolve(.failure(error))
                throw error
            }
        }
        let actualPort = try await bound.value()
        return Receiver(port: actualPort, host: host, group: group, task: task)
    }

    public func shutdown() async {
        await group.triggerGracefulShutdown()
        _ = await task.result
    }

    /// Waits until the receiver stops (for `hookline receive`).
    public func wait() async throws {
        try await task.value
    }

    private static func respond(
        to request: Request, counter: RequestCounter, onRequest: (@Sendable (ReceivedRequest) -> Void)?
    ) async throws -> Response {
        let bodyBuffer = try await request.body.collect(upTo: 1 << 20)
        let body = String(buffer: bodyBuffer)
        let path = request.uri.path
        let query = request.uri.query ?? ""
        let number = counter.next()

        var status = HTTPResponse.Status.ok
        var answer: JSONValue = ["id": .string("rcv_\(number)"), "received": .int(bodyBuffer.readableBytes)]
        if let code = statusFromPath(path) {
            status = HTTPResponse.Status(code: code)
            answer = ["status": .int(code)]
        } else if request.method == .get, let email = request.uri.queryParameters.get("email") {
            answer = PartnerProfile.profile(for: email)
        } else if request.method == .delete {
            status = .noContent
        }

        onRequest?(
            ReceivedRequest(
                receivedAt: Date(), method: request.method.rawValue, path: path, query: query,
                headers: request.headers.map { HeaderField($0.name.rawName, $0.value) }, body: body,
                status: status.code))

        guard status != .noContent else { return Response(status: status) }
        return Response(
            status: status, headers: [.contentType: "application/json"],
            body: .init(byteBuffer: ByteBuffer(string: answer.jsonText)))
    }

    /// `/status/503` and `/anything/status/503` answer that status.
    private static func statusFromPath(_ path: String) -> Int? {
        let parts = path.split(separator: "/")
        guard let index = parts.lastIndex(of: "status"), index + 1 < parts.count,
            let code = Int(parts[index + 1]), (100...599).contains(code)
        else { return nil }
        return code
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

private final class RequestCounter: Sendable {
    private let count = Atomic<Int>(0)
    func next() -> Int { count.wrappingAdd(1, ordering: .relaxed).newValue }
}
