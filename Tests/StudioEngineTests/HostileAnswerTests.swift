import NIOCore
import StudioModel
import Testing

@testable import StudioEngine

/// Answers a hostile or broken HTTP server gives, past delivery.md §9's rows, against the real
/// ``DeliveryClient`` on 127.0.0.1: what the attempt records, and whether the connection is
/// trusted with the next request.
struct HostileAnswerTests {
    /// A 101 switches the connection to another protocol; SwiftNIO's decoder stops parsing
    /// there. Kept in the pool, the connection would swallow the next request's answer and that
    /// attempt would end as a timeout. No request asks for an upgrade, so it is an
    /// `invalid_response` (it was recorded as a final 101: ResponseHeadTests).
    @Test func aSwitchingProtocolsAnswerIsRefusedAndItsConnectionNotReused() async throws {
        let answer = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n"
        let server = try await RawAnswerServer.start(answer: Array(answer.utf8), keepOpen: true)
        let records = try await withLoopbackClient(.patient) { client in
            var records: [AttemptRecord] = []
            for _ in 0..<2 {
                records.append(await client.send(makeRequest(server.baseURL + "/hook"), origin: .init(), timeout: .seconds(15)))
            }
            return records
        }
        try await server.shutdown()

        #expect(records.map(\.status) == [nil, nil], "\(records.map(\.outcome))")
        #expect(records.allSatisfy { $0.outcome.errorClass == "invalid_response" }, "\(records.map(\.outcome))")
    }

    /// An answer the HTTP/1.1 parser rejects is an `invalid_response` whose message says what
    /// is wrong with it, not the parser's state.
    @Test(arguments: [
        ("HTTP/2 200\r\ncontent-length: 0\r\n\r\n", "a protocol other than HTTP/1.0 or HTTP/1.1", true),
        ("I am not a web server\r\n\r\n", "does not start with an HTTP status line", true),
        ("HTTP/1.1 20", "closed the connection in the middle of it", false),
        // SwiftNIO's decoder refuses a status that is not three digits; one outside 100–599 it takes
        // (aStatusOutsideOneHundredToFiveNinetyNineIsAnInvalidResponse).
        ("HTTP/1.1 2000 OK\r\nContent-Length: 0\r\n\r\n", "its status line has no valid status code", false),
        ("HTTP/1.1 2x0 OK\r\nContent-Length: 0\r\n\r\n", "its status line has no valid status code", false),
        ("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 5\r\n\r\nokay!", "Content-Length more than once, with different values", false),
        // Content-Length beside Transfer-Encoding is read as RFC 9112 §6.3 says (ResponseHeadTests).
        ("HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n", "Content-Length is not a number", false),
        ("HTTP/1.1 200 OK\r\nNo colon here\r\nContent-Length: 0\r\n\r\n", "a header line is malformed", false),
        ("HTTP/1.1 200 OK\r\nX-Nul: a\u{0}b\r\nContent-Length: 0\r\n\r\n", "a header line is malformed", false),
        // Was "does not start with an HTTP status line", with a hint to check the url's port.
        ("HTTP/1.1 200 OK\r\nX-Cr: a\rb\r\nContent-Length: 1\r\n\r\nx", "a line does not end in CRLF", false),
        ("HTTP/1.1 200 OK\r\nX-Big: " + String(repeating: "a", count: 200_000) + "\r\n\r\n", "larger than the 80 KiB", false),
    ] as [(String, String, Bool)])
    func anAnswerThatIsNotHTTPSaysWhatIsWrongWithIt(answer: String, explanation: String, otherProtocol: Bool) async throws {
        let server = try await RawAnswerServer.start(answer: Array(answer.utf8))
        let record = try await withLoopbackClient(.patient) { client in
            await client.send(makeRequest(server.baseURL + "/hook"), origin: .init())
        }
        try await server.shutdown()

        #expect(record.status == nil)
        guard case .failed(let errorClass, let message) = record.outcome else {
            Issue.record("recorded as \(record.outcome)")
            return
        }
        #expect(errorClass == "invalid_response")
        #expect(message.hasPrefix("the answer is not valid HTTP/1.1: "), "\(message)")
        #expect(message.contains(explanation), "\(message)")
        // Only an answer in another protocol points at the url's port; a wrongly written HTTP
        // answer points at the server.
        let hint = try #require(DeliveryOutcomeClass.hint(for: record))
        #expect(hint.contains("check that the url's port") == otherProtocol, "\(hint)")
        #expect(hint.contains("fix the server") == !otherProtocol, "\(hint)")
    }

    /// RFC 9112 §5.2: a user agent replaces an obs-fold of a response with SP before it reads the
    /// value (``BareLineFeedHandler``). The answer was an `invalid_response`, retried 8 times.
    @Test func aFoldedHeaderIsRecordedWithItsFoldAsSpaces() async throws {
        let answer = "HTTP/1.1 200 OK\r\nX-Folded: one\r\n two\r\nContent-Length: 2\r\n\r\nok"
        let server = try await RawAnswerServer.start(answer: Array(answer.utf8))
        let record = try await withLoopbackClient(.patient) { client in
            await client.send(makeRequest(server.baseURL + "/hook"), origin: .init())
        }
        try await server.shutdown()

        #expect(record.status == 200, "\(record.outcome)")
        #expect(record.responseHeaders.first { $0.name == "X-Folded" }?.value == "one   two")
    }

    /// RFC 9110 §5.5: the spaces and tabs before a field line's end are not part of the value.
    /// They were recorded with it, so a stored `Retry-After` or `Content-Type` differed from
    /// what a server meant.
    @Test func aHeaderValueIsRecordedWithoutTheWhitespaceThatEndsItsLine() async throws {
        let answer = "HTTP/1.1 200 OK\r\nX-Padded: one two \t \r\nContent-Length:    2   \r\n\r\nok"
        let server = try await RawAnswerServer.start(answer: Array(answer.utf8))
        let record = try await withLoopbackClient(.patient) { client in
            await client.send(makeRequest(server.baseURL + "/hook"), origin: .init())
        }
        try await server.shutdown()

        #expect(record.status == 200, "\(record.outcome)")
        #expect(record.responseHeaders.first { $0.name == "X-Padded" }?.value == "one two")
        #expect(record.responseHeaders.first { $0.name == "Content-Length" }?.value == "2")
        #expect(record.responseBody == "ok")
    }

    /// SwiftNIO's decoder takes any three digits for a status; RFC 9110 §15 has them from 100 to
    /// 599. A code outside that is the server breaking the protocol: no status is recorded (it
    /// was recorded as 0 and classed `http_5xx`), the attempt is an `invalid_response` naming the
    /// status line, retried as one, and the exchange and the HAR show an attempt without an answer,
    /// as for any other answer that is not HTTP.
    @Test(arguments: [
        ("HTTP/1.1 000 Nothing\r\nContent-Length: 2\r\n\r\nok", "HTTP/1.1 000"),
        ("HTTP/1.1 099\r\nContent-Length: 0\r\n\r\n", "HTTP/1.1 099"),
        ("HTTP/1.0 600 Beyond\r\n\r\nbody", "HTTP/1.0 600"),
        ("HTTP/1.1 999 Library Error\nContent-Length: 0\n\n", "HTTP/1.1 999"),
    ])
    func aStatusOutsideOneHundredToFiveNinetyNineIsAnInvalidResponse(answer: String, statusLine: String) async throws {
        let server = try await RawAnswerServer.start(answer: Array(answer.utf8))
        let record = try await withLoopbackClient(.patient) { client in
            await client.send(makeRequest(server.baseURL + "/hook"), origin: .init())
        }
        try await server.shutdown()

        #expect(record.status == nil)
        #expect(record.responseStatusLine == nil)
        #expect(record.responseHeaders.isEmpty && record.responseBody.isEmpty)
        let message =
            "the answer is not valid HTTP/1.1: its status line starts \"\(statusLine)\": a status code is three digits from 100 to 599 (RFC 9110 §15)"
        #expect(record.outcome == .failed(errorClass: "invalid_response", message: message), "\(record.outcome)")
        let outcome = DeliveryOutcomeClass.classify(record)
        #expect(outcome == .invalidResponse && outcome.isRetryable)

        // HAR writes every attempt without an answer as status 0 with its error, as browsers do.
        let har = AttemptHAR.document(for: [record], creatorVersion: "test", reasonPhrase: AttemptRecord.reasonPhrase(of:))
        let entry = try #require(har["log"]?["entries"]?.arrayValue?.first)
        #expect(entry["_error"]?.stringValue == "invalid_response: \(message)")
        #expect(entry["response"]?["statusText"]?.stringValue == "")
        #expect(entry["response"]?["headers"]?.arrayValue?.isEmpty == true)
    }

    /// Over HTTPS a server that closes without answering (after the handshake, without
    /// `close_notify`) is described as over plain HTTP, not as a TLS failure.
    @Test(arguments: [false, true])
    func aServerThatClosesWithoutAnsweringSaysSoOverEitherTransport(tls: Bool) async throws {
        let server = try await RawAnswerServer.start(answer: [], certificate: tls ? "valid" : nil)
        let record = try await withLoopbackClient(.patient) { client in
            await client.send(
                makeRequest(server.baseURL + "/hook"), origin: .init(), trustRoots: tls ? try DeliveryTLSTests.testCA() : nil)
        }
        try await server.shutdown()

        #expect(record.status == nil)
        #expect(record.outcome == .failed(errorClass: "connection_reset", message: "the server closed the connection before answering"))
    }

    /// A failed handshake says what went wrong in words, not as BoringSSL's error stack: a
    /// server that drops the connection in the middle of it, and one that answers in plain HTTP
    /// (an `https://` URL to a plain-HTTP port).
    @Test(arguments: [
        ("", "TLS handshake failed: the server closed the connection during the handshake"),
        ("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n", "TLS handshake failed: the server did not answer in TLS (is the endpoint plain http://?)"),
    ])
    func aFailedHandshakeSaysWhy(answer: String, message: String) async throws {
        let server = try await RawAnswerServer.start(answer: Array(answer.utf8))
        let record = try await withLoopbackClient(.patient) { client in
            await client.send(makeRequest("https://127.0.0.1:\(server.port)/hook"), origin: .init())
        }
        try await server.shutdown()

        #expect(record.status == nil)
        #expect(record.outcome == .failed(errorClass: "tls_error", message: message))
    }

    /// Bytes after a 204, which has no body, are not HTTP: the connection is closed by the
    /// exchange handler, over either transport, and the next request, which may
    /// already have been given it, goes on a new one instead of failing unsent.
    @Test(arguments: [false, true])
    func strayBytesAfterAnAnswerDoNotFailTheNextRequest(tls: Bool) async throws {
        let answer = "HTTP/1.1 204 No Content\r\n\r\nstray"
        let server = try await RawAnswerServer.start(answer: Array(answer.utf8), keepOpen: true, certificate: tls ? "valid" : nil)
        let roots = tls ? try DeliveryTLSTests.testCA() : nil
        let records = try await withLoopbackClient(.patient) { client in
            var records: [AttemptRecord] = []
            for _ in 0..<3 {
                records.append(await client.send(makeRequest(server.baseURL + "/hook"), origin: .init(), trustRoots: roots))
            }
            return records
        }
        try await server.shutdown()

        #expect(records.map(\.status) == [204, 204, 204], "\(records.map(\.outcome))")
        #expect(records.allSatisfy { $0.responseBody.isEmpty })
    }

    /// A server that closes each connection after answering, without `Connection: close`, as
    /// servers do with idle keep-alive connections: requests sent back to back find a connection
    /// the pool still holds, and go once more on a new one.
    @Test(arguments: [false, true])
    func connectionsTheServerClosesAfterEachAnswerAreReplacedWithoutAFailure(tls: Bool) async throws {
        let answer = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"
        let server = try await RawAnswerServer.start(answer: Array(answer.utf8), certificate: tls ? "valid" : nil)
        let roots = tls ? try DeliveryTLSTests.testCA() : nil
        let records = try await withLoopbackClient(.patient) { client in
            var records: [AttemptRecord] = []
            for _ in 0..<10 {
                records.append(await client.send(makeRequest(server.baseURL + "/hook"), origin: .init(), trustRoots: roots))
            }
            return records
        }
        try await server.shutdown()

        #expect(records.map(\.status) == Array(repeating: 200, count: 10), "\(records.map(\.outcome))")
    }

    /// A secret the receiver echoes across the 64 KiB cut is kept whole by neither the body
    /// nor the masker: the part before the cut is not stored either.
    @Test func aSecretCutByTheSizeLimitIsNotStoredInPart() async throws {
        let secret = "sec_271828182845"
        let body = String(repeating: "a", count: 64 * 1024 - 6) + secret + " and more"
        let answer = "HTTP/1.1 200 OK\r\nContent-Length: \(body.utf8.count)\r\n\r\n" + body
        let server = try await RawAnswerServer.start(answer: Array(answer.utf8))
        let record = try await withLoopbackClient(.patient) { client in
            await client.send(makeRequest(server.baseURL + "/hook", secrets: [secret]), origin: .init())
        }
        try await server.shutdown()

        #expect(record.status == 200)
        #expect(record.responseTruncated)
        #expect(!record.responseBody.hasSuffix("sec_27"))
        #expect(record.responseBody == String(repeating: "a", count: 64 * 1024 - 6))
    }

    /// A receiver that echoes a secret into its answer's headers, in a name or in a value, gets
    /// it masked in the record.
    @Test func aSecretEchoedIntoAResponseHeaderIsMaskedInItsNameAndItsValue() async throws {
        let secret = "sec_271828182845"
        let answer = "HTTP/1.1 302 Found\r\nX-\(secret): 1\r\nLocation: https://example.com/?t=\(secret)\r\nContent-Length: 0\r\n\r\n"
        let server = try await RawAnswerServer.start(answer: Array(answer.utf8))
        let record = try await withLoopbackClient(.patient) { client in
            await client.send(makeRequest(server.baseURL + "/hook", secrets: [secret]), origin: .init())
        }
        try await server.shutdown()

        #expect(record.status == 302)
        #expect(record.responseHeaders.map(\.name) == ["X-\(SecretMasker.mask)", "Location", "Content-Length"])
        #expect(!String(describing: record.responseHeaders).contains(secret))
    }

    /// SwiftNIO's decoder keeps a status line until it ends and limits only the header fields:
    /// an endless reason phrase, after a 100 Continue too, is cut at 80 KiB, not kept growing
    /// until the deadline; over HTTPS as over plain HTTP.
    @Test(arguments: ["HTTP/1.1 200 ", "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 100 "], [false, true])
    func anEndlessStatusLineIsCutAt80KiB(start: String, tls: Bool) async throws {
        let answer = Array(start.utf8) + Array(repeating: UInt8(ascii: "O"), count: 1 << 20)
        let server = try await RawAnswerServer.start(answer: answer, keepOpen: true, certificate: tls ? "valid" : nil)
        let record = try await withLoopbackClient(.patient) { client in
            await client.send(
                makeRequest(server.baseURL + "/hook"), origin: .init(), timeout: .seconds(120),
                trustRoots: tls ? try DeliveryTLSTests.testCA() : nil)
        }
        try await server.shutdown()

        #expect(record.status == nil)
        #expect(record.outcome.errorClass == "invalid_response", "\(record.outcome)")
        #expect(DeliveryOutcomeClass.classify(record).isRetryable)
    }
}
