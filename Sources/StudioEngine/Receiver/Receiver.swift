import Foundation
import Hummingbird
import Logging
import NIOCore
import NIOHTTP1
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
/// Given a verifier, it checks every request's Standard Webhooks signature first, as a
/// receiver should, and answers 401 with the reason to one that fails (``SignatureCheck``).
///
/// ```swift
/// let receiver = try await Receiver.start()
/// print(receiver.baseURL)          // http://127.0.0.1:41234
/// await receiver.shutdown()
/// ```
public final class Receiver: Sendable {
    public let host: String
    private let server: RunningServer
    private let stopping: StopSignal

    public var port: Int { server.port }
    public var baseURL: String { "http://\(host):\(port)" }

    private init(host: String, server: RunningServer, stopping: StopSignal) {
        self.host = host
        self.server = server
        self.stopping = stopping
    }

    /// Starts listening; returns once the port is bound.
    /// - Parameters:
    ///   - host: Address to bind. Default: 127.0.0.1.
    ///   - port: 0 picks a free port. Default: 0.
    ///   - script: Scripted answers; requests no rule matches get the default answers. Default: none.
    ///   - verifier: The signing secrets to check signatures with; nil checks none. Default: nil.
    ///   - timeouts: How long a client may keep a connection waiting. Default: nginx's.
    ///   - maximumConnections: Connections open at once; more wait to be accepted. Default:
    ///     from the file descriptor limit, at most 10,000.
    ///   - onRequest: Called for every request once its answer is chosen, before any scripted
    ///     delay, and before the answer is sent.
    public static func start(
        host: String = "127.0.0.1", port: Int = 0, script: ReceiverScript? = nil, verifier: StandardWebhooksSigner? = nil,
        timeouts: ConnectionTimeouts = ConnectionTimeouts(), maximumConnections: Int? = nil,
        onRequest: (@Sendable (ReceivedRequest) -> Void)? = nil
    ) async throws -> Receiver {
        let counter = RequestCounter()
        let scripted = script.map { ScriptState(script: $0) }
        let stopping = StopSignal()
        let budget = RequestBodyBudget()
        let responder = CallbackResponder<ReceiverRequestContext> { request, context in
            try await respond(
                to: request, channel: context.channel, counter: counter, script: scripted, verifier: verifier,
                budget: budget, stopping: stopping, onRequest: onRequest)
        }
        var logger = Logger(label: "hookline.receiver")
        logger.logLevel = .critical
        let server = try await RunningServer.start(logger: logger) { onServerRunning in
            Application(
                responder: responder, server: .hookline(timeouts: timeouts, bodyLimit: maximumBodyBytes),
                configuration: .hookline(
                    host: host, port: port, serverName: "hookline-receiver", maximumConnections: maximumConnections),
                onServerRunning: onServerRunning, logger: logger)
        }
        return Receiver(host: host, server: server, stopping: stopping)
    }

    /// Largest request body read; a larger one is answered 413.
    static let maximumBodyBytes = 1 << 20

    /// Stops listening. Scripted delays and drips in progress are cut short, so this returns promptly.
    public func shutdown() async {
        stopping.stop()
        await server.shutdown()
    }

    private static func respond(
        to request: Request, channel: any Channel, counter: RequestCounter, script: ScriptState?,
        verifier: StandardWebhooksSigner?, budget: RequestBodyBudget, stopping: StopSignal,
        onRequest: (@Sendable (ReceivedRequest) -> Void)?
    ) async throws -> Response {
        let path = request.uri.path
        let query = request.uri.query ?? ""
        // Hummingbird moves `Host` into the request's authority; put it back for the log.
        let headers =
            (request.head.authority.map { [HeaderField("Host", $0)] } ?? [])
            + request.headers.map { HeaderField($0.name.rawName, $0.value) }
        /// A request refused before its body was read is logged too, with the size its head
        /// declared; its answer is a line that says why, as a head refused is.
        func refused(_ status: HTTPResponse.Status, why: String, headers answerHeaders: HTTPFields = [:]) -> Response {
            onRequest?(
                ReceivedRequest(
                    receivedAt: Date(), method: request.method.rawValue, path: path, query: query, headers: headers,
                    body: "", bodySize: request.headers[.contentLength].flatMap(Int.init) ?? 0, status: status.code))
            var answerHeaders = answerHeaders
            answerHeaders[.contentType] = "text/plain; charset=utf-8"
            return Response(
                status: status, headers: answerHeaders,
                body: .init(byteBuffer: ByteBuffer(string: "\(HTTPResponseStatus(statusCode: status.code).reasonPhrase): \(why)\n")))
        }
        let tooLarge = "the body is over \(maximumBodyBytes >> 20) MiB"
        // Refused from the head, before the client sends the body (after `Expect: 100-continue`).
        if request.headers.declaresBody(over: maximumBodyBytes) { return refused(.contentTooLarge, why: tooLarge) }
        let bodyBuffer: ByteBuffer
        do {
            guard let collected = try await budget.collect(request, upTo: maximumBodyBytes) else {
                return refused(
                    .serviceUnavailable, why: "the receiver is reading too many large bodies at once; send it again in a moment",
                    headers: [.retryAfter: "\(RequestBodyBudget.retryAfterSeconds)"])
            }
            bodyBuffer = collected
        } catch is NIOTooManyBytesError {
            // A chunked body declares no length, so its size shows only as it is read.
            return refused(.contentTooLarge, why: tooLarge)
        } catch let error as HTTPParserError {
            // What follows a broken chunked framing on the connection cannot be read.
            return refused(
                .badRequest, why: "the chunked body is malformed: \(error.chunkedBodyExplanation)", headers: [.connection: "close"])
        }
        let body = String(buffer: bodyBuffer)
        let number = counter.next()
        var received = ReceivedRequest(
            receivedAt: Date(), method: request.method.rawValue, path: path, query: query, headers: headers,
            body: body, bodySize: bodyBuffer.readableBytes, status: 200)

        if let verifier {
            let check = SignatureCheck(
                headers: received.headers, body: bodyBuffer.readableBytesView, verifier: verifier, now: Date())
            received.signature = check
            if case .invalid(let reason) = check {
                received.status = 401
                onRequest?(received)
                // RFC 9110 §15.5.2: a 401 carries a challenge; Standard Webhooks names no scheme, so
                // this one names the specification the signature is checked by.
                return Response(
                    status: .unauthorized,
                    headers: [
                        .contentType: "application/json", .wwwAuthenticate: #"Standard-Webhooks realm="hookline-receiver""#,
                    ],
                    body: .init(byteBuffer: ByteBuffer(string: JSONValue.object(["error": .string(reason)]).jsonText)))
            }
        }

        if let scripted = script?.next(method: request.method.rawValue, path: path) {
            received.status = scripted.reset ? 0 : scripted.status
            received.wasReset = scripted.reset
            onRequest?(received)
            return try await ScriptedAnswer(response: scripted, stopping: stopping).respond(on: channel)
        }

        var status = HTTPResponse.Status.ok
        var answer: JSONValue = ["id": .string("rcv_\(number)"), "received": .int(bodyBuffer.readableBytes)]
        if let code = statusFromPath(path) {
            status = HTTPResponse.Status(code: code)
            answer = ["status": .int(code)]
        } else if request.method == .get || request.method == .head, let email = request.uri.queryParameters.get("email") {
            // HEAD's headers are GET's (RFC 9110 §9.3.2), its Content-Length too: the same answer, its body not sent.
            answer = PartnerProfile.profile(for: email)
        } else if request.method == .delete {
            status = .noContent
        }

        received.status = status.code
        onRequest?(received)

        guard !ReceiverScript.Response.forbidsBody(status.code) else { return Response(status: status) }
        return Response(
            status: status, headers: [.contentType: "application/json"],
            body: .init(byteBuffer: ByteBuffer(string: answer.jsonText)))
    }

    /// `/status/503` and `/anything/status/503` answer that status; a final one only (200–599).
    private static func statusFromPath(_ path: String) -> Int? {
        let parts = path.split(separator: "/")
        guard let index = parts.lastIndex(of: "status"), index + 1 < parts.count,
            let code = Int(parts[index + 1]), (200...599).contains(code)
        else { return nil }
        return code
    }
}

private final class RequestCounter: Sendable {
    private let count = Atomic<Int>(0)
    func next() -> Int { count.wrappingAdd(1, ordering: .relaxed).newValue }
}
