import AsyncHTTPClient
import Foundation
import NIOCore
import StudioEngine
import StudioModel
import Synchronization
import Testing

struct ReceiverTests {
    @Test func answersPostsWithTwoHundredAndLogsThem() async throws {
        let seen = Mutex<[ReceivedRequest]>([])
        let receiver = try await Receiver.start { request in seen.withLock { $0.append(request) } }
        defer { Task { await receiver.shutdown() } }

        var request = HTTPClientRequest(url: receiver.baseURL + "/v1/letters")
        request.method = .POST
        request.body = .bytes(ByteBuffer(string: #"{"a":1}"#))
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        let body = try await response.body.collect(upTo: 1 << 16)

        #expect(response.status.code == 200)
        #expect(try JSONValue.parse(String(buffer: body))["received"] == .int(7))
        let logged = seen.withLock { $0 }
        #expect(logged.count == 1)
        #expect(logged.first?.path == "/v1/letters")
        #expect(logged.first?.body == #"{"a":1}"#)
        await receiver.shutdown()
    }

    /// A request refused from its head (a body declared over 1 MiB) is logged with its
    /// status, as every request is; it was answered and never logged.
    @Test func aRequestRefusedFromItsHeadIsLoggedToo() async throws {
        let seen = Mutex<[ReceivedRequest]>([])
        let receiver = try await Receiver.start { request in seen.withLock { $0.append(request) } }
        let socket = try LoopbackSocket()
        try socket.connect(to: receiver.port)
        try socket.send("POST /big HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 2000000\r\nExpect: 100-continue\r\n\r\n")
        let answer = try #require(await socket.readAnswer())
        #expect(answer.hasPrefix("HTTP/1.1 413 "), "\(answer)")
        socket.close()

        let logged = try #require(seen.withLock { $0 }.first)
        #expect(logged.path == "/big")
        #expect(logged.status == 413)
        #expect(logged.bodySize == 2_000_000)
        await receiver.shutdown()
    }

    /// `hookline receive` printed a webhook's `Authorization` and `?api_key=` in clear: its log is
    /// shown and often kept, so credentials are masked there as everywhere else.
    @Test func aMaskedRequestHidesItsCredentialsWhereverTheyAppear() async throws {
        let seen = Mutex<[ReceivedRequest]>([])
        let receiver = try await Receiver.start { request in seen.withLock { $0.append(request) } }
        defer { Task { await receiver.shutdown() } }

        var request = HTTPClientRequest(url: receiver.baseURL + "/v1/letters?api_key=k3y_live_123&page=2")
        request.method = .POST
        request.headers.add(name: "Authorization", value: "Bearer tok_live_4242")
        request.headers.add(name: "X-Trace", value: "t-1")
        request.body = .bytes(ByteBuffer(string: #"{"echo":"tok_live_4242"}"#))
        _ = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        await receiver.shutdown()

        let shown = try #require(seen.withLock { $0.first }).masked
        let text = shown.logLine + "\n" + shown.headers.map { "\($0.name): \($0.value)" }.joined(separator: "\n") + shown.body
        #expect(!text.contains("tok_live_4242"))
        #expect(!text.contains("k3y_live_123"))
        #expect(shown.query == "api_key=\(SecretMasker.mask)&page=2")
        #expect(shown.headers.contains(HeaderField("Authorization", "Bearer \(SecretMasker.mask)")))
        #expect(shown.headers.contains(HeaderField("X-Trace", "t-1")))
        #expect(shown.body == #"{"echo":"\#(SecretMasker.mask)"}"#)
    }

    @Test func answersProfileLookupsWithTheSameProfileEveryTime() async throws {
        let receiver = try await Receiver.start()
        let url = receiver.baseURL + "/profile?email=ada%40example.com"
        let first = try await fetch(url)
        let second = try await fetch(url)
        #expect(first == second)
        #expect(first["email"] == "ada@example.com")
        #expect(first["tier"]?.stringValue != nil)
        await receiver.shutdown()
    }

    /// RFC 9110 §9.3.2: HEAD's answer has the headers GET's would. A lookup's said the length of
    /// the generic `{"id", "received"}` answer, not of the profile GET sends.
    @Test func aHeadLookupSaysTheLengthOfTheProfileAGetSends() async throws {
        let receiver = try await Receiver.start()
        let target = "/api/users/getByEmail?email=ada%40example.com"
        let get = try await HTTPClient.shared.execute(HTTPClientRequest(url: receiver.baseURL + target), timeout: .seconds(30))
        let profile = try await get.body.collect(upTo: 1 << 16)
        #expect(try JSONValue.parse(String(buffer: profile))["email"] == "ada@example.com")
        var head = HTTPClientRequest(url: receiver.baseURL + target)
        head.method = .HEAD
        let response = try await HTTPClient.shared.execute(head, timeout: .seconds(30))
        #expect(response.headers["content-length"] == ["\(profile.readableBytes)"])
        #expect(response.headers["content-type"] == ["application/json"])
        await receiver.shutdown()
    }

    @Test(arguments: [500, 503, 410, 429])
    func answersTheStatusNamedInThePath(status: Int) async throws {
        let receiver = try await Receiver.start()
        let response = try await HTTPClient.shared.execute(
            HTTPClientRequest(url: receiver.baseURL + "/hooks/status/\(status)"), timeout: .seconds(30))
        #expect(Int(response.status.code) == status)
        await receiver.shutdown()
    }

    /// `/status/304` sent a JSON body after its head, which a keep-alive client then read as the
    /// next answer; `/status/100` sent a 1xx as the whole answer.
    @Test func aPathStatusIsAFinalAnswerWithABodyOnlyWhereHTTPAllowsOne() async throws {
        let receiver = try await Receiver.start()
        for status in [204, 205, 304] {
            let response = try await HTTPClient.shared.execute(
                HTTPClientRequest(url: receiver.baseURL + "/status/\(status)"), timeout: .seconds(30))
            #expect(Int(response.status.code) == status)
            #expect(try await response.body.collect(upTo: 1024).readableBytes == 0, "\(status)")
        }
        let interim = try await HTTPClient.shared.execute(HTTPClientRequest(url: receiver.baseURL + "/status/100"), timeout: .seconds(30))
        #expect(interim.status.code == 200)
        await receiver.shutdown()
    }

    /// A 205 has no content but, unlike a 204, is framed by its headers (RFC 9112 §6.3): it says
    /// `Content-Length: 0`, and the answers after it on the connection are read as such.
    @Test func aResetContentAnswerIsFramedByItsLengthAndANoContentOneByItsStatus() async throws {
        let receiver = try await Receiver.start()
        let socket = try LoopbackSocket()
        try socket.connect(to: receiver.port)
        try socket.send(
            ["/status/205", "/status/204", "/health"].map { "GET \($0) HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n" }.joined())
        let exchange = try #require(await socket.read(through: #""received":0}"#))
        let heads = exchange.lowercased().components(separatedBy: "\r\n\r\n").map { $0.components(separatedBy: "\r\n") }
        try #require(heads.count == 4, "\(exchange)")
        #expect(heads[0].first == "http/1.1 205 reset content" && heads[0].contains("content-length: 0"), "\(exchange)")
        #expect(heads[1].first == "http/1.1 204 no content" && !heads[1].contains { $0.hasPrefix("content-length") }, "\(exchange)")
        #expect(heads[2].first == "http/1.1 200 ok", "\(exchange)")
        socket.close()
        await receiver.shutdown()
    }

    /// RFC 9110 §15.5.2: a 401 carries a challenge in `WWW-Authenticate`; a refused signature's had none.
    @Test func aRefusedSignatureIs401WithAChallenge() async throws {
        let receiver = try await Receiver.start(verifier: try StandardWebhooksSigner(secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"))
        let socket = try LoopbackSocket()
        try socket.connect(to: receiver.port)
        try socket.send("POST /hook HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 2\r\n\r\n{}")
        let answer = await socket.readAnswer() ?? "no answer"
        #expect(answer.hasPrefix("HTTP/1.1 401 "), "\(answer)")
        #expect(answer.lowercased().contains("\r\nwww-authenticate: standard-webhooks realm=\"hookline-receiver\"\r\n"), "\(answer)")
        socket.close()
        await receiver.shutdown()
    }

    /// With a signing secret, the receiver checks each request's Standard Webhooks signature
    /// and answers 401 with the reason to one that fails; the log line says which.
    @Test func aVerifyingReceiverAcceptsSignedRequestsAndRefusesTheOthersWithTheReason() async throws {
        let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
        let signer = try StandardWebhooksSigner(secret: secret)
        let seen = Mutex<[ReceivedRequest]>([])
        let receiver = try await Receiver.start(verifier: signer) { request in seen.withLock { $0.append(request) } }
        let body = #"{"email":"ada@example.com"}"#
        let now = Int(Date().timeIntervalSince1970)
        func post(_ headers: [HeaderField], body: String = body) async throws -> (Int, String) {
            var request = HTTPClientRequest(url: receiver.baseURL + "/hook")
            request.method = .POST
            for header in headers { request.headers.add(name: header.name, value: header.value) }
            request.body = .bytes(ByteBuffer(string: body))
            let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
            return (Int(response.status.code), String(buffer: try await response.body.collect(upTo: 1 << 16)))
        }
        let signed = signer.headers(id: "msg_1", timestamp: now, body: body)
        #expect(try await post(signed).0 == 200)
        // The same headers over another body, or from another secret, are refused.
        let (status, answer) = try await post(signed, body: #"{"email":"eve@example.com"}"#)
        #expect(status == 401)
        #expect(try JSONValue.parse(answer)["error"]?.stringValue?.hasPrefix("no v1 signature matches") == true, "\(answer)")
        let stranger = try StandardWebhooksSigner(secret: "whsec_AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=")
        #expect(try await post(stranger.headers(id: "msg_1", timestamp: now, body: body)).0 == 401)
        // A message signed ten minutes ago is a replay.
        let (oldStatus, oldAnswer) = try await post(signer.headers(id: "msg_1", timestamp: now - 600, body: body))
        #expect(oldStatus == 401)
        #expect(oldAnswer.contains("s old, more than 300 s from now"), "\(oldAnswer)")
        #expect(try await post([]).1.contains("no webhook-id header"))
        // A crafted timestamp is refused, not a crash.
        for stamp in ["-9223372036854775808", "9223372036854775807"] {
            let crafted = [HeaderField("webhook-id", "m"), HeaderField("webhook-timestamp", stamp), HeaderField("webhook-signature", "v1,x")]
            #expect(try await post(crafted).0 == 401)
        }
        await receiver.shutdown()

        let lines = seen.withLock { $0.map(\.logLine) }
        #expect(lines.count == 7)
        #expect(lines.first?.hasSuffix(" POST /hook 200 27B signed") == true, "\(lines)")
        #expect(lines.dropFirst().allSatisfy { $0.contains(" 401 ") && $0.contains("signature refused: ") }, "\(lines)")
        #expect(!lines.joined().contains(secret))
    }

    /// Over the wire the receiver verifies as the reference library does (the cases of
    /// ``SignatureCheckReferenceTests``): a fractional timestamp passes, signed in whole seconds;
    /// a stray entry before the matching signature, and a body that is not UTF-8, are refused.
    @Test func aVerifyingReceiverAcceptsAndRefusesWhatTheReferenceLibraryDoes() async throws {
        let signer = try StandardWebhooksSigner(secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
        let receiver = try await Receiver.start(verifier: signer)
        let now = Int(Date().timeIntervalSince1970)
        func post(timestamp: String, signature: (String) -> String, body: [UInt8]) async throws -> (Int, String) {
            var request = HTTPClientRequest(url: receiver.baseURL + "/hook")
            request.method = .POST
            request.headers.add(name: "webhook-id", value: "msg_1")
            request.headers.add(name: "webhook-timestamp", value: timestamp)
            request.headers.add(
                name: "webhook-signature", value: signature(signer.signature(id: "msg_1", timestamp: now, body: body)))
            request.body = .bytes(ByteBuffer(bytes: body))
            let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
            return (Int(response.status.code), String(buffer: try await response.body.collect(upTo: 1 << 16)))
        }
        let text = Array(#"{"email":"ada@example.com"}"#.utf8)

        #expect(try await post(timestamp: "\(now).25", signature: { $0 }, body: text).0 == 200)
        let (stray, strayAnswer) = try await post(timestamp: "\(now)", signature: { "stray " + $0 }, body: text)
        #expect(stray == 401)
        #expect(strayAnswer.contains("webhook-signature entry 'stray' is not version,signature"), "\(strayAnswer)")
        let (binary, binaryAnswer) = try await post(timestamp: "\(now)", signature: { $0 }, body: [0x7B, 0xFF, 0x7D])
        #expect(binary == 401)
        #expect(binaryAnswer.contains("the body is not UTF-8"), "\(binaryAnswer)")
        await receiver.shutdown()
    }

    /// The log line counts the bytes received, not those of the body read as text.
    @Test func theLogLineCountsTheBytesOfABodyThatIsNotUTF8() async throws {
        let seen = Mutex<[ReceivedRequest]>([])
        let receiver = try await Receiver.start { request in seen.withLock { $0.append(request) } }
        var request = HTTPClientRequest(url: receiver.baseURL + "/raw")
        request.method = .POST
        request.body = .bytes(ByteBuffer(bytes: [0xFF, 0xFE, 0x00, 0x80]))
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        let answer = try JSONValue.parse(String(buffer: try await response.body.collect(upTo: 1 << 16)))
        await receiver.shutdown()

        #expect(answer["received"] == .int(4))
        let line = try #require(seen.withLock { $0 }.first?.logLine)
        #expect(line.hasSuffix(" POST /raw 200 4B"), "\(line)")
    }

    /// A chunked body declares no length, so it is refused once it has grown past 1 MiB.
    @Test func aChunkedBodyOverTheLimitIsAnswered413() async throws {
        let receiver = try await Receiver.start()
        var request = HTTPClientRequest(url: receiver.baseURL + "/big")
        request.method = .POST
        request.body = .bytes(Array(repeating: UInt8(ascii: "a"), count: (1 << 20) + 1), length: .unknown)
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        await receiver.shutdown()

        #expect(response.status.code == 413)
    }

    private func fetch(_ url: String) async throws -> JSONValue {
        let response = try await HTTPClient.shared.execute(HTTPClientRequest(url: url), timeout: .seconds(30))
        return try JSONValue.parse(String(buffer: try await response.body.collect(upTo: 1 << 16)))
    }
}
