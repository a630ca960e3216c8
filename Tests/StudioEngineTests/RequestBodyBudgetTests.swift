import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
@testable import StudioEngine
import Synchronization
import Testing

/// Both servers hold at most 64 MiB of request bodies at once, whatever the number of
/// connections: QA's 100 clients each dripping a 4 MiB body took `serve` from 313 to 715 MiB.
struct RequestBodyBudgetTests {
    /// Clients that declare large bodies and send them slowly fill the budget; the next request
    /// with a body is answered 503 with `Retry-After` instead of being read, and is taken again
    /// once one of them is gone.
    @Test(arguments: ServerUnderTest.Kind.allCases)
    func largeBodiesReadAtOnceAreBoundedAndTheRestToldToRetry(kind: ServerUnderTest.Kind) async throws {
        let server = try await ServerUnderTest.start(kind)
        let (path, largest) = kind == .ingest ? ("/api/events/track", 4 << 20) : ("/hook", 1 << 20)
        var slow: [LoopbackSocket] = []
        for _ in 0..<((64 << 20) / largest) {
            let socket = try server.connect()
            try socket.send("POST \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: \(largest)\r\n\r\n{")
            slow.append(socket)
        }

        let busy = try #require(await answerToASmallBody(server, path: path, until: { $0.hasPrefix("HTTP/1.1 503 ") }))
        #expect(busy.lowercased().contains("\r\nretry-after: 1\r\n"), "\(busy)")

        slow.removeLast().close()
        let taken = try #require(await answerToASmallBody(server, path: path, until: { !$0.hasPrefix("HTTP/1.1 503 ") }))
        #expect(!taken.isEmpty)
        for socket in slow { socket.close() }
        try await server.shutdown()
    }

    /// The ingest API's bodies stay counted until they are stored: while one waits for the store
    /// (its handler held here), the next finds no room and is told to retry, instead of being read
    /// and parsed to wait beside it (QA: 60 clients resending 4 MiB `trackBulk`s on 503, as asked,
    /// took `serve` to 977 MiB).
    @Test func anIngestBodyWaitingForTheStoreStillCounts() async throws {
        let budget = RequestBodyBudget(capacity: 100)
        let body = #"{"events": [{"email": "ada@example.com", "eventName": "a"}]}"#
        func request() -> Request {
            var head = HTTPRequest(method: .post, scheme: nil, authority: "127.0.0.1", path: "/api/events/trackBulk")
            head.headerFields[.contentType] = "application/json"
            head.headerFields[.contentLength] = "\(body.utf8.count)"
            return Request(head: head, body: RequestBody(buffer: ByteBuffer(string: body)))
        }
        let gate = Mutex<(entered: Bool, release: Bool)>((false, false))
        async let first = IngestAPI.withBody(request(), within: budget) { _ in
            gate.withLock { $0.entered = true }
            while !gate.withLock({ $0.release }) { usleep(1_000) }
            return IngestAPI.answer(.ok, code: "Success")
        }
        while !gate.withLock({ $0.entered }) { try await Task.sleep(for: .milliseconds(5)) }

        let second = await IngestAPI.withBody(request(), within: budget) { _ in IngestAPI.answer(.ok, code: "Success") }
        #expect(second.status == .serviceUnavailable)
        #expect(second.headers[.retryAfter] == "1")
        gate.withLock { $0.release = true }
        #expect(await first.status == .ok)
        let third = await IngestAPI.withBody(request(), within: budget) { _ in IngestAPI.answer(.ok, code: "Success") }
        #expect(third.status == .ok)
    }

    /// The answer to a request with a 2-byte body that `accepts`, tried every 100 ms for 30 s (a starved test process is slow, the budget is not); nil
    /// when none was.
    private func answerToASmallBody(
        _ server: ServerUnderTest, path: String, until accepts: (String) -> Bool
    ) async -> String? {
        let end = ContinuousClock.now + .seconds(30)
        while ContinuousClock.now < end {
            if let socket = try? server.connect() {
                defer { socket.close() }
                try? socket.send("POST \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}")
                if let answer = await socket.readAnswer(), accepts(answer) { return answer }
            }
            try? await Task.sleep(for: .milliseconds(100))
        }
        return nil
    }
}
