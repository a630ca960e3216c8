#if canImport(Glibc)
import Glibc
#endif
import Foundation
import NIOCore
import StudioEngine
import StudioModel
import Testing

/// Requests go through StudioEngine's own keep-alive pool on SwiftNIO's HTTP/1.1 codec (with
/// SwiftNIO SSL for HTTPS): the bytes it puts on the wire, and how it reuses, replaces and
/// closes connections, seen from a real server on 127.0.0.1.
@Suite struct HTTP1TransportTests {
    /// Polls of 10 ms for a server to see a connection close: up to 10 s, since a full parallel
    /// run on two loaded cores took more than the 2 s this once allowed. A close that never comes
    /// still fails the test.
    static let closeWaitPolls = 1_000

    @Test func sequentialRequestsShareOneConnection() async throws {
        let server = try await KeepAliveServer.start(afterAnswer: .keepOpen)
        let records = try await withLoopbackClient(.patient) { client in
            var records: [AttemptRecord] = []
            for _ in 0..<5 { records.append(await client.send(makeRequest(server.baseURL + "/hook"), origin: .init())) }
            return records
        }
        try await server.shutdown()

        #expect(records.map(\.status) == Array(repeating: 204, count: 5))
        #expect(server.requests.map(\.connection) == [0, 0, 0, 0, 0])
        #expect(server.acceptedConnections == 1)
    }

    @Test func aConnectionTheServerClosedWhileIdleIsReplacedAndTheRequestSentOnce() async throws {
        // The server closes each connection after answering, without saying so, as servers do
        // with idle keep-alive connections; the client learns it only when it reuses one.
        let server = try await KeepAliveServer.start(afterAnswer: .closeSilently)
        let records = try await withLoopbackClient(.patient) { client in
            var records: [AttemptRecord] = []
            // Back to back, so that most requests find the closed connection still in the pool.
            for _ in 0..<10 {
                records.append(await client.send(makeRequest(server.baseURL + "/hook"), origin: .init()))
            }
            return records
        }
        try await server.shutdown()

        #expect(records.map(\.status) == Array(repeating: 204, count: 10), "\(records.map(\.outcome))")
        #expect(server.requests.map(\.connection) == Array(0..<10))
    }

    /// A reused connection that closes unanswered long after the request went out (the server
    /// held it 2 s: it may have acted on it) ends the attempt as a reset, for the retry policy
    /// to judge, not sent again at once on a new connection.
    @Test(arguments: [2_000])
    func aReusedConnectionClosedAfterTheServerHeldTheRequestIsAResetNotASilentResend(heldMilliseconds: Int64) async throws {
        let server = try await KeepAliveServer.start(afterAnswer: .dropTheSecondRequest(after: .milliseconds(heldMilliseconds)))
        let records = try await withLoopbackClient(.patient) { client in
            [
                await client.send(makeRequest(server.baseURL + "/a"), origin: .init()),
                await client.send(makeRequest(server.baseURL + "/b"), origin: .init()),
            ]
        }
        try await server.shutdown()

        #expect(records.map(\.status) == [204, nil])
        #expect(records.last?.outcome.errorClass == "connection_reset", "\(records.map(\.outcome))")
        #expect(server.requests.map(\.head.uri) == ["/a", "/b"])
    }

    /// Closed unanswered within the second (the server held it 0.3 s; QA's held it 0.8 s): it
    /// counts as an idle close crossing the request, which a busy event loop sees late, and the
    /// request goes again on a new connection, but not unseen: the record says it went twice
    /// (QA, session 21: it showed one clean answer). On two starved cores the close may be seen
    /// after the second; then it is a reset, sent once. Either way a copy is never hidden.
    @Test func aRequestSentAgainOnANewConnectionSaysSoInItsRecord() async throws {
        let server = try await KeepAliveServer.start(afterAnswer: .dropTheSecondRequest(after: .milliseconds(300)))
        let records = try await withLoopbackClient(.patient) { client in
            [
                await client.send(makeRequest(server.baseURL + "/a"), origin: .init()),
                await client.send(makeRequest(server.baseURL + "/b"), origin: .init()),
            ]
        }
        try await server.shutdown()

        let notes = records.last?.responseHeaders.filter { $0.name == DeliveryClient.noteFieldName }.map(\.value) ?? []
        let sentTwice = notes.contains { $0.hasPrefix("sent twice") }
        #expect(server.requests.map(\.head.uri) == (sentTwice ? ["/a", "/b", "/b"] : ["/a", "/b"]))
        #expect(records.map(\.status) == (sentTwice ? [204, 204] : [204, nil]), "\(records.map(\.outcome))")
        #expect(!(records.first?.responseHeaders.contains { $0.name == DeliveryClient.noteFieldName } ?? true))
    }

    @Test func connectionCloseFromTheServerIsHonoured() async throws {
        let server = try await KeepAliveServer.start(afterAnswer: .closeWithHeader)
        let records = try await withLoopbackClient(.patient) { client in
            [
                await client.send(makeRequest(server.baseURL + "/a"), origin: .init()),
                await client.send(makeRequest(server.baseURL + "/b"), origin: .init()),
            ]
        }
        try await server.shutdown()

        #expect(records.map(\.status) == [204, 204])
        #expect(server.requests.map(\.connection) == [0, 1])
    }

    @Test func theRequestIsFramedAsHTTP11Expects() async throws {
        let server = try await KeepAliveServer.start(afterAnswer: .keepOpen)
        let body = #"{"name": "Zoë", "n": 1}"#
        let requests: [PreparedRequest] = [
            PreparedRequest(
                method: .post, url: server.baseURL + "/hook?a=1&b=%20c#fragment",
                headers: [HeaderField("Content-Type", "application/json"), HeaderField("Content-Length", "999")],
                body: body, secretValues: [], deliveryID: "msg_post"),
            PreparedRequest(
                method: .get, url: server.baseURL + "?email=ada%40example.com", headers: [], body: "ignored",
                secretValues: [], deliveryID: "msg_get"),
            PreparedRequest(method: .put, url: server.baseURL + "/users/7", headers: [], body: "", secretValues: [], deliveryID: "msg_put"),
            PreparedRequest(method: .delete, url: server.baseURL + "/users/7", headers: [], body: "", secretValues: [], deliveryID: "msg_delete"),
        ]
        let records = try await withLoopbackClient(.patient) { client in
            var records: [AttemptRecord] = []
            for request in requests { records.append(await client.send(request, origin: .init())) }
            return records
        }
        try await server.shutdown()

        #expect(records.map(\.status) == [204, 204, 204, 204])
        let seen = server.requests
        try #require(seen.count == 4)
        #expect(seen.map(\.head.method.rawValue) == ["POST", "GET", "PUT", "DELETE"])
        #expect(seen.map(\.head.uri) == ["/hook?a=1&b=%20c", "/?email=ada%40example.com", "/users/7", "/users/7"])
        #expect(seen.allSatisfy { $0.head.version == .http1_1 })
        #expect(seen.allSatisfy { $0.head.headers["Host"] == ["127.0.0.1:\(server.port)"] })
        // The body's own length, whatever a header said; none for GET and DELETE; 0 for an empty PUT.
        #expect(seen[0].head.headers["Content-Length"] == [String(body.utf8.count)])
        #expect(seen[0].body == Array(body.utf8))
        #expect(seen[1].head.headers["Content-Length"].isEmpty)
        #expect(seen[1].head.headers["Transfer-Encoding"].isEmpty)
        #expect(seen[1].body.isEmpty)
        #expect(seen[2].head.headers["Content-Length"] == ["0"])
        #expect(seen[3].head.headers["Content-Length"].isEmpty)
    }

    @Test(.enabled(if: Self.hasIPv6Loopback, "this machine has no IPv6 loopback"))
    func anIPv6LiteralIsReachedWithABracketedHostHeader() async throws {
        let server = try await KeepAliveServer.start(afterAnswer: .keepOpen, address: "::1")
        let record = try await DeliveryClient.withClient(networkPolicy: NetworkPolicy(allowlist: ["::1/128"])) { client in
            await client.send(makeRequest(server.baseURL + "/hook"), origin: .init())
        }
        try await server.shutdown()

        #expect(record.status == 204, "\(record.outcome)")
        #expect(server.requests.first?.head.headers["Host"] == ["[::1]:\(server.port)"])
    }

    static var hasIPv6Loopback: Bool {
        let socket = Glibc.socket(AF_INET6, Int32(SOCK_STREAM.rawValue), 0)
        guard socket >= 0 else { return false }
        defer { close(socket) }
        var address = sockaddr_in6()
        address.sin6_family = sa_family_t(AF_INET6)
        address.sin6_addr = in6addr_loopback
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(socket, $0, socklen_t(MemoryLayout<sockaddr_in6>.size)) == 0
            }
        }
    }

    @Test(arguments: [HeaderField("X-Note", "a\r\nX-Evil: 1"), HeaderField("X Bad Name", "1"), HeaderField("X-Nul", "a\u{0}b")])
    func aHeaderThatCannotBeSentIsAnInvalidRequestAndNothingGoesOut(header: HeaderField) async throws {
        let server = try await KeepAliveServer.start(afterAnswer: .keepOpen)
        let record = try await withLoopbackClient { client in
            await client.send(makeRequest(server.baseURL + "/hook", headers: [header]), origin: .init())
        }
        try await server.shutdown()

        #expect(record.status == nil)
        #expect(record.outcome.errorClass == "invalid_request", "\(record.outcome)")
        #expect(server.acceptedConnections == 0)
    }

    @Test func anIdleConnectionIsClosedAfterTheIdleTimeout() async throws {
        let server = try await KeepAliveServer.start(afterAnswer: .keepOpen)
        var configuration = DeliveryClient.Configuration()
        configuration.idleTimeout = .milliseconds(100)
        try await withLoopbackClient(configuration) { client in
            let record = await client.send(makeRequest(server.baseURL + "/hook"), origin: .init())
            #expect(record.status == 204)
            // Bounded wait for the client to close it; the server sees the close.
            for _ in 0..<Self.closeWaitPolls where server.closedConnections == 0 {
                try await Task.sleep(for: .milliseconds(10))
            }
            #expect(server.closedConnections == 1)
            // The next request opens a new connection.
            #expect(await client.send(makeRequest(server.baseURL + "/hook"), origin: .init()).status == 204)
        }
        try await server.shutdown()
        #expect(server.requests.map(\.connection) == [0, 1])
    }

    @Test func idleConnectionsBeyondTheLimitInAllAreClosed() async throws {
        let servers = [
            try await KeepAliveServer.start(afterAnswer: .keepOpen), try await KeepAliveServer.start(afterAnswer: .keepOpen),
            try await KeepAliveServer.start(afterAnswer: .keepOpen),
        ]
        var configuration = DeliveryClient.Configuration()
        configuration.maximumIdleConnections = 2
        try await withLoopbackClient(configuration) { client in
            for server in servers {
                #expect(await client.send(makeRequest(server.baseURL + "/hook"), origin: .init()).status == 204)
            }
            // Two stay open for reuse; the third is closed once answered.
            for _ in 0..<Self.closeWaitPolls where servers[2].closedConnections == 0 {
                try await Task.sleep(for: .milliseconds(10))
            }
            #expect(servers.map(\.closedConnections) == [0, 0, 1])
        }
        for server in servers { try await server.shutdown() }
    }

    /// An answer no request asked for, in the same read as the answer before it or while the
    /// connection is idle, retires the connection (SwiftNIO's decoder calls it unsolicited), so
    /// the next request goes on a new one and gets its own answer, not the stray one. (One that
    /// arrives after the next request was written cannot be told from that request's answer, by
    /// any HTTP/1.1 client.)
    @Test(arguments: [false, true])
    func anAnswerNoRequestAskedForRetiresItsConnection(strayComesLater: Bool) async throws {
        let first = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"
        let stray = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\ndupe!"
        let server = try await RawAnswerServer.start(
            answer: Array((first + stray).utf8), keepOpen: true, splitAfter: strayComesLater ? first.utf8.count : nil)
        let bodies = try await withLoopbackClient { client in
            var bodies: [String] = []
            for sent in 1...3 {
                bodies.append(await client.send(makeRequest(server.baseURL + "/hook"), origin: .init(), timeout: .seconds(15)).responseBody)
                // Sent before the client has read the stray, the next request would take it as
                // its answer, as any HTTP/1.1 client would: wait until the stray retired the connection.
                for _ in 0..<Self.closeWaitPolls where strayComesLater && server.closedConnections < sent {
                    try await Task.sleep(for: .milliseconds(10))
                }
            }
            return bodies
        }
        try await server.shutdown()
        #expect(bodies == ["ok", "ok", "ok"])
    }

    /// A 204 ends at its head (RFC 9112 §6.3): the 8 bytes its `Content-Length` announces are not
    /// its body, and were read as the start of the next answer on the connection, which then
    /// failed as invalid. A 204 or 304 that declares a body retires its connection.
    @Test(arguments: ["Content-Length: 8", "Transfer-Encoding: chunked"])
    func aNoContentAnswerThatDeclaresABodyRetiresItsConnection(declaration: String) async throws {
        // The stray bytes begin a status line, so the decoder waits for the rest of it.
        let answer = "HTTP/1.1 204 No Content\r\n\(declaration)\r\n\r\nHTTP/1.1"
        let server = try await RawAnswerServer.start(answer: Array(answer.utf8), keepOpen: true)
        let records = try await withLoopbackClient { client in
            [
                await client.send(makeRequest(server.baseURL + "/a"), origin: .init(), timeout: .seconds(15)),
                await client.send(makeRequest(server.baseURL + "/b"), origin: .init(), timeout: .seconds(15)),
            ]
        }
        try await server.shutdown()
        #expect(records.map(\.status) == [204, 204], "\(records.map(\.outcome))")
    }

    @Test func aServerThatNeverAnswersIsCutAtTheDeadlineAndItsConnectionClosed() async throws {
        let server = try await KeepAliveServer.start(afterAnswer: .neverAnswer)
        let started = ContinuousClock.now
        let record = try await withLoopbackClient { client in
            await client.send(makeRequest(server.baseURL + "/hook"), origin: .init(), timeout: .milliseconds(300))
        }
        let elapsed = ContinuousClock.now - started
        for _ in 0..<Self.closeWaitPolls where server.closedConnections == 0 {
            try await Task.sleep(for: .milliseconds(10))
        }
        try await server.shutdown()

        #expect(record.outcome.errorClass == "timeout", "\(record.outcome)")
        // The server never answers: without the deadline the attempt would not end at all.
        #expect(elapsed < .seconds(20))
        #expect(server.closedConnections == 1)
    }

    @Test func cancellingTheSenderEndsItsExchangeAndClosesItsConnection() async throws {
        let server = try await KeepAliveServer.start(afterAnswer: .neverAnswer)
        try await withLoopbackClient { client in
            let started = ContinuousClock.now
            let sending = Task { await client.send(makeRequest(server.baseURL + "/hook"), origin: .init(), timeout: .seconds(60)) }
            for _ in 0..<500 where server.requests.isEmpty {
                try await Task.sleep(for: .milliseconds(10))
            }
            sending.cancel()
            let record = await sending.value
            // Long before the 60 s deadline, with room for a loaded machine.
            #expect(ContinuousClock.now - started < .seconds(30))
            #expect(record.status == nil)
            #expect(record.outcome.errorClass == "cancelled", "\(record.outcome)")
            for _ in 0..<Self.closeWaitPolls where server.closedConnections == 0 {
                try await Task.sleep(for: .milliseconds(10))
            }
            #expect(server.closedConnections == 1)
        }
        try await server.shutdown()
    }

    @Test func sixtyFourConcurrentRequestsAreAllAnsweredOnAtMostSixtyFourConnections() async throws {
        let server = try await KeepAliveServer.start(afterAnswer: .keepOpen)
        let statuses = try await withLoopbackClient { client in
            await withTaskGroup(of: Int?.self) { group in
                for index in 0..<640 {
                    group.addTask {
                        await client.send(makeRequest(server.baseURL + "/hook/\(index)"), origin: .init()).status
                    }
                    if index >= 63 { _ = await group.next() }
                }
                return await group.reduce(into: [Int?]()) { $0.append($1) }
            }
        }
        try await server.shutdown()

        #expect(server.requests.count == 640)
        #expect(Set(server.requests.map(\.head.uri)).count == 640)
        #expect(server.acceptedConnections <= 64)
        #expect(statuses.allSatisfy { $0 == 204 })
    }
}
