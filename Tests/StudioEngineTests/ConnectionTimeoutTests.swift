import Foundation
import StudioEngine
import StudioModel
import Testing

/// Both servers close connections whose clients keep them waiting (nginx's timeouts), so that a
/// client dripping requests byte by byte, or opening connections and sending nothing, cannot
/// hold them; clients that talk normally, and the receiver's scripted slow answers, are unaffected.
struct ConnectionTimeoutTests {
    /// Short timeouts, so that the tests see them pass.
    private let short = ConnectionTimeouts(
        requestHead: .milliseconds(300), bodyStall: .milliseconds(300), keepAliveIdle: .milliseconds(300))

    private typealias Kind = ServerUnderTest.Kind

    @Test(arguments: Kind.allCases)
    private func aConnectionThatSendsNothingIsClosed(kind: Kind) async throws {
        let server = try await ServerUnderTest.start(kind, timeouts: short)
        let socket = try server.connect()
        #expect(await socket.isClosedByServer(within: 10))
        socket.close()
        try await server.shutdown()
    }

    /// Slowloris: a byte of the head every 50 ms keeps the connection busy but never completes a
    /// request, and the head's deadline does not move for it.
    @Test(arguments: Kind.allCases)
    private func aClientDrippingItsHeadIsDisconnected(kind: Kind) async throws {
        let server = try await ServerUnderTest.start(kind, timeouts: short)
        let socket = try server.connect()
        try socket.send("POST /api/events/track HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Drip: ")
        var closed = false
        for _ in 0..<200 where !closed {
            closed = (try? socket.send("a")) == nil
            if !closed { closed = await socket.receive(within: 50) == .closed }
        }
        #expect(closed)
        socket.close()
        try await server.shutdown()
    }

    @Test(arguments: Kind.allCases)
    private func aBodyThatStallsIsDisconnected(kind: Kind) async throws {
        let server = try await ServerUnderTest.start(kind, timeouts: short)
        let socket = try server.connect()
        try socket.send(
            "POST /api/events/track HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                + "Content-Length: 100\r\n\r\n{\"email\": ")
        #expect(await socket.isClosedByServer(within: 10))
        socket.close()
        try await server.shutdown()
    }

    /// A keep-alive client sends its next request on the same connection and gets it answered;
    /// once it sends nothing more, the connection is closed after the keep-alive timeout, though
    /// the head's own timeout is longer. (The timeout is 5 s: with 1 s, a CI run under load took
    /// longer than that between reading an answer and sending the next request.)
    @Test(arguments: Kind.allCases)
    private func aKeepAliveClientIsAnsweredUntilItFallsIdle(kind: Kind) async throws {
        let server = try await ServerUnderTest.start(
            kind, timeouts: ConnectionTimeouts(requestHead: .seconds(60), bodyStall: .seconds(60), keepAliveIdle: .seconds(5)))
        let socket = try server.connect()
        let request = "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
        for _ in 0..<2 {
            try socket.send(request)
            let answer = try #require(await socket.readAnswer())
            #expect(answer.hasPrefix("HTTP/1.1 200 OK\r\n"), "\(answer)")
        }
        #expect(await socket.isClosedByServer(within: 30))
        socket.close()
        try await server.shutdown()
    }

    /// A client that stops reading its answer (16 MB) had the connection held for as long as it
    /// liked: it is closed once it has taken nothing for the send timeout.
    @Test func aClientThatReadsNoneOfItsAnswerIsDisconnected() async throws {
        let receiver = try await Self.receiverOfABigAnswer(sendTimeout: .seconds(2))
        let socket = try LoopbackSocket()
        try socket.connect(to: receiver.port)
        try socket.send("GET /big HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        #expect(await socket.isClosedByServerUnread(within: 60))
        socket.close()
        await receiver.shutdown()
    }

    /// A client that reads its answer slowly, pausing, gets it whole: 16 pauses of 2 s take it past
    /// the send timeout's first look at the connection. (The timeout is 30 s: a full run on two
    /// loaded cores stalled the test's reads for over 10 s, and the connection was rightly closed.)
    @Test func aClientThatReadsItsAnswerSlowlyGetsItWhole() async throws {
        let receiver = try await Self.receiverOfABigAnswer(sendTimeout: .seconds(30))
        let socket = try LoopbackSocket()
        try socket.connect(to: receiver.port)
        try socket.send("GET /big HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        // A pause at each MiB read.
        let received = await socket.receiveSlowly(upTo: 16_000_000, pausing: 2, every: 1 << 20)
        #expect(received > 16_000_000)
        socket.close()
        await receiver.shutdown()
    }

    /// A receiver that answers `GET /big` with 16 MB.
    private static func receiverOfABigAnswer(sendTimeout: Duration) async throws -> Receiver {
        try await Receiver.start(
            script: try ReceiverScript.parse(yaml: "rules: [{path: /big, response: {bodyBytes: 16MB}}]"),
            timeouts: ConnectionTimeouts(
                requestHead: .seconds(60), bodyStall: .seconds(60), keepAliveIdle: .seconds(60), send: sendTimeout))
    }

    /// The timeouts wait on the client, never on the server: a scripted delay and a dripped body,
    /// each longer than every timeout, still reach the client whole.
    @Test func theReceiversScriptedSlowAnswersOutlastTheTimeouts() async throws {
        let script = try ReceiverScript.parse(
            yaml: "rules: [{path: /slow, response: {delay: 700ms, drip: {bytes: 4, every: 400ms}, bodyBytes: 12}}]")
        let receiver = try await Receiver.start(script: script, timeouts: short)
        let socket = try LoopbackSocket()
        try socket.connect(to: receiver.port)
        try socket.send("GET /slow HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        let answer = try #require(await socket.readAnswer())
        #expect(answer.hasPrefix("HTTP/1.1 200 OK\r\n"), "\(answer)")
        #expect(answer.components(separatedBy: "\r\n\r\n").last?.utf8.count == 12, "\(answer)")
        socket.close()
        await receiver.shutdown()
    }
}
