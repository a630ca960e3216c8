#if canImport(Glibc)
import Glibc
#endif
import Foundation
import NIOCore
import StudioEngine
import StudioModel
import Testing

/// delivery.md §9, the rows about a single attempt: the real ``DeliveryClient`` against the
/// scripted receiver on 127.0.0.1. Retries, schedules and pausing are the executor's, tested elsewhere.
///
/// Serialized because two tests measure the process's resident memory.
@Suite(.serialized)
struct DeliveryFaultTests {
    /// Error classes as `DeliveryClient` labels them today; delivery.md §8.4 names are in the comments.
    enum Label {
        static let timeout = "timeout"  // §8.4 `timeout`
        static let connectTimeout = "timeout"  // §8.4 `timeout` (connect budget)
        static let refused = "connection_refused"  // §8.4
        static let reset = "connection_reset"  // §8.4
    }

    // MARK: - Rows 1, 2, 24: successes

    @Test func row1TwoHundredIsOneSuccessfulAttemptWithItsDurationAndIDs() async throws {
        let log = RequestLog()
        let receiver = try await Receiver.start(script: try script("{path: /hook, response: {status: 200}}")) { log.append($0) }
        let request = makeRequest(receiver.baseURL + "/hook")
        let record = await send(request)
        await receiver.shutdown()

        #expect(record.status == 200)
        #expect(record.outcome == .success)
        #expect(record.latencyMilliseconds > 0)
        #expect(record.deliveryID == request.deliveryID)
        let received = log.all
        #expect(received.count == 1)
        #expect(received.first?.header("webhook-id") == request.deliveryID)
        #expect(received.first?.header("Idempotency-Key") == request.deliveryID)
        #expect(received.first?.body == request.body)
    }

    @Test(arguments: [202, 204])
    func row2AcceptedOrNoContentWithoutABodyIsASuccess(status: Int) async throws {
        let receiver = try await Receiver.start(script: try script("{path: /hook, response: {status: \(status)}}"))
        let record = await send(makeRequest(receiver.baseURL + "/hook"))
        await receiver.shutdown()

        #expect(record.status == status)
        #expect(record.outcome == .success)
        #expect(record.responseBody.isEmpty)
        #expect(!record.responseTruncated)
    }

    @Test func row24TwoHundredWithAnErrorBodyIsStillASuccess() async throws {
        let receiver = try await Receiver.start(
            script: try script(#"{path: /hook, response: {status: 200, body: '{"error":"quota exceeded"}'}}"#))
        let record = await send(makeRequest(receiver.baseURL + "/hook"))
        await receiver.shutdown()

        #expect(record.status == 200)
        #expect(record.outcome == .success)
        #expect(record.responseBody == #"{"error":"quota exceeded"}"#)
    }

    // MARK: - Rows 9, 12, 13: statuses that are not 2xx

    @Test(arguments: [400, 401, 403, 404, 422])
    func row9ClientErrorIsRecordedWithItsStatusAfterOneRequest(status: Int) async throws {
        let log = RequestLog()
        let receiver = try await Receiver.start(
            script: try script(#"{path: /hook, response: {status: \#(status), body: '{"message":"bad"}'}}"#)) { log.append($0) }
        let record = await send(makeRequest(receiver.baseURL + "/hook"))
        await receiver.shutdown()

        #expect(record.status == status)
        #expect(record.outcome == .httpError)
        #expect(record.responseBody == #"{"message":"bad"}"#)
        #expect(log.all.count == 1)
    }

    @Test func row12NotImplementedIsRecordedAsAnHTTPErrorWithItsStatus() async throws {
        let receiver = try await Receiver.start(script: try script("{path: /hook, response: {status: 501}}"))
        let record = await send(makeRequest(receiver.baseURL + "/hook"))
        await receiver.shutdown()

        #expect(record.status == 501)
        #expect(record.outcome == .httpError)
    }

    @Test(arguments: [301, 302, 307, 308])
    func row13RedirectIsRecordedWithLocationAndTheTargetGetsNothing(status: Int) async throws {
        let targetLog = RequestLog()
        let target = try await Receiver.start { targetLog.append($0) }
        let location = target.baseURL + "/new-home"
        let receiver = try await Receiver.start(
            script: try script("{path: /hook, response: {status: \(status), headers: {Location: '\(location)'}}}"))
        let record = await send(makeRequest(receiver.baseURL + "/hook"))
        await receiver.shutdown()
        await target.shutdown()

        #expect(record.status == status)
        #expect(record.outcome == .httpError)
        #expect(record.responseHeaders.first { $0.name.lowercased() == "location" }?.value == location)
        #expect(targetLog.all.isEmpty)
    }

    // MARK: - Rows 14, 15, 16: deadlines

    @Test func row14HeadersLaterThanTheDeadlineEndTheAttemptAsTimeoutAtTheDeadline() async throws {
        // The answer would come after 30 s; the bounds leave a loaded machine 9 s of stalls.
        let receiver = try await Receiver.start(script: try script("{path: /hook, response: {delay: 30s}}"))
        var configuration = DeliveryClient.Configuration()
        configuration.timeout = .seconds(1)
        let record = await send(makeRequest(receiver.baseURL + "/hook"), configuration: configuration)
        await receiver.shutdown()

        #expect(record.status == nil)
        #expect(record.outcome.errorClass == Label.timeout)
        #expect((900...10_000).contains(record.latencyMilliseconds))
    }

    @Test func row15TwoHundredThenADripIsASuccessEndedByTheDeadline() async throws {
        // 300 bytes, one every 100 ms: 30 s of body against a 1 s deadline.
        let receiver = try await Receiver.start(
            script: try script("{path: /hook, response: {status: 200, bodyBytes: 300, drip: {bytes: 1, every: 100ms}}}"))
        var configuration = DeliveryClient.Configuration()
        configuration.timeout = .seconds(1)
        let started = ContinuousClock.now
        let record = await send(makeRequest(receiver.baseURL + "/hook"), configuration: configuration)
        let elapsed = ContinuousClock.now - started
        await receiver.shutdown()

        #expect(record.status == 200)
        #expect(record.outcome == .success)
        #expect(record.responseTruncated)
        #expect(record.responseBody.utf8.count < 100)
        #expect(elapsed < .seconds(10))
    }

    @Test func row16ListenerThatNeverAcceptsEndsAsATimeoutWithinTheConnectBudget() async throws {
        let listener = try FullBacklogListener()
        defer { listener.close() }
        var configuration = DeliveryClient.Configuration()
        configuration.connectTimeout = .seconds(1)
        configuration.timeout = .seconds(15)
        let record = await send(makeRequest("http://127.0.0.1:\(listener.port)/hook"), configuration: configuration)

        #expect(record.status == nil)
        #expect([Label.connectTimeout, Label.timeout].contains(record.outcome.errorClass))
        // Well before the 15 s deadline, with room for a loaded machine.
        #expect(record.latencyMilliseconds < 8_000)
    }

    // MARK: - Rows 17, 18: the connection fails

    @Test func row17ClosedPortIsRecordedAsRefusedPromptly() async throws {
        // Bound but not listening: connects are refused, and no other test can take the port.
        let closed = try LoopbackSocket()
        defer { closed.close() }
        let port = try closed.bind()
        var configuration = DeliveryClient.Configuration()
        configuration.timeout = .seconds(15)
        let record = await send(makeRequest("http://127.0.0.1:\(port)/hook"), configuration: configuration)

        #expect(record.status == nil)
        #expect(record.outcome.errorClass == Label.refused)
        #expect(record.latencyMilliseconds < 8_000)
    }

    @Test func row18ResetBeforeTheStatusLineIsRecordedAsReset() async throws {
        let log = RequestLog()
        let receiver = try await Receiver.start(script: try script("{path: /hook, response: {reset: true}}")) { log.append($0) }
        let request = makeRequest(receiver.baseURL + "/hook")
        let record = await send(request)
        await receiver.shutdown()

        #expect(record.status == nil)
        #expect(record.outcome.errorClass == Label.reset)
        #expect(log.all.count == 1)
        #expect(log.all.first?.wasReset == true)
        #expect(log.all.first?.header("webhook-id") == request.deliveryID)
    }

    // MARK: - Rows 21, 22, 23: response bodies

    @Test func row21HundredMegabyteBodyKeepsOnly64KiBWithBoundedMemory() async throws {
        let receiver = try await Receiver.start(script: try script("{path: /hook, response: {bodyBytes: 100MB}}"))
        let before = try residentBytes()
        let record = await send(makeRequest(receiver.baseURL + "/hook"))
        let after = try residentBytes()
        await receiver.shutdown()

        #expect(record.status == 200)
        #expect(record.outcome == .success)
        #expect(record.responseBody.utf8.count == 64 * 1024)
        #expect(record.responseTruncated)
        #expect(after - before < 50 * 1024 * 1024, "RSS grew by \((after - before) >> 20) MiB")
    }

    @Test func row22GzipBombIsNeitherAskedForNorInflated() async throws {
        let log = RequestLog()
        let receiver = try await Receiver.start(script: try script("{path: /hook, response: {gzipBomb: 1GiB}}")) { log.append($0) }
        let before = try residentBytes()
        let record = await send(makeRequest(receiver.baseURL + "/hook"))
        let after = try residentBytes()
        await receiver.shutdown()

        let acceptEncoding = log.all.first?.header("Accept-Encoding") ?? ""
        #expect(!acceptEncoding.lowercased().contains("gzip"))
        #expect(record.status == 200)
        #expect(record.outcome == .success)
        #expect(record.responseHeaders.contains { $0.name.lowercased() == "content-encoding" && $0.value == "gzip" })
        // Kept as received (binary, so base64): the gzip magic number, not inflated zeros.
        #expect(record.responseBodyIsBase64)
        #expect(Data(base64Encoded: record.responseBody)?.prefix(2) == Data([0x1F, 0x8B]))
        #expect(record.responseTruncated)
        #expect(after - before < 50 * 1024 * 1024, "RSS grew by \((after - before) >> 20) MiB")
    }

    @Test func row23BinaryBodyIsStoredAsBase64WithAFlagWithoutFailingTheAttempt() async throws {
        let bytes: [UInt8] = [0xFF, 0xFE, 0x00, 0x80, 0xC3, 0x28] + Array("ok".utf8)
        let base64 = Data(bytes).base64EncodedString()
        let receiver = try await Receiver.start(script: try script("{path: /hook, response: {bodyBase64: '\(base64)'}}"))
        let record = await send(makeRequest(receiver.baseURL + "/hook"))
        await receiver.shutdown()

        #expect(record.status == 200)
        #expect(record.outcome == .success)
        #expect(record.responseBodyIsBase64)
        #expect(Data(base64Encoded: record.responseBody) == Data(bytes), "the exact bytes are kept")
        #expect(AttemptJSON.jsonLine(record).contains(#""responseBodyBase64":true"#))
    }

    /// A NUL byte cut the stored body there, SQLite's text ending at it: `logs` and the HAR
    /// export showed `a` of `a\0b…`, unflagged.
    @Test func row23ABodyWithANULByteIsStoredAsBase64AndReadsBackWhole() async throws {
        let bytes = Array("a".utf8) + [0] + Array("b, and the rest".utf8)
        let receiver = try await Receiver.start(
            script: try script("{path: /hook, response: {bodyBase64: '\(Data(bytes).base64EncodedString())'}}"))
        let record = await send(makeRequest(receiver.baseURL + "/hook"))
        await receiver.shutdown()

        #expect(record.responseBodyIsBase64)
        let store = try SQLiteStateStore()
        _ = try store.recordAttempts([record], settling: [])
        let read = try #require(try store.recentAttempts(limit: 1).first)
        #expect(read.responseBodyIsBase64)
        #expect(Data(base64Encoded: read.responseBody) == Data(bytes))
    }

    @Test func row23ASecretEchoedInsideABinaryBodyIsMaskedBeforeItIsEncoded() async throws {
        let secret = "sec_binary_0123456789"
        let bytes: [UInt8] = [0xFF, 0x00] + Array(secret.utf8) + [0x80]
        let receiver = try await Receiver.start(
            script: try script("{path: /hook, response: {bodyBase64: '\(Data(bytes).base64EncodedString())'}}"))
        let record = await send(makeRequest(receiver.baseURL + "/hook", secrets: [secret]))
        await receiver.shutdown()

        #expect(record.responseBodyIsBase64)
        let stored = try #require(Data(base64Encoded: record.responseBody))
        #expect(stored == Data([0xFF, 0x00] + Array(SecretMasker.mask.utf8) + [0x80]))
    }

    @Test func row23TextCutInsideACharacterAtTheSizeLimitStaysText() async throws {
        // 25,000 three-byte characters: the 64 KiB cut falls inside one.
        let text = String(repeating: "€", count: 25_000)
        let receiver = try await Receiver.start(script: try script("{path: /hook, response: {body: '\(text)'}}"))
        let record = await send(makeRequest(receiver.baseURL + "/hook"))
        await receiver.shutdown()

        #expect(record.responseTruncated)
        #expect(!record.responseBodyIsBase64)
        #expect(record.responseBody == String(repeating: "€", count: 65_536 / 3))
    }

    // MARK: - Row 47: secrets

    @Test func row47CredentialsAndSecretsReachTheWireButNeverTheRecord() async throws {
        let token = "tok_live_9f8e7d6c5b4a"
        let apiKey = "key_31415926535"
        let bodySecret = "sec_271828182845"
        let cookie = "session=ck_161803398874"
        let log = RequestLog()
        let receiver = try await Receiver.start(
            script: try script(
                "{path: /hook, response: {status: 500, headers: {Set-Cookie: '\(cookie)'}, body: 'bad token \(token)'}}")
        ) { log.append($0) }
        let request = makeRequest(
            receiver.baseURL + "/hook",
            headers: [HeaderField("Authorization", "Bearer \(token)"), HeaderField("X-API-Key", apiKey)],
            body: #"{"password": "\#(bodySecret)"}"#, secrets: [token, apiKey, bodySecret])
        let record = await send(request)
        await receiver.shutdown()

        let wire = try #require(log.all.first)
        #expect(wire.header("Authorization") == "Bearer \(token)")
        #expect(wire.header("X-API-Key") == apiKey)
        #expect(wire.body.contains(bodySecret))

        #expect(record.status == 500)
        #expect(record.responseHeaders.contains { $0.name.lowercased() == "set-cookie" })
        let stored = String(describing: record)
        for secret in [token, apiKey, bodySecret, "ck_161803398874"] {
            #expect(!stored.contains(secret), "the record holds \(secret)")
        }
    }

    @Test func row47ApiKeyQueryParameterIsMaskedInTheRecordedURL() async throws {
        let receiver = try await Receiver.start(script: try script("{pathPrefix: /hook, response: {status: 200}}"))
        let record = await send(makeRequest(receiver.baseURL + "/hook?api_key=qk_577215664901&user=ada"))
        await receiver.shutdown()

        #expect(record.status == 200)
        #expect(!record.url.contains("qk_577215664901"))
        #expect(record.url.hasSuffix("/hook?api_key=••••••&user=ada"))
    }

    // MARK: - Helpers

    // MARK: - Answers that are not HTTP

    /// The hint points at the url's port for another protocol, at the server for HTTP it wrote wrongly.
    @Test(arguments: [
        ("SSH-2.0-OpenSSH_9.2\r\n", "did not answer in HTTP"),
        ("HTTP/1.1 200 OK\r\nX-Big: " + String(repeating: "a", count: 200_000) + "\r\nContent-Length: 0\r\n\r\n", "fix the server"),
    ])
    func anAnswerThatIsNotHTTPIsAnInvalidResponseAndRetried(answer: String, hint: String) async throws {
        let server = try await RawAnswerServer.start(answer: Array(answer.utf8))
        let record = await send(makeRequest(server.baseURL + "/hook"))
        try await server.shutdown()

        #expect(record.status == nil)
        #expect(record.outcome.errorClass == "invalid_response", "\(record.outcome)")
        let outcome = DeliveryOutcomeClass.classify(record)
        #expect(outcome == .invalidResponse)
        #expect(outcome.isRetryable)
        #expect(DeliveryOutcomeClass.hint(for: record)?.contains(hint) == true)
    }

    /// An SSH server greets first, before any request: the attempt is an invalid response that
    /// says so, not a reset or an unreachable network. Twice, so the banner meets both a request
    /// not yet written and one already on its way.
    @Test func aServerThatGreetsFirstInAnotherProtocolIsAnInvalidResponse() async throws {
        let server = try await RawAnswerServer.start(answer: Array("SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n".utf8), onConnect: true)
        for _ in 0..<2 {
            let record = await send(makeRequest(server.baseURL + "/hook"))
            #expect(record.outcome.errorClass == "invalid_response", "\(record.outcome)")
        }
        try await server.shutdown()
    }

    @Test(arguments: [
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n",
        "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nshort",
    ])
    func aTwoHundredWhoseBodyEndsEarlyIsASuccessWithAnIncompleteBody(answer: String) async throws {
        let server = try await RawAnswerServer.start(answer: Array(answer.utf8))
        let record = await send(makeRequest(server.baseURL + "/hook"))
        try await server.shutdown()

        // The status decides the attempt (§8.2); the body is marked as not the whole answer.
        #expect(record.status == 200)
        #expect(record.outcome == .success)
        #expect(record.responseTruncated)
    }

    /// Answers that are odd but valid HTTP/1.x: each is read as a server meant it.
    @Test(arguments: [
        // HTTP/1.0, the body delimited by the close.
        ("HTTP/1.0 200 OK\r\n\r\nhello", 200, "hello"),
        // HTTP/1.1 without a length: also until the close.
        ("HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nuntil close", 200, "until close"),
        // Informational answers before the real one are skipped.
        ("HTTP/1.1 103 Early Hints\r\nLink: </a.css>\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\nok", 201, "ok"),
        ("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", 200, "ok"),
        // Answered before the body was read (413), then closed.
        ("HTTP/1.1 413 Payload Too Large\r\nContent-Length: 0\r\nConnection: close\r\n\r\n", 413, ""),
        // Bytes after the declared length are not part of the answer.
        ("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokGARBAGE", 200, "ok"),
        // A 204 has no body whatever follows it.
        ("HTTP/1.1 204 No Content\r\n\r\nstray", 204, ""),
        // A 205 has no content either, but its headers frame it (RFC 9112 §6.3): here, in chunks.
        ("HTTP/1.1 205 Reset Content\nTransfer-Encoding: chunked\n\n0\n\n", 205, ""),
        // No reason phrase.
        ("HTTP/1.1 503\r\nContent-Length: 4\r\n\r\nbusy", 503, "busy"),
        // Lines ended by a bare LF (RFC 9112 §2.2 lets a recipient take them): the head is read,
        // the body kept byte for byte.
        ("HTTP/1.1 200 OK\nContent-Type: text/plain\nContent-Length: 5\n\na\nbc\n", 200, "a\nbc\n"),
        ("HTTP/1.1 100 Continue\n\nHTTP/1.1 201 Created\nContent-Length: 2\n\nok", 201, "ok"),
        ("HTTP/1.1 200 OK\r\nContent-Length: 2\n\r\nok", 200, "ok"),
        ("HTTP/1.0 200 OK\n\nhello\n", 200, "hello\n"),
        ("HTTP/1.1 200 OK\nTransfer-Encoding: chunked\n\n3\no\nk\n0\n\n", 200, "o\nk"),
        // Chunked, with an extension and a trailer.
        ("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2;x=y\r\nok\r\n0\r\nX-T: 1\r\n\r\n", 200, "ok"),
    ])
    func anOddButValidAnswerIsReadAsTheServerMeantIt(answer: String, status: Int, body: String) async throws {
        let server = try await RawAnswerServer.start(answer: Array(answer.utf8))
        let record = await send(makeRequest(server.baseURL + "/hook"))
        try await server.shutdown()

        #expect(record.status == status, "\(record.outcome)")
        #expect(record.responseBody == body)
        #expect(!record.responseTruncated)
        // The status line shown is the one received: an HTTP/1.0 server is not shown as 1.1.
        let version = answer.hasPrefix("HTTP/1.0") ? "HTTP/1.0" : "HTTP/1.1"
        #expect(record.responseVersion == version)
        #expect(record.responseStatusLine?.hasPrefix("\(version) \(status)") == true)
    }

    /// The reason phrase shown is the one received, which SwiftNIO's decoder does not hand on:
    /// a record keeps it when it is not the standard one (QA: `200 Alright` was shown `200 OK`).
    @Test(arguments: [
        ("HTTP/1.1 200 Alright\r\nContent-Length: 0\r\n\r\n", "HTTP/1.1 200 Alright", "Alright"),
        ("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", "HTTP/1.1 200 OK", nil),
        ("HTTP/1.1 503\r\nContent-Length: 0\r\n\r\n", "HTTP/1.1 503", ""),
        ("HTTP/1.1 404 Not  Here \r\nContent-Length: 0\r\n\r\n", "HTTP/1.1 404 Not  Here ", "Not  Here "),
        ("HTTP/1.1 100 Keep Going\n\nHTTP/1.1 201 Made It\nContent-Length: 0\n\n", "HTTP/1.1 201 Made It", "Made It"),
        ("HTTP/1.1 200 Grüße\r\nContent-Length: 0\r\n\r\n", "HTTP/1.1 200 Grüße", "Grüße"),
    ] as [(String, String, String?)])
    func theReasonPhraseShownIsTheOneReceived(answer: String, statusLine: String, kept: String?) async throws {
        let server = try await RawAnswerServer.start(answer: Array(answer.utf8))
        let record = await send(makeRequest(server.baseURL + "/hook"))
        try await server.shutdown()

        #expect(record.responseStatusLine == statusLine, "\(record.outcome)")
        #expect(record.responseReason == kept)
    }

    /// obs-text in a reason phrase that is not UTF-8 is read as Latin-1; a phrase past 256 bytes
    /// is cut there; a secret the server echoes in it is masked like anywhere else.
    @Test func aReasonPhraseIsReadAsLatin1BoundedAndMasked() async throws {
        let latin1: [UInt8] = Array("HTTP/1.1 200 Gr".utf8) + [0xFC, 0xDF] + Array("e\r\nContent-Length: 0\r\n\r\n".utf8)
        let long = Array("HTTP/1.1 500 \(String(repeating: "x", count: 10_000))\r\nContent-Length: 0\r\n\r\n".utf8)
        let echoed = Array("HTTP/1.1 401 token s3cr3t-token-value refused\r\nContent-Length: 0\r\n\r\n".utf8)
        var records: [AttemptRecord] = []
        for answer in [latin1, long, echoed] {
            let server = try await RawAnswerServer.start(answer: answer)
            var request = makeRequest(server.baseURL + "/hook")
            request.secretValues = ["s3cr3t-token-value"]
            records.append(await send(request))
            try await server.shutdown()
        }

        #expect(records[0].responseReason == "Grüße")
        #expect(records[1].responseReason == String(repeating: "x", count: 256))
        #expect(records[2].responseReason?.contains("s3cr3t") == false)
        #expect(records[2].responseReason?.hasPrefix("token ") == true)
    }

    @Test func conflictingContentLengthsAreAnInvalidResponse() async throws {
        let answer = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 5\r\n\r\nokay!"
        let server = try await RawAnswerServer.start(answer: Array(answer.utf8))
        let record = await send(makeRequest(server.baseURL + "/hook"))
        try await server.shutdown()

        #expect(record.status == nil)
        #expect(record.outcome.errorClass == "invalid_response", "\(record.outcome)")
    }

    private func send(
        _ request: PreparedRequest, configuration: DeliveryClient.Configuration = DeliveryClient.Configuration()
    ) async -> AttemptRecord {
        // The receiver is on loopback, which the default policy refuses.
        let client = DeliveryClient(configuration: configuration, networkPolicy: NetworkPolicy(allowlist: ["127.0.0.1/32"]))
        let record = await client.send(request, origin: .init(webhookID: "fault"))
        try? await client.shutdown()
        return record
    }

    /// The process's resident set size, from /proc/self/statm.
    private func residentBytes() throws -> Int {
        let statm = try String(contentsOfFile: "/proc/self/statm", encoding: .utf8)
        let fields = statm.split(separator: " ")
        let pages = try #require(fields.count > 1 ? Int(fields[1]) : nil)
        return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
    }
}

extension ReceivedRequest {
    func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }
}

/// A listener on 127.0.0.1 that never accepts, with its accept queue filled, so a new
/// connection's SYN is dropped and connect never completes (delivery.md §9 row 16).
private final class FullBacklogListener {
    let port: Int
    private let listener: LoopbackSocket
    private var fillers: [LoopbackSocket] = []

    init() throws {
        listener = try LoopbackSocket()
        port = try listener.bind()
        guard listen(listener.descriptor, 0) == 0 else { throw LoopbackSocket.Failure(call: "listen") }
        // Linux queues backlog + 1 connections; connect until one does not complete.
        for _ in 0..<16 {
            let filler = try LoopbackSocket()
            fillers.append(filler)
            if !filler.connects(to: port, within: 300) { return }
        }
        throw LoopbackSocket.Failure(call: "filling the accept queue")
    }

    func close() {
        fillers.forEach { $0.close() }
        listener.close()
    }
}
