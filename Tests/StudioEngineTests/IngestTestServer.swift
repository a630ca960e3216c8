import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import StudioEngine
import StudioModel

/// An ingest API on 127.0.0.1:0 over an engine of its own, and an HTTP client for it, as a peer
/// of Iterable's API would talk to it.
struct IngestTestServer {
    let engine: Engine
    let server: IngestServer
    private let owner: ClientOwner
    var client: HTTPClient { owner.client }

    /// Shuts its client down once no copy of the server is left: a test that throws before
    /// ``shutdown()`` then fails alone, where AsyncHTTPClient's check of a client dropped while
    /// running stopped the whole test process, and every suite after it, with a trap.
    private final class ClientOwner: Sendable {
        let client = HTTPClient(eventLoopGroupProvider: .singleton)

        deinit {
            // A second shutdown, after ``IngestTestServer/shutdown()``, is refused and ignored.
            client.shutdown { _ in }
        }
    }

    /// An answer as the client saw it.
    struct Answer {
        var status: UInt
        var headers: HTTPHeaders
        var text: String
        /// The body parsed as JSON; nil when it is not JSON.
        var json: JSONValue? { try? JSONValue.parse(text) }
    }

    /// - Parameters:
    ///   - apiKey: The value of the secret `ingest_api_key`, which requests must then send.
    ///   - storePath: The store's file; nil keeps it in memory.
    static func start(
        _ workspace: Workspace = Workspace(), apiKey: String? = nil, storePath: String? = nil
    ) async throws -> IngestTestServer {
        let secrets = apiKey.map { ["ingest_api_key": $0] } ?? [:]
        let engine = try Engine(workspace: workspace, secrets: secrets, configuration: .init(storePath: storePath))
        let server = try await IngestServer.start(engine: engine, port: 0, apiKeySecret: "ingest_api_key")
        return IngestTestServer(engine: engine, server: server, owner: ClientOwner())
    }

    /// Sends `body` to `path` on the server (which may carry a query) as JSON, unless `headers`
    /// give another Content-Type.
    func send(
        _ path: String, _ body: String? = nil, method: NIOHTTP1.HTTPMethod = .POST, headers: [(String, String)] = []
    ) async throws -> Answer {
        try await send(path, bytes: body.map { Array($0.utf8) }, method: method, headers: headers)
    }

    /// ``send(_:_:method:headers:)`` with a body of any bytes, UTF-8 or not.
    func send(
        _ path: String, bytes body: [UInt8]?, method: NIOHTTP1.HTTPMethod = .POST, headers: [(String, String)] = []
    ) async throws -> Answer {
        var request = HTTPClientRequest(url: server.baseURL + path)
        request.method = method
        request.headers.add(name: "Content-Type", value: "application/json")
        for (name, value) in headers { request.headers.replaceOrAdd(name: name, value: value) }
        if let body { request.body = .bytes(ByteBuffer(bytes: body)) }
        let response = try await client.execute(request, timeout: .seconds(30))
        let text = String(buffer: try await response.body.collect(upTo: 1 << 20))
        return Answer(status: response.status.code, headers: response.headers, text: text)
    }

    /// POSTs `body` as JSON; the status and the parsed answer.
    func post(_ path: String, _ body: String) async throws -> (status: UInt, answer: JSONValue) {
        let answer = try await send(path, body)
        return (answer.status, try JSONValue.parse(answer.text))
    }

    func shutdown() async throws {
        try await client.shutdown()
        await server.shutdown()
        await engine.shutdown()
    }
}

extension Workspace {
    /// Workflow `welcome` starts on `signup` and waits a day, so its journeys stay in the store.
    static let waitingADayAfterSignup = Workspace(
        workflows: [
            Workflow(
                id: "welcome", name: "Welcome", start: .event("signup"),
                nodes: [
                    WorkflowNode(id: "wait", kind: .delay(WorkflowDuration(seconds: 86_400)), next: .single("done")),
                    WorkflowNode(id: "done", kind: .exit),
                ])
        ])
}
