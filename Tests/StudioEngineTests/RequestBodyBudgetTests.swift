import Foundation
import StudioEngine
import Testing

/// Both servers hold at most 64 MiB of request bodies at once, whatever the number of
/// connections: QA's 100 clients each dripping a 4 MiB body took `serve` from 313 to 715 MiB.
/// What counts is what was sent, not what a head declares.
struct RequestBodyBudgetTests {
    /// Clients that send large bodies slowly fill the budget with what they sent; the next request
    /// with a body is answered 503 with `Retry-After` instead of being read, and is taken again
    /// once one of them is gone.
    @Test(arguments: ServerUnderTest.Kind.allCases)
    func largeBodiesReadAtOnceAreBoundedAndTheRestToldToRetry(kind: ServerUnderTest.Kind) async throws {
        let server = try await ServerUnderTest.start(kind)
        let (path, largest) = Self.route(of: kind)
        var slow: [LoopbackSocket] = []
        // All but the last byte of each: 64 MiB less a byte a client are held, so 100 more do not fit.
        for _ in 0..<((64 << 20) / largest) {
            let socket = try server.connect()
            // Sent off the cooperative threads, which the server needs to read it.
            let sent = await socket.sendRepeatedly(Self.head(path, declaring: largest) + "{" + String(repeating: " ", count: largest - 2), upTo: 1)
            try #require(sent > 0, "the server stopped reading a body")
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

    /// A body declared and not sent holds nothing: QA's 17 clients each declaring 4 MiB and
    /// sending one byte made `serve` answer 503 to every POST, and 65 declaring 1 MiB made the
    /// receiver refuse even a GET. Requests with a body, and without one, are still taken.
    @Test(arguments: ServerUnderTest.Kind.allCases)
    func bodiesDeclaredButNotSentHoldNothing(kind: ServerUnderTest.Kind) async throws {
        let server = try await ServerUnderTest.start(kind)
        let (path, largest) = Self.route(of: kind)
        var idle: [LoopbackSocket] = []
        for _ in 0...((64 << 20) / largest) {
            let socket = try server.connect()
            try socket.send(Self.head(path, declaring: largest) + "{")
            idle.append(socket)
        }
        // The heads are read within moments; the budget would be full by the later tries.
        for _ in 0..<10 {
            try await Task.sleep(for: .milliseconds(200))
            let post = try server.connect()
            try post.send(Self.head(path, declaring: 2) + "{}")
            let answer = try #require(await post.readAnswer())
            #expect(!answer.hasPrefix("HTTP/1.1 503 "), "\(answer)")
            post.close()
        }
        if kind == .receiver {
            let get = try server.connect()
            try get.send("GET /hook HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            let answer = try #require(await get.readAnswer())
            #expect(answer.hasPrefix("HTTP/1.1 200 "), "\(answer)")
            get.close()
        }
        for socket in idle { socket.close() }
        try await server.shutdown()
    }

    /// The path a server takes bodies on, and the largest body it takes.
    private static func route(of kind: ServerUnderTest.Kind) -> (path: String, largest: Int) {
        kind == .ingest ? ("/api/events/track", 4 << 20) : ("/hook", 1 << 20)
    }

    /// A POST head to `path` declaring a JSON body of `length` bytes.
    private static func head(_ path: String, declaring length: Int) -> String {
        "POST \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: \(length)\r\n\r\n"
    }

    /// The answer to a request with a 100-byte body that `accepts`, tried every 100 ms for 30 s
    /// (a starved test process is slow, the budget is not); nil when none was.
    private func answerToASmallBody(
        _ server: ServerUnderTest, path: String, until accepts: (String) -> Bool
    ) async -> String? {
        let end = ContinuousClock.now + .seconds(30)
        while ContinuousClock.now < end {
            if let socket = try? server.connect() {
                defer { socket.close() }
                try? socket.send(Self.head(path, declaring: 100) + "{" + String(repeating: " ", count: 98) + "}")
                if let answer = await socket.readAnswer(), accepts(answer) { return answer }
            }
            try? await Task.sleep(for: .milliseconds(100))
        }
        return nil
    }
}
