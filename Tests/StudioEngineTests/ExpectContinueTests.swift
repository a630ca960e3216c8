import Foundation
import StudioEngine
import StudioModel
import Testing

/// `Expect: 100-continue`, which curl sends with a body over 1 MiB: both servers answer
/// `100 Continue` so the client sends its body at once, and the ingest API refuses a body its
/// head declares too large, or a head without the API key, before the client sends the body.
struct ExpectContinueTests {
    private func expecting(
        _ path: String, length: Int, apiKey: String? = nil, method: String = "POST", headers: String = ""
    ) -> String {
        "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n" + headers
            + (apiKey.map { "Api-Key: \($0)\r\n" } ?? "")
            + "Content-Length: \(length)\r\nExpect: 100-continue\r\n\r\n"
    }

    @Test func theIngestAPIAnswersContinueThenTakesTheBody() async throws {
        let ingest = try await IngestTestServer.start()
        let socket = try LoopbackSocket()
        try socket.connect(to: ingest.server.port)
        let body = #"{"email": "ada@example.com", "dataFields": {"plan": "pro"}}"#

        try socket.send(expecting("/api/users/update", length: body.utf8.count))
        #expect(await socket.read(through: "\r\n\r\n") == "HTTP/1.1 100 Continue\r\n\r\n")
        try socket.send(body)
        let answer = await socket.readAnswer() ?? "no answer"
        #expect(answer.hasPrefix("HTTP/1.1 200 OK\r\n"), "\(answer)")
        #expect(try ingest.engine.store.user(email: "ada@example.com") == ["plan": "pro", "email": "ada@example.com"])
        socket.close()
        try await ingest.shutdown()
    }

    /// A request pipelined behind one still being answered got its `100 Continue` in the middle
    /// of the earlier answer's body (`abcdHTTP/1.1 100 Continue…ef`): answers go in request order.
    @Test func theContinueOfAPipelinedRequestWaitsForTheAnswerBeforeIt() async throws {
        let receiver = try await Receiver.start(
            script: try ReceiverScript.parse(yaml: "rules: [{path: /drip, response: {body: abcdef, drip: {bytes: 1, every: 50ms}}}]"))
        let socket = try LoopbackSocket()
        try socket.connect(to: receiver.port)
        try socket.send("GET /drip HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n" + expecting("/x", length: 2))
        let first = await socket.read(through: "100 Continue\r\n\r\n") ?? "no answer"
        #expect(first.hasSuffix("\r\n\r\nabcdefHTTP/1.1 100 Continue\r\n\r\n"), "\(first.debugDescription)")
        try socket.send("ok")
        let second = await socket.readAnswer() ?? "no answer"
        #expect(second.hasPrefix("HTTP/1.1 200 OK\r\n"), "\(second)")
        socket.close()
        await receiver.shutdown()
    }

    /// A body over the 4 MiB limit is refused from the head alone: 413 with Iterable's code, and
    /// no `100 Continue` that would have the client send it.
    @Test func aBodyDeclaredOverTheLimitIsRefusedBeforeItIsSent() async throws {
        let ingest = try await IngestTestServer.start()
        let socket = try LoopbackSocket()
        try socket.connect(to: ingest.server.port)

        try socket.send(expecting("/api/events/trackBulk", length: 5 << 20))
        let answer = await socket.readAnswer() ?? "no answer"
        #expect(answer.hasPrefix("HTTP/1.1 413 "), "\(answer)")
        #expect(answer.contains(#""code":"BatchTooLarge""#), "\(answer)")
        socket.close()
        try await ingest.shutdown()
    }

    /// A head with a wrong API key is answered 401 from the head alone, not `100 Continue`,
    /// which would have the client send its body (up to 4 MiB) only to be refused; the right key
    /// is still answered `100 Continue`.
    @Test func aWrongAPIKeyIsRefusedBeforeTheBodyIsSent() async throws {
        let ingest = try await IngestTestServer.start(apiKey: "key_ingest_0123456789")
        let socket = try LoopbackSocket()
        try socket.connect(to: ingest.server.port)

        try socket.send(expecting("/api/events/trackBulk", length: 4 << 20, apiKey: "nope"))
        let answer = await socket.readAnswer() ?? "no answer"
        #expect(answer.hasPrefix("HTTP/1.1 401 "), "\(answer)")
        #expect(answer.contains(#""code":"BadApiKey""#), "\(answer)")
        socket.close()

        let keyed = try LoopbackSocket()
        try keyed.connect(to: ingest.server.port)
        try keyed.send(expecting("/api/users/update", length: 2, apiKey: "key_ingest_0123456789"))
        #expect(await keyed.read(through: "\r\n\r\n") == "HTTP/1.1 100 Continue\r\n\r\n")
        keyed.close()
        try await ingest.shutdown()
    }

    /// A request answered without its body got `100 Continue` all the same, and then its 404,
    /// 405 or 415: the client sent up to 4 MiB for nothing. A path no route takes, a route asked
    /// with a method it does not take, a compressed body and a lookup are answered from the head
    /// alone, as a wrong key is; a route that reads the body still gets `100 Continue`.
    @Test(arguments: [
        ("POST", "/api/events/trak", "", "HTTP/1.1 404 "),
        ("PUT", "/api/users/update", "", "HTTP/1.1 405 "),
        ("POST", "/api/users/ada@example.com", "", "HTTP/1.1 405 "),
        ("POST", "/api/events/track", "Content-Encoding: gzip\r\n", "HTTP/1.1 415 "),
        ("GET", "/api/users/ada@example.com", "", "HTTP/1.1 200 "),
        ("POST", "/api//users/bulkUpdate/", "", "HTTP/1.1 100 Continue"),
    ])
    func anAnswerTheHeadDecidesComesWithoutAContinue(method: String, path: String, headers: String, first: String) async throws {
        let ingest = try await IngestTestServer.start()
        let socket = try LoopbackSocket()
        try socket.connect(to: ingest.server.port)

        try socket.send(expecting(path, length: 4 << 20, method: method, headers: headers))
        let answer = await socket.read(through: "\r\n\r\n") ?? "no answer"
        #expect(answer.hasPrefix(first), "\(answer)")
        socket.close()
        try await ingest.shutdown()
    }

    /// The receiver takes bodies up to 1 MiB; a larger one is refused from the head alone too.
    @Test func theReceiverRefusesABodyDeclaredOverItsLimitBeforeItIsSent() async throws {
        let receiver = try await Receiver.start()
        let socket = try LoopbackSocket()
        try socket.connect(to: receiver.port)

        try socket.send(expecting("/v1/letters", length: 2 << 20))
        let answer = await socket.readAnswer() ?? "no answer"
        #expect(answer.hasPrefix("HTTP/1.1 413 "), "\(answer)")
        socket.close()
        await receiver.shutdown()
    }

    /// An answer from the head to a request that asked for `100 Continue` (RFC 9110 §10.1.1)
    /// leaves its client free to send the body or not: it said nothing of the connection, and a
    /// client that skipped the body had its next request read as the body (a 400, or a 413's
    /// drain that waited 60 s). It says `Connection: close` and closes, the next request unread.
    @Test(arguments: [
        ("/api/events/track", 40, "nope", "", "HTTP/1.1 401 "),
        ("/api/events/trak", 40, nil, "", "HTTP/1.1 404 "),
        ("/api/events/track", 40, nil, "Content-Encoding: gzip\r\n", "HTTP/1.1 415 "),
        ("/api/events/track", 5 << 20, nil, "", "HTTP/1.1 413 "),
        ("/v1/letters", 2 << 20, nil, "", "HTTP/1.1 413 "),
    ])
    func anAnswerWithoutAContinueClosesTheConnection(
        path: String, length: Int, apiKey: String?, headers: String, first: String
    ) async throws {
        let receiver = try await Receiver.start()
        let ingest = try await IngestTestServer.start(apiKey: "key_ingest_0123456789")
        let socket = try LoopbackSocket()
        try socket.connect(to: path.hasPrefix("/api/") ? ingest.server.port : receiver.port)

        try socket.send(expecting(path, length: length, apiKey: apiKey ?? "key_ingest_0123456789", headers: headers))
        let answer = await socket.readAnswer() ?? "no answer"
        #expect(answer.hasPrefix(first), "\(answer)")
        #expect(answer.lowercased().contains("\r\nconnection: close\r\n"), "\(answer)")
        try? socket.send("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        #expect(await socket.readUntilClosed(within: 10) == "")
        socket.close()
        await receiver.shutdown()
        try await ingest.shutdown()
    }

    @Test func theReceiverAnswersContinueThenTakesTheBody() async throws {
        let receiver = try await Receiver.start()
        let socket = try LoopbackSocket()
        try socket.connect(to: receiver.port)

        try socket.send(expecting("/v1/letters", length: 7))
        #expect(await socket.read(through: "\r\n\r\n") == "HTTP/1.1 100 Continue\r\n\r\n")
        try socket.send(#"{"a":1}"#)
        let answer = await socket.readAnswer() ?? "no answer"
        #expect(answer.hasPrefix("HTTP/1.1 200 OK\r\n"), "\(answer)")
        #expect(answer.hasSuffix(#""received":7}"#), "\(answer)")
        socket.close()
        await receiver.shutdown()
    }
}
