import Foundation
import StudioEngine
import StudioModel
import Testing

/// What both servers do on the wire that turns on an HTTP/1 request's version and `Connection`
/// options, and how they refuse a head too large to read.
struct HTTP1ConnectionTests {
    private typealias Kind = ServerUnderTest.Kind

    /// What the server of `kind` sends on a new connection to `request`, until it closes it.
    private func exchangeToTheClose(
        with kind: Kind, sending request: String, sourceLocation: Testing.SourceLocation = #_sourceLocation
    ) async throws -> String {
        let server = try await ServerUnderTest.start(kind)
        let socket = try server.connect()
        try socket.send(request)
        let exchange = await socket.readUntilClosed(within: 10)
        socket.close()
        try await server.shutdown()
        return try #require(exchange, "still open after 10 s", sourceLocation: sourceLocation)
    }

    /// Expects `exchange` to be one answer, 200, that says `Connection: close`.
    private func expectOneAnswerThatCloses(_ exchange: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) {
        #expect(exchange.hasPrefix("HTTP/1.1 200 OK\r\n"), "\(exchange)", sourceLocation: sourceLocation)
        #expect(exchange.lowercased().contains("\r\nconnection: close\r\n"), "\(exchange)", sourceLocation: sourceLocation)
        #expect(exchange.components(separatedBy: "HTTP/1.1 ").count == 2, "\(exchange)", sourceLocation: sourceLocation)
    }

    /// RFC 9112 §9.3: an HTTP/1.0 request without `keep-alive` is the connection's last. The
    /// servers kept the connection open until the keep-alive timeout (75 s).
    @Test(arguments: Kind.allCases)
    private func anHTTP10RequestIsAnsweredThenTheConnectionIsClosed(kind: Kind) async throws {
        let request = "GET /health HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n"
        expectOneAnswerThatCloses(try await exchangeToTheClose(with: kind, sending: request))
    }

    /// RFC 9112 §9.6: no request after the last is processed. One pipelined behind it was
    /// answered 400, the decoder taking it for bytes after the connection's end.
    @Test(arguments: Kind.allCases)
    private func aRequestAfterTheLastIsNotAnswered(kind: Kind) async throws {
        let requests = "GET /health HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\nGET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
        expectOneAnswerThatCloses(try await exchangeToTheClose(with: kind, sending: requests))
    }

    /// A `close` option is one whatever its case, and among other options (RFC 9110 §7.6.1):
    /// only a header of exactly `close` closed the connection.
    @Test(arguments: Kind.allCases, ["Close", "keep-alive, close"])
    private func aCloseOptionInAnyFormIsTheLastRequest(kind: Kind, options: String) async throws {
        let request = "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: \(options)\r\n\r\n"
        expectOneAnswerThatCloses(try await exchangeToTheClose(with: kind, sending: request))
    }

    /// An HTTP/1.0 client keeps its connection only when the answer says `Connection: keep-alive`
    /// (RFC 9112 §9.3), as nginx's does; the answer did not say it.
    @Test(arguments: Kind.allCases)
    private func anHTTP10KeepAliveRequestIsAnsweredKeepAlive(kind: Kind) async throws {
        let server = try await ServerUnderTest.start(kind)
        let socket = try server.connect()
        for _ in 0..<2 {
            try socket.send("GET /health HTTP/1.0\r\nHost: 127.0.0.1\r\nConnection: keep-alive\r\n\r\n")
            let answer = try #require(await socket.readAnswer())
            #expect(answer.hasPrefix("HTTP/1.1 200 OK\r\n"), "\(answer)")
            #expect(answer.lowercased().contains("\r\nconnection: keep-alive\r\n"), "\(answer)")
        }
        #expect(await socket.receive(within: 300) == .silence)
        socket.close()
        try await server.shutdown()
    }

    /// RFC 9110 §10.1.1: `Expect: 100-continue` in an HTTP/1.0 request is ignored, and §15.2: an
    /// HTTP/1.0 client is sent no 1xx. It was sent `100 Continue`.
    @Test(arguments: Kind.allCases)
    private func anHTTP10ExpectationIsIgnored(kind: Kind) async throws {
        let body = #"{"email": "ada@example.com", "dataFields": {"plan": "pro"}}"#
        let exchange = try await exchangeToTheClose(
            with: kind,
            sending: "POST /api/users/update HTTP/1.0\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                + "Content-Length: \(body.utf8.count)\r\nExpect: 100-continue\r\n\r\n" + body)
        #expect(!exchange.contains("100 Continue"), "\(exchange)")
        expectOneAnswerThatCloses(exchange)
    }

    /// A body of unknown length went to an HTTP/1.0 client chunked, a coding it cannot read
    /// (RFC 9112 §6.1): it is framed by the close instead.
    @Test func anAnswerOfUnknownLengthToHTTP10IsFramedByTheClose() async throws {
        let receiver = try await Receiver.start(script: try script("{path: /bomb, response: {gzipBomb: 4KB}}"))
        let socket = try LoopbackSocket()
        try socket.connect(to: receiver.port)
        try socket.send("GET /bomb HTTP/1.0\r\nHost: 127.0.0.1\r\nConnection: keep-alive\r\n\r\n")
        let exchange = try #require(await socket.readUntilClosed(within: 10), "still open after 10 s")
        let head = exchange.components(separatedBy: "\r\n\r\n")[0].lowercased()
        #expect(head.hasPrefix("http/1.0 200 ok\r\n"), "\(head)")
        #expect(!head.contains("transfer-encoding"), "\(head)")
        #expect(head.contains("\r\nconnection: close"), "\(head)")
        #expect(exchange.utf8.count > head.utf8.count + 4, "no body")
        socket.close()
        await receiver.shutdown()
    }

    /// Request heads either server refuses, and how: each was answered as a request (200, the
    /// event stored) or refused 400 for what it is.
    enum RefusedHead: CaseIterable {
        case http11WithoutHost, twoHosts, twoHostsTheFirstLoopback, hostThatIsNoHost, ftpTarget
        case unknownMethod, lowercaseMethod, http2RequestLine, gzipTransferCoding, chunkedHTTP10
        case hostWithANamedPort, hostWithAPortPast65535, asteriskForPost, targetWithAFragment, twoContentLengths
        case contentLengthWithChunked, connectToAHost, connectToAPath
        case lowercaseVersion, unknownVersionToken, bareLineFeedAfterCRLF, bareLineFeedAfterRequestLine
        case bareLineFeedAfterField

        static let event = #"{"email": "ada@example.com", "eventName": "signup"}"#

        var request: String {
            let body = "Content-Type: application/json\r\nContent-Length: \(Self.event.utf8.count)\r\n\r\n\(Self.event)"
            let chunks = "\(String(Self.event.utf8.count, radix: 16))\r\n\(Self.event)\r\n0\r\n\r\n"
            return switch self {
            case .http11WithoutHost: "POST /api/events/track HTTP/1.1\r\n" + body
            case .twoHosts: "POST /api/events/track HTTP/1.1\r\nHost: evil.example\r\nHost: 127.0.0.1\r\n" + body
            case .twoHostsTheFirstLoopback: "POST /api/events/track HTTP/1.1\r\nHost: 127.0.0.1\r\nHost: evil.example\r\n" + body
            case .hostThatIsNoHost: "POST /api/events/track HTTP/1.1\r\nHost: ada@127.0.0.1\r\n" + body
            case .ftpTarget: "POST ftp://127.0.0.1/api/events/track HTTP/1.1\r\nHost: 127.0.0.1\r\n" + body
            case .unknownMethod: "BREW /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
            case .lowercaseMethod: "post /api/events/track HTTP/1.1\r\nHost: 127.0.0.1\r\n" + body
            case .http2RequestLine: "GET /health HTTP/2.0\r\nHost: 127.0.0.1\r\n\r\n"
            case .gzipTransferCoding: "POST /api/events/track HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: gzip, chunked\r\n\r\n" + chunks
            case .chunkedHTTP10: "POST /api/events/track HTTP/1.0\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\n" + chunks
            case .hostWithANamedPort: "GET /health HTTP/1.1\r\nHost: localhost:abc\r\n\r\n"
            case .hostWithAPortPast65535: "GET /health HTTP/1.1\r\nHost: 127.0.0.1:99999999\r\n\r\n"
            case .asteriskForPost: "POST * HTTP/1.1\r\nHost: 127.0.0.1\r\n" + body
            case .targetWithAFragment: "POST /api/events/track#frag HTTP/1.1\r\nHost: 127.0.0.1\r\n" + body
            case .twoContentLengths: "POST /api/events/track HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 5\r\n" + body
            case .contentLengthWithChunked:
                "POST /api/events/track HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n" + chunks
            // A request pipelined behind, which must not be taken for a tunnel's bytes and go unanswered.
            case .connectToAHost: "CONNECT 127.0.0.1:22 HTTP/1.1\r\nHost: 127.0.0.1:22\r\n\r\nGET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
            case .connectToAPath: "CONNECT /x HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\nGET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
            case .lowercaseVersion: "GET /health http/1.1\r\nHost: 127.0.0.1\r\n\r\n"
            case .unknownVersionToken: "GET /health HTTX/1.1\r\nHost: 127.0.0.1\r\n\r\n"
            case .bareLineFeedAfterCRLF: "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\n"
            case .bareLineFeedAfterRequestLine: "GET /health HTTP/1.1\nHost: 127.0.0.1\r\n\r\n"
            case .bareLineFeedAfterField: "GET /health HTTP/1.1\r\nHost: 127.0.0.1\nAccept: */*\r\n\r\n"
            }
        }

        /// The status line, and the start of the plain body that says why.
        var refusal: (statusLine: String, body: String) {
            switch self {
            case .http11WithoutHost: ("HTTP/1.1 400 Bad Request", "Bad Request: an HTTP/1.1 request needs a Host field")
            case .twoHosts, .twoHostsTheFirstLoopback: ("HTTP/1.1 400 Bad Request", "Bad Request: more than one Host field")
            case .hostThatIsNoHost: ("HTTP/1.1 400 Bad Request", "Bad Request: Host ada@127.0.0.1 is not a host[:port]")
            case .ftpTarget: ("HTTP/1.1 400 Bad Request", "Bad Request: the request target is neither a path nor an http(s) URL")
            case .unknownMethod, .lowercaseMethod: ("HTTP/1.1 501 Not Implemented", "Not Implemented: ")
            case .http2RequestLine: ("HTTP/1.1 505 HTTP Version Not Supported", "HTTP Version Not Supported: ")
            case .gzipTransferCoding: ("HTTP/1.1 501 Not Implemented", "Not Implemented: transfer coding gzip is not taken")
            case .chunkedHTTP10: ("HTTP/1.1 400 Bad Request", "Bad Request: Transfer-Encoding in an HTTP/1.0 request")
            case .hostWithANamedPort: ("HTTP/1.1 400 Bad Request", "Bad Request: Host localhost:abc is not a host[:port]")
            case .hostWithAPortPast65535: ("HTTP/1.1 400 Bad Request", "Bad Request: Host 127.0.0.1:99999999 is not a host[:port]")
            case .asteriskForPost: ("HTTP/1.1 400 Bad Request", "Bad Request: the target * is for OPTIONS only")
            case .targetWithAFragment: ("HTTP/1.1 400 Bad Request", "Bad Request: a request target has no #fragment")
            case .twoContentLengths: ("HTTP/1.1 400 Bad Request", "Bad Request: it has more than one Content-Length")
            // It said only "its Content-Length is not a number" (QA).
            case .contentLengthWithChunked:
                ("HTTP/1.1 400 Bad Request", "Bad Request: its Content-Length is not a number, or it has Content-Length with Transfer-Encoding")
            // It was 405 (receiver) or 404 (ingest) with no Content-Length, the connection left open for 75 s.
            case .connectToAHost, .connectToAPath: ("HTTP/1.1 400 Bad Request", "Bad Request: CONNECT asks for a tunnel")
            case .lowercaseVersion:
                ("HTTP/1.1 400 Bad Request", "Bad Request: the HTTP version must be written HTTP/1.1, in upper case (the request line ends in http/1.1)")
            case .unknownVersionToken:
                ("HTTP/1.1 400 Bad Request", "Bad Request: unknown HTTP version HTTX/1.1: the request line must end in HTTP/1.1 or HTTP/1.0")
            case .bareLineFeedAfterCRLF, .bareLineFeedAfterRequestLine, .bareLineFeedAfterField:
                ("HTTP/1.1 400 Bad Request", "Bad Request: a line of the head ends in a bare LF: end every line with CRLF")
            }
        }
    }

    /// RFC 9112 §3.2 (Host: 400 without one in HTTP/1.1, or with two, or one that is no host,
    /// such as a port that is not one, which both servers took; a target `*` other than OPTIONS's
    /// or with a fragment, which were 404 or 200),
    /// §3.2.2 (an absolute-form target is http or https), RFC 9110 §9.1 (501 for a method the
    /// server does not know; it was 400 with no body), §15.6.6 (505 for HTTP/2 in a request
    /// line; it was 400), RFC 9112 §6.1 (501 for a transfer coding other than chunked, which was
    /// taken with the gzip ignored; 400 for one in HTTP/1.0, its framing faulty), and any other
    /// head the decoder cannot read (400 with no body, from Hummingbird), and CONNECT (RFC 9110
    /// §9.3.6: these servers are no proxies). Each refusal says why
    /// (the ingest API in Iterable's error shape, which its clients parse), and closes the connection.
    @Test(arguments: Kind.allCases, RefusedHead.allCases)
    private func aHeadRefusedIsAnsweredWithWhyThenTheConnectionIsClosed(kind: Kind, head: RefusedHead) async throws {
        let exchange = try await exchangeToTheClose(with: kind, sending: head.request)
        let body = exchange.components(separatedBy: "\r\n\r\n").dropFirst().joined(separator: "\r\n\r\n")
        #expect(exchange.hasPrefix(head.refusal.statusLine + "\r\n"), "\(exchange)")
        #expect(exchange.lowercased().contains("\r\nconnection: close\r\n"), "\(exchange)")
        #expect(exchange.lowercased().contains("\r\ncontent-length: "), "\(exchange)")
        // One answer only: a line that says why.
        let why = try Self.why(body, kind: kind)
        #expect(why.hasPrefix(head.refusal.body) && why.firstIndex(of: "\n") == why.index(before: why.endIndex), "\(exchange)")
    }

    /// What a refusal's body says: the receiver's plain line, or the `msg` of the ingest API's
    /// Iterable error answer (code `GenericError`), with a line break after it.
    private static func why(_ body: String, kind: Kind) throws -> String {
        guard kind == .ingest else { return body }
        let answer = try JSONValue.parse(body)
        #expect(answer["code"] == "GenericError", "\(body)")
        return (answer["msg"]?.stringValue ?? "") + "\n"
    }

    /// RFC 9112 §3.2: HTTP/1.0 needs no Host. RFC 9110 §2.5: a later minor version of HTTP/1 is
    /// taken as HTTP/1.1, the highest the server speaks; `HTTP/1.2` was 400.
    @Test(arguments: Kind.allCases, [
        "GET /health HTTP/1.0\r\n\r\n",
        "GET /health HTTP/1.2\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n",
        "GET /health HTTP/1.9\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n",
    ])
    private func anHTTP10RequestWithoutHostAndALaterHTTP1AreAnswered(kind: Kind, request: String) async throws {
        expectOneAnswerThatCloses(try await exchangeToTheClose(with: kind, sending: request))
    }

    /// Heads too large for the decoder's limits: 80 KiB for the target and for each header field, 1000 fields.
    enum OversizedHead: CaseIterable {
        /// Ends in the read in which it passes the limit.
        case targetJustOverTheLimit
        case targetFarOverTheLimit
        case headerFieldOverTheLimit
        case tooManyHeaderFields

        var request: String {
            switch self {
            case .targetJustOverTheLimit: "GET /\(String(repeating: "a", count: 82_000)) HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
            case .targetFarOverTheLimit: "GET /\(String(repeating: "a", count: 200_000)) HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
            case .headerFieldOverTheLimit:
                "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: \(String(repeating: "a", count: 200_000))\r\n\r\n"
            case .tooManyHeaderFields:
                "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n" + (0..<1_001).map { "X-\($0): 1\r\n" }.joined() + "\r\n"
            }
        }

        /// The status line and body of the refusal.
        var refusal: (statusLine: String, body: String) {
            switch self {
            case .targetJustOverTheLimit, .targetFarOverTheLimit: ("HTTP/1.1 414 URI Too Long", "URI Too Long\n")
            case .headerFieldOverTheLimit, .tooManyHeaderFields:
                ("HTTP/1.1 431 Request Header Fields Too Large", "Request Header Fields Too Large\n")
            }
        }
    }

    /// Expects `exchange` to end with the refusal of `head`, which closes the connection.
    private func expectRefusal(
        of head: OversizedHead, endingThe exchange: String, from kind: Kind = .receiver,
        sourceLocation: Testing.SourceLocation = #_sourceLocation
    ) throws {
        let refusal = "HTTP/1.1 " + (exchange.components(separatedBy: "HTTP/1.1 ").last ?? "")
        let parts = refusal.components(separatedBy: "\r\n\r\n")
        let headLines = parts[0].lowercased().components(separatedBy: "\r\n")
        #expect(refusal.hasPrefix(head.refusal.statusLine + "\r\n"), "\(refusal)", sourceLocation: sourceLocation)
        #expect(try Self.why(parts.dropFirst().joined(), kind: kind) == head.refusal.body, "\(refusal)", sourceLocation: sourceLocation)
        #expect(headLines.contains("connection: close"), "\(refusal)", sourceLocation: sourceLocation)
        let type = kind == .ingest ? "application/json" : "text/plain; charset=utf-8"
        #expect(headLines.contains("content-type: \(type)"), "\(refusal)", sourceLocation: sourceLocation)
        #expect(headLines.contains { $0.hasPrefix("date: ") }, "\(refusal)", sourceLocation: sourceLocation)
    }

    /// RFC 9112 §3 and RFC 6585 §5: a target too long is 414, header fields too large are 431.
    /// Both were 400 with no body.
    @Test(arguments: Kind.allCases, OversizedHead.allCases)
    private func aHeadTooLargeIsRefusedForWhatOverflowedThenTheConnectionIsClosed(kind: Kind, head: OversizedHead)
        async throws
    {
        let exchange = try await exchangeToTheClose(with: kind, sending: head.request)
        #expect(exchange.components(separatedBy: "HTTP/1.1 ").count == 2, "one answer only: \(exchange)")
        try expectRefusal(of: head, endingThe: exchange, from: kind)
    }

    /// What comes on the connection before the head too large.
    enum EarlierRequest: CaseIterable {
        /// Answered before the head is sent.
        case keptAlive
        /// In the same write as the head.
        case pipelined
        case pipelinedWithABody

        var request: String {
            switch self {
            case .keptAlive, .pipelined: "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
            case .pipelinedWithABody: "POST /hook HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 7\r\n\r\n{\"a\":1}"
            }
        }
    }

    /// The refusal follows the answers to the requests before the head, and tells the target
    /// from the header fields whether the head came in a read of its own or behind another request.
    @Test(arguments: OversizedHead.allCases, EarlierRequest.allCases)
    func aHeadTooLargeBehindOtherRequestsIsRefusedAfterTheirAnswers(head: OversizedHead, earlier: EarlierRequest)
        async throws
    {
        let receiver = try await Receiver.start()
        let socket = try LoopbackSocket()
        try socket.connect(to: receiver.port)
        var answered = ""
        if earlier == .keptAlive {
            try socket.send(earlier.request)
            answered = try #require(await socket.readAnswer())
            try socket.send(head.request)
        } else {
            try socket.send(earlier.request + head.request)
        }
        let exchange = answered + (try #require(await socket.readUntilClosed(within: 10), "still open after 10 s"))
        #expect(exchange.hasPrefix("HTTP/1.1 200 OK\r\n"), "\(exchange)")
        #expect(exchange.components(separatedBy: "HTTP/1.1 ").count == 3, "two answers: \(exchange)")
        try expectRefusal(of: head, endingThe: exchange)
        socket.close()
        await receiver.shutdown()
    }

    /// A body refused from its head (413 for 1 GiB declared) is not read on: the answer says
    /// `Connection: close`, and a client that keeps sending is cut off once 32 MiB were dropped.
    /// Both servers read on and dropped whatever came, so one client could push gigabytes
    /// through a refusal.
    @Test(arguments: Kind.allCases)
    private func aLargeBodyAnsweredBeforeItIsReadClosesTheConnection(kind: Kind) async throws {
        let server = try await ServerUnderTest.start(kind)
        let socket = try server.connect()
        let path = kind == .ingest ? "/api/events/track" : "/hook"
        try socket.send("POST \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 1073741824\r\n\r\n")
        let answer = try #require(await socket.readAnswer())
        #expect(answer.hasPrefix("HTTP/1.1 413 "), "\(answer)")
        #expect(answer.lowercased().contains("\r\nconnection: close\r\n"), "\(answer)")
        // At most 128 MiB: the server must close before.
        let sent = await socket.sendRepeatedly(String(repeating: "x", count: 64 << 10), upTo: 128 << 20)
        #expect(sent < 48 << 20, "the server took \(sent >> 20) MiB after its answer")
        socket.close()
        try await server.shutdown()
    }

    /// A chunked body answered before its end (the ingest API's 404, the receiver's 413 past
    /// 1 MiB) is drained to 32 MiB at most; then the connection is closed.
    @Test(arguments: Kind.allCases)
    private func aChunkedBodyAnsweredEarlyIsDrainedOnlySoFar(kind: Kind) async throws {
        let server = try await ServerUnderTest.start(kind)
        let socket = try server.connect()
        let path = kind == .ingest ? "/api/nothing-here" : "/hook"
        try socket.send("POST \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\n")
        let chunk = "10000\r\n" + String(repeating: "x", count: 0x10000) + "\r\n"
        let sent = await socket.sendRepeatedly(chunk, upTo: 128 << 20)
        #expect(sent < 48 << 20, "the server took \(sent >> 20) MiB")
        socket.close()
        try await server.shutdown()
    }

    /// A remainder of a body answered early (a 404 before it was read) under 32 MiB is still
    /// drained, so the connection serves the next request.
    @Test func aSmallBodyAnsweredBeforeItIsReadKeepsTheConnection() async throws {
        let server = try await ServerUnderTest.start(.ingest)
        let socket = try server.connect()
        try socket.send("POST /api/nothing-here HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 2000000\r\n\r\n")
        let refused = try #require(await socket.readAnswer())
        #expect(refused.hasPrefix("HTTP/1.1 404 "), "\(refused)")
        #expect(!refused.lowercased().contains("\r\nconnection: close\r\n"), "\(refused)")
        let sent = await socket.sendRepeatedly(String(repeating: " ", count: 2_000_000) + "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", upTo: 1)
        #expect(sent > 0)
        let health = try #require(await socket.readAnswer(), "the connection was closed after a small body")
        #expect(health.hasPrefix("HTTP/1.1 200 "), "\(health)")
        socket.close()
        try await server.shutdown()
    }

    /// A chunked body whose framing breaks is 400 saying where, then closed: the ingest API said
    /// `BadJsonBody` with the parser's state ("strict mode assertion") and no `Connection: close`,
    /// the receiver nothing at all.
    @Test(arguments: Kind.allCases, [
        ("zz\r\n{}\r\n0\r\n\r\n", "a chunk size is not a hexadecimal number"),
        ("1\r\n{}\r\n0\r\n\r\n", "a chunk's data does not end in CRLF where its size says"),
    ])
    private func aMalformedChunkedBodyIsAnswered400SayingWhyThenClosed(kind: Kind, body: (chunks: String, why: String)) async throws {
        let (chunks, why) = body
        let path = kind == .ingest ? "/api/events/track" : "/hook"
        let exchange = try await exchangeToTheClose(
            with: kind,
            sending: "POST \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
                + chunks)
        #expect(exchange.hasPrefix("HTTP/1.1 400 Bad Request\r\n"), "\(exchange)")
        #expect(exchange.lowercased().contains("\r\nconnection: close\r\n"), "\(exchange)")
        let answer = exchange.components(separatedBy: "\r\n\r\n").dropFirst().joined(separator: "\r\n\r\n")
        #expect(try Self.why(answer, kind: kind).contains("the chunked body is malformed: \(why)"), "\(exchange)")
    }

    /// The receiver's 413 said nothing (`Content-Length: 0`); it says why in a line, as its 400s do.
    @Test func theReceivers413SaysWhy() async throws {
        let server = try await ServerUnderTest.start(.receiver)
        let socket = try server.connect()
        try socket.send("POST /hook HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 2000000\r\n\r\n")
        let answer = try #require(await socket.readAnswer())
        #expect(answer.hasPrefix("HTTP/1.1 413 "), "\(answer)")
        #expect(answer.hasSuffix("\r\n\r\nPayload Too Large: the body is over 1 MiB\n"), "\(answer)")
        socket.close()
        try await server.shutdown()
    }
}
