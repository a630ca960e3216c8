import Foundation
import StudioModel
import Synchronization
import Testing

@testable import StudioEngine

/// `preview --format http|curl`, `send`, `logs --format curl` and the studio's `y`: the request as text.
struct PreparedRequestFormatsTests {
    private static func request(url: String, headers: [HeaderField] = [], secrets: [String] = []) -> PreparedRequest {
        PreparedRequest(method: .post, url: url, headers: headers, body: "", secretValues: secrets, deliveryID: "msg_1")
    }

    @Test func aMaskedCredentialParameterLeavesTheRestOfTheRequestLineAsOnTheWire() {
        let request = Self.request(url: "http://127.0.0.1:9/signed?api_key=k_0123456789&u=ada%40example.com")
        let wire = request.httpText.split(separator: "\r\n").map(String.init)
        #expect(wire.prefix(2) == ["POST /signed?api_key=k_0123456789&u=ada%40example.com HTTP/1.1", "Host: 127.0.0.1:9"])
        let shown = request.masked.httpText.split(separator: "\r\n").map(String.init)
        #expect(shown.prefix(2) == ["POST /signed?api_key=••••••&u=ada%40example.com HTTP/1.1", "Host: 127.0.0.1:9"])
    }

    @Test(arguments: [
        ("http://example.com", "example.com", "/"),
        ("http://example.com?x=1", "example.com", "/?x=1"),
        ("https://user:pw@example.com:8443/a%20b/c?q=%26#frag", "example.com:8443", "/a%20b/c?q=%26"),
        ("http://[::1]:8080/v1", "[::1]:8080", "/v1"),
    ])
    func theHostAndTargetAreCutFromTheURLAsWritten(url: String, host: String, target: String) {
        let lines = Self.request(url: url).httpText.split(separator: "\r\n").map(String.init)
        #expect(lines.prefix(2) == ["POST \(target) HTTP/1.1", "Host: \(host)"])
    }

    /// An internationalized host goes on the wire in its ASCII (punycode) form, and `preview`
    /// shows it so: the request line's `Host`, the URL that is stored and the curl command all
    /// name `xn--bcher-kva.example`, the name DNS, TLS and the receiver see, not `bücher.example`.
    @Test func anInternationalizedHostIsShownAndSentAsPunycode() throws {
        let webhook = Webhook(id: "idn", url: "https://bücher.example/hook?q={{q}}")
        let context = TemplateContext(profile: JSONObject([("email", .string("ada@example.com")), ("q", .string("ü"))]))
        let request = try RequestBuilder().build(webhook, context: context, secrets: [:], deliveryID: "msg_1")
        #expect(request.url == "https://xn--bcher-kva.example/hook?q=%C3%BC")
        let lines = request.httpText.split(separator: "\r\n").map(String.init)
        #expect(lines.prefix(2) == ["POST /hook?q=%C3%BC HTTP/1.1", "Host: xn--bcher-kva.example"])
        #expect(request.curlCommand.contains("'https://xn--bcher-kva.example/hook?q=%C3%BC'"), "\(request.curlCommand)")
        #expect(!request.masked.httpText.contains("bücher"))
    }

    /// A POST with no body goes out with `Content-Length: 0` (RFC 9110 §8.6); `preview` left it
    /// out, and showed a GET's body, which is never sent.
    @Test func theRequestTextHasTheFramingTheClientSends() {
        let empty = Self.request(url: "http://127.0.0.1:9/v1").httpText
        #expect(empty == "POST /v1 HTTP/1.1\r\nHost: 127.0.0.1:9\r\nContent-Length: 0\r\n\r\n")
        let get = PreparedRequest(
            method: .get, url: "http://127.0.0.1:9/v1?email=a", headers: [HeaderField("Content-Length", "3")], body: "abc",
            secretValues: [], deliveryID: "msg_1")
        #expect(get.httpText == "GET /v1?email=a HTTP/1.1\r\nHost: 127.0.0.1:9\r\n\r\n")
    }

    @Test func theHARQueryStringOfAMaskedURLIsDecodedOnce() throws {
        let record = AttemptRecord(
            startedAt: Date(timeIntervalSince1970: 1_700_000_000), deliveryID: "msg_1", attempt: 1, workflowID: "w",
            nodeID: "n", webhookID: "hook", userEmail: "ada@example.com", method: "POST",
            url: "http://127.0.0.1:9/signed?api_key=••••••&u=ada%40example.com#top", requestHeaders: [], requestBody: "",
            status: 200, responseHeaders: [], responseBody: "", responseTruncated: false, latencyMilliseconds: 1,
            outcome: .success, trigger: .scheduled)
        let har = AttemptHAR.document(for: [record], creatorVersion: "test", reasonPhrase: { _ in "OK" })
        let request = har["log"]?["entries"]?.arrayValue?.first?["request"]
        #expect(request?["queryString"] == [["name": "api_key", "value": "••••••"], ["name": "u", "value": "ada@example.com"]])
    }

    /// A body kept as base64 is counted in bytes, and a body cut at the limit says so.
    @Test func theHARSizeOfABase64BodyIsItsBytesAndACutBodyIsMarked() throws {
        let record = AttemptRecord(
            startedAt: Date(timeIntervalSince1970: 1_700_000_000), deliveryID: "msg_1", attempt: 1, workflowID: "w",
            nodeID: "n", webhookID: "hook", userEmail: "ada@example.com", method: "POST", url: "http://127.0.0.1:9/v1",
            requestHeaders: [], requestBody: "", status: 200, responseHeaders: [], responseBody: "AAEC/w==",
            responseTruncated: true, responseBodyIsBase64: true, latencyMilliseconds: 1, outcome: .success, trigger: .scheduled)
        let har = AttemptHAR.document(for: [record], creatorVersion: "test", reasonPhrase: { _ in "OK" })
        let response = har["log"]?["entries"]?.arrayValue?.first?["response"]
        #expect(response?["content"]?["size"] == 4)
        // The body received was longer than what was kept: its size is not known (HAR 1.2's -1),
        // not the 4 bytes kept (QA, session 21).
        #expect(response?["bodySize"] == -1)
        #expect(response?["content"]?["encoding"] == "base64")
        #expect(response?["content"]?["comment"] == "truncated: only the first 4 bytes were kept")
    }

    /// HAR viewers show a form body's fields from `postData.params`, decoded as a form is.
    @Test func theHARPostDataOfAFormBodyListsItsFields() throws {
        let record = AttemptRecord(
            startedAt: Date(timeIntervalSince1970: 1_700_000_000), deliveryID: "msg_1", attempt: 1, workflowID: "w",
            nodeID: "n", webhookID: "hook", userEmail: "ada@example.com", method: "POST", url: "http://127.0.0.1:9/v1",
            requestHeaders: [HeaderField("Content-Type", "application/x-www-form-urlencoded")],
            requestBody: "name=Ada+Lovelace&email=ada%40example.com&flag", status: 200, responseHeaders: [], responseBody: "",
            responseTruncated: false, latencyMilliseconds: 1, outcome: .success, trigger: .scheduled)
        let har = AttemptHAR.document(for: [record], creatorVersion: "test", reasonPhrase: { _ in "OK" })
        let postData = har["log"]?["entries"]?.arrayValue?.first?["request"]?["postData"]
        #expect(postData?["mimeType"] == "application/x-www-form-urlencoded")
        #expect(postData?["text"] == "name=Ada+Lovelace&email=ada%40example.com&flag")
        #expect(
            postData?["params"]
                == [
                    ["name": "name", "value": "Ada Lovelace"], ["name": "email", "value": "ada@example.com"],
                    ["name": "flag", "value": ""],
                ])
    }

    @Test func anEmptyHeaderValueIsSentByCurlAsNameSemicolonNotRemoved() {
        let request = Self.request(
            url: "http://127.0.0.1:9/v1", headers: [HeaderField("X-Campaign", ""), HeaderField("X-Tag", "it's")])
        #expect(request.curlCommand == #"curl --globoff -X POST 'http://127.0.0.1:9/v1' -H 'X-Campaign;' -H 'X-Tag: it'\''s' -H 'Accept:' -H 'Content-Length: 0'"#)
    }

    /// The exported command, run by a shell, sends what was sent: a URL with brackets and braces, a
    /// body starting with `@` full of shell characters, no header curl would add on its own, and
    /// the `Content-Length: 0` of an empty POST.
    @Test(arguments: ["/bin/sh", "/bin/bash"])
    func theCurlCommandRunByAShellSendsTheSameRequest(shell: String) async throws {
        let seen = Mutex<[ReceivedRequest]>([])
        let receiver = try await Receiver.start { request in seen.withLock { $0.append(request) } }
        let body = "@notes.txt it's $HOME !! `date` \\n\\\nline two\t\u{E9}"
        let headers = [
            HeaderField("User-Agent", "Hookline/test"), HeaderField("Content-Type", "text/plain"),
            HeaderField("X-Quote", #"say "hi", it's $1"#),
        ]
        let request = PreparedRequest(
            method: .post, url: receiver.baseURL + "/v1?filter={a,b}&ids[]=1", headers: headers, body: body,
            secretValues: [], deliveryID: "msg_1")
        var empty = request
        empty.body = ""
        let options = " --silent --show-error --output /dev/null"
        let curl = try await runTool([shell, "-c", request.curlCommand + options + " && " + empty.curlCommand + options])
        await receiver.shutdown()

        #expect(curl.status == 0, "\(curl.errors)")
        let requests = seen.withLock { $0 }
        try #require(requests.count == 2)
        let received = requests[0]
        #expect(received.path == "/v1" && received.query == "filter={a,b}&ids[]=1")
        #expect(received.body == body)
        let sentHeaders = received.headers.filter { !["host", "content-length"].contains($0.name.lowercased()) }
        #expect(sentHeaders.map { "\($0.name): \($0.value)" } == headers.map { "\($0.name): \($0.value)" })
        // The delivery client sends `Content-Length: 0` for a POST without a body.
        #expect(requests[1].body.isEmpty && requests[1].headers.contains { $0.name == "Content-Length" && $0.value == "0" })
    }

    /// A body with a NUL, which no shell argument can hold, and an ESC, which would drive the
    /// terminal it is printed on, is written by `printf` from octal escapes and read by curl from
    /// its input: the same bytes arrive (QA, session 21: `A\0x` arrived as `Ax`, 2 bytes of 7).
    @Test(arguments: ["/bin/sh", "/bin/bash"])
    func aBodyWithControlBytesIsSentWhole(shell: String) async throws {
        let seen = Mutex<[ReceivedRequest]>([])
        let receiver = try await Receiver.start { request in seen.withLock { $0.append(request) } }
        let body = "A\u{0}x\u{1B}[31m \\0 it's %s\nnext\t\u{E9}\u{7F}"
        let request = PreparedRequest(
            method: .post, url: receiver.baseURL + "/v1", headers: [HeaderField("Content-Type", "text/plain")], body: body,
            secretValues: [], deliveryID: "msg_1")
        #expect(!request.curlCommand.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" && $0 != "\t" })
        let curl = try await runTool([shell, "-c", request.curlCommand + " --silent --show-error --output /dev/null"])
        await receiver.shutdown()

        #expect(curl.status == 0, "\(curl.errors)")
        let received = try #require(seen.withLock { $0.first })
        #expect(received.body == body)
    }
}

// MARK: - A gzip-coded answer in HAR

extension PreparedRequestFormatsTests {
    /// The secret an answer below echoes.
    static let echoedSecret = "sk_live_4eC39HqLyjWDarjtT1zdp7dc"
    /// `{"email":"ada@example.com","token":"<echoedSecret>","note":"hello hello …"}`, 200 bytes, as
    /// gzip writes it (105 bytes).
    static let gzippedPlainAnswer = "H4sIAAAAAAACA6tWys9WsiopKk3VUcrLL0lVslLKSM3JyVegP6lUCwAedPx7jQAAAA=="
    static let gzippedAnswer =
        "H4sIAAAAAAACA6tWSs1NzMxRslJKTEl0SK1IzC3ISdVLzs9V0lEqyc9OzQPKFGfH52SWpcabpDobW3oU+lRmhbskFmWVhBhWpRSYpyQDlebll6QCVWak5uTkK9CfVKoFAIqAu5/IAAAA"

    static func harContent(of record: AttemptRecord) -> JSONValue? {
        let masker = SecretMasker(secretValues: [echoedSecret])
        let har = AttemptHAR.document(
            for: [record], creatorVersion: "test", reasonPhrase: { _ in "OK" },
            decodedContent: { ResponseContentDecoder.decodedContent(of: $0, masker: masker) })
        return har["log"]?["entries"]?.arrayValue?.first?["response"]?["content"]
    }

    /// HAR 1.2: `content.text` is the decoded text, `size` its length and `compression` the bytes
    /// saved. An answer sent with `Content-Encoding: gzip` was exported as the base64 of the coded
    /// bytes kept, which no HAR viewer shows.
    @Test func aGzipCodedAnswerWithNoSecretInsideIsKeptAsItCameAndDecodedInTheHAR() async throws {
        let coded = try #require(Data(base64Encoded: Self.gzippedPlainAnswer))
        let head = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Encoding: gzip\r\nContent-Length: \(coded.count)\r\n\r\n"
        let server = try await RawAnswerServer.start(answer: Array(head.utf8) + Array(coded))
        let record = try await withLoopbackClient { client in
            await client.send(makeRequest(server.baseURL + "/hook"), origin: .init())
        }
        try await server.shutdown()
        #expect(record.status == 200, "\(record.outcome)")
        #expect(record.responseBodyIsBase64, "stored as received")
        #expect(Data(base64Encoded: record.responseBody) == coded)

        let content = try #require(Self.harContent(of: record))
        let text = #"{"ok":true,"note":""# + String(repeating: "hello ", count: 20) + #""}"#
        #expect(content["text"]?.stringValue == text)
        #expect(content["encoding"] == nil)
        #expect(content["size"] == .int(text.utf8.count))
        #expect(content["compression"] == .int(text.utf8.count - coded.count))
        #expect(content["mimeType"] == "application/json")
    }

    /// A secret echoed inside a gzip-coded answer was kept compressed, where no mask reaches it:
    /// `hookline logs` gave it base64, and `base64 -d | gunzip` showed it. Such a body is kept
    /// decoded, the secret masked, and the record says why.
    @Test func aGzipCodedAnswerWithASecretInsideIsKeptDecodedWithTheSecretMasked() async throws {
        let coded = try #require(Data(base64Encoded: Self.gzippedAnswer))
        let head = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Encoding: gzip\r\nContent-Length: \(coded.count)\r\n\r\n"
        let server = try await RawAnswerServer.start(answer: Array(head.utf8) + Array(coded))
        let record = try await withLoopbackClient { client in
            await client.send(makeRequest(server.baseURL + "/hook", secrets: [Self.echoedSecret]), origin: .init())
        }
        try await server.shutdown()
        #expect(record.status == 200, "\(record.outcome)")
        let text =
            #"{"email":"ada@example.com","token":"\#(SecretMasker.mask)","note":""#
            + String(repeating: "hello ", count: 20) + #""}"#
        #expect(!record.responseBody.contains(Self.echoedSecret))
        #expect(!record.responseBodyIsBase64)
        #expect(record.responseBody == text)
        #expect(!record.responseTruncated)
        #expect(record.responseHeaders.contains(HeaderField(DeliveryClient.noteFieldName, DeliveryClient.decodedBodyNote(codedBytes: coded.count))))
        #expect(record.responseHeaders.contains(HeaderField("Content-Encoding", "gzip")), "the head as received")

        let content = try #require(Self.harContent(of: record))
        #expect(content["text"]?.stringValue == text)
        #expect(content["size"] == .int(text.utf8.count))
        #expect(content["compression"] == nil)
    }

    /// A coded body inflates to at most what a record keeps of a body, marked cut as a cut body
    /// is: the first 64 KiB kept of a gzip bomb (1 GiB of zeros) gives 64 KiB, not 1 GiB.
    @Test func aGzipBombInflatesToTheLimitInTheHARAndIsMarkedCut() throws {
        var bomb = GzipBomb(expandsTo: 1 << 30)
        let first = bomb.next(size: 64 * 1024)
        let kept = try #require(first)
        let record = AttemptRecord(
            startedAt: Date(timeIntervalSince1970: 1_700_000_000), deliveryID: "msg_1", method: "POST",
            url: "http://127.0.0.1:9/v1", status: 200, responseHeaders: [HeaderField("content-encoding", "GZIP ")],
            responseBody: Data(kept.readableBytesView).base64EncodedString(), responseTruncated: true,
            responseBodyIsBase64: true, latencyMilliseconds: 1, outcome: .success)
        let started = ContinuousClock.now
        let content = try #require(Self.harContent(of: record))
        #expect(ContinuousClock.now - started < .seconds(5))
        #expect(content["size"] == .int(ResponseContentDecoder.limit))
        #expect(content["encoding"] == "base64")
        #expect(Data(base64Encoded: content["text"]?.stringValue ?? "") == Data(count: ResponseContentDecoder.limit))
        #expect(content["compression"] == nil)
        #expect(content["comment"] == "truncated: only the first 65536 bytes of the decoded body were kept")
    }

    /// A body that does not decode, or has a coding other than gzip and deflate, is given as it was kept.
    @Test(arguments: [("gzip", "bm90IGd6aXA="), ("br", "G8QAAI2UrMQ=")])
    func aBodyThatDoesNotDecodeIsGivenAsKept(coding: String, body: String) throws {
        let record = AttemptRecord(
            startedAt: Date(timeIntervalSince1970: 1_700_000_000), deliveryID: "msg_1", method: "POST",
            url: "http://127.0.0.1:9/v1", status: 200, responseHeaders: [HeaderField("Content-Encoding", coding)],
            responseBody: body, responseBodyIsBase64: true, latencyMilliseconds: 1, outcome: .success)
        let content = try #require(Self.harContent(of: record))
        #expect(content["text"]?.stringValue == body)
        #expect(content["encoding"] == "base64")
        #expect(content["compression"] == nil)
    }
}
