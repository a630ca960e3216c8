import Foundation
import StudioEngine
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
