import NIOCore
import NIOEmbedded
import NIOHTTP1
import Testing
@testable import StudioEngine

/// Response heads with bare LF line ends reach the HTTP decoder as CRLF; bodies pass unchanged,
/// whatever the chunking, and a kept-alive connection's next response is a head again.
struct BareLineFeedHandlerTests {
    /// A client pipeline as the pool builds it, fed `answer` in pieces of `pieceSize` bytes.
    static func decode(_ answers: [String], pieceSize: Int) throws -> [HTTPClientResponsePart] {
        let channel = EmbeddedChannel()
        try channel.pipeline.syncOperations.addHandler(BareLineFeedHandler())
        try channel.pipeline.syncOperations.addHandler(ResponseFramingHandler())
        try channel.pipeline.syncOperations.addHTTPClientHandlers()
        var parts: [HTTPClientResponsePart] = []
        for answer in answers {
            // Each exchange announces itself and writes a request first, as HTTP1ExchangeHandler does.
            channel.pipeline.triggerUserOutboundEvent(BareLineFeedHandler.ExpectResponseHead(), promise: nil)
            try channel.writeOutbound(HTTPClientRequestPart.head(HTTPRequestHead(version: .http1_1, method: .POST, uri: "/")))
            try channel.writeOutbound(HTTPClientRequestPart.end(nil))
            let bytes = Array(answer.utf8)
            for start in stride(from: 0, to: bytes.count, by: pieceSize) {
                try channel.writeInbound(ByteBuffer(bytes: bytes[start..<min(bytes.count, start + pieceSize)]))
                while let part = try channel.readInbound(as: HTTPClientResponsePart.self) { parts.append(part) }
            }
        }
        _ = try channel.finish()
        return parts
    }

    static func summary(_ parts: [HTTPClientResponsePart]) -> [String] {
        parts.map { part in
            switch part {
            case .head(let head): "head \(head.status.code) \(head.headers.map { "\($0.name)=\($0.value)" }.joined(separator: ","))"
            case .body(let buffer): "body \(String(buffer: buffer))"
            case .end: "end"
            }
        }
    }

    @Test(arguments: [1, 2, 7, 1024])
    func headsAreReadAndBodiesKeptWhateverTheChunking(pieceSize: Int) throws {
        let answers = [
            "HTTP/1.1 100 Continue\n\nHTTP/1.1 200 OK\nContent-Length: 6\nX-A: 1\n\nab\ncd\n",
            "HTTP/1.1 201 Created\r\nContent-Length: 4\n\r\nx\ny\n",
        ]
        let parts = Self.summary(try Self.decode(answers, pieceSize: pieceSize))
        // The decoder may hand a body over in several parts: join them.
        var joined: [String] = []
        for part in parts {
            if part.hasPrefix("body "), let last = joined.last, last.hasPrefix("body ") {
                joined[joined.count - 1] = last + part.dropFirst(5)
            } else {
                joined.append(part)
            }
        }
        #expect(joined == [
            "head 200 Content-Length=6,X-A=1", "body ab\ncd\n", "end", "head 201 Content-Length=4", "body x\ny\n", "end",
        ])
    }

    /// A body is chunked only when `chunked` is the last coding, as the decoder reads it; the
    /// handler took any mention of it for chunking and put a CR before each LF of a body framed
    /// by the close.
    @Test(arguments: ["chunked, gzip", "chunked;q=1", "gzip, chunked, identity"])
    func aBodyWhoseLastCodingIsNotChunkedPassesByteForByte(codings: String) throws {
        let answer = "HTTP/1.1 200 OK\r\nTransfer-Encoding: \(codings)\r\nConnection: close\r\n\r\nhello\nworld\n"
        let parts = try Self.decode([answer], pieceSize: 1024)
        let body = parts.compactMap { part -> String? in
            if case .body(let buffer) = part { return String(buffer: buffer) }
            return nil
        }.joined()
        #expect(body == "hello\nworld\n")
    }

    /// `chunked` is a coding of the list only as a whole element: `xchunked` was taken for it, and
    /// the LFs of a body framed by the close got a CR each.
    @Test(arguments: ["xchunked", "gzip, xchunked", "chunkedx", "chunked\t"])
    func aCodingThatOnlyContainsChunkedIsNotChunked(codings: String) throws {
        let answer = "HTTP/1.1 200 OK\r\nTransfer-Encoding: \(codings)\r\nConnection: close\r\n\r\nline1\nline2\n"
        let parts = try Self.decode([answer], pieceSize: 1024)
        let body = parts.compactMap { part -> String? in
            if case .body(let buffer) = part { return String(buffer: buffer) }
            return nil
        }.joined()
        #expect(body == "line1\nline2\n")
    }

    /// As a whole element, whatever its case and the whitespace around it, `chunked` frames the
    /// body: its size lines with bare LFs are read.
    @Test(arguments: ["gzip,  Chunked", "gzip ,chunked  ", "\tCHUNKED"])
    func chunkedAsTheLastElementFramesTheBody(codings: String) throws {
        let answer = "HTTP/1.1 200 OK\r\nTransfer-Encoding: \(codings)\r\n\r\n3\nabc\n0\n\n"
        let parts = Self.summary(try Self.decode([answer], pieceSize: 1024))
        #expect(parts.last == "end")
        #expect(parts.dropFirst().dropLast().joined() == "body abc")
    }

    /// Joins the body parts the decoder may hand over in pieces.
    static func joiningBodies(_ parts: [String]) -> [String] {
        var joined: [String] = []
        for part in parts {
            if part.hasPrefix("body "), let last = joined.last, last.hasPrefix("body ") {
                joined[joined.count - 1] = last + part.dropFirst(5)
            } else {
                joined.append(part)
            }
        }
        return joined
    }

    /// RFC 9112 §5.2: a user agent replaces each obs-fold of a response with SP before it reads
    /// the value. The decoder refused the answer, and the attempt was retried as invalid. Its
    /// line end and whitespace become spaces, wherever the reads split them.
    @Test(arguments: [1, 2, 7, 1024])
    func anObsFoldIsReadAsSpaces(pieceSize: Int) throws {
        let answers = [
            "HTTP/1.1 200 OK\r\nX-A: a\r\n  b\r\n\tc\r\nContent-Length: 2\r\n\r\nok",
            "HTTP/1.1 201 Created\nX-B: 1\n 2\nContent-Length: 0\n\n",
        ]
        let parts = Self.joiningBodies(Self.summary(try Self.decode(answers, pieceSize: pieceSize)))
        #expect(parts == [
            "head 200 X-A=a    b   c,Content-Length=2", "body ok", "end", "head 201 X-B=1  2,Content-Length=0", "end",
        ])
    }

    /// A fold continues a field's value: `Transfer-Encoding: gzip,` folded onto `chunked` frames
    /// the body in chunks, as the value `gzip,   chunked` does.
    @Test(arguments: [1, 1024])
    func aFoldedTransferEncodingIsReadWhole(pieceSize: Int) throws {
        let answer = "HTTP/1.1 200 OK\nTransfer-Encoding: gzip,\n  chunked\n\n3\nabc\n0\n\n"
        let parts = Self.joiningBodies(Self.summary(try Self.decode([answer], pieceSize: pieceSize)))
        #expect(parts == ["head 200 Transfer-Encoding=gzip,   chunked", "body abc", "end"])
    }

    /// A line that starts with whitespace right after the status line folds into no field: it
    /// reaches the decoder as it came, which refuses it.
    @Test func whitespaceAfterTheStatusLineIsNoFold() throws {
        #expect(throws: HTTPParserError.self) {
            _ = try Self.decode(["HTTP/1.1 200 OK\r\n X-A: 1\r\nContent-Length: 0\r\n\r\n"], pieceSize: 1024)
        }
    }

    /// RFC 9112 §7.1.1: whitespace may come between a chunk's size and its extensions (BWS), and
    /// a recipient must accept it; the decoder refused `5 ;foo=bar`.
    @Test(arguments: [1, 3, 1024])
    func whitespaceBeforeAChunkExtensionIsAccepted(pieceSize: Int) throws {
        let answer = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
            + "5 ;foo=bar\r\nhello\r\n6\t; x = 1\r\n world\r\n0 ;last\r\n\r\n"
        let parts = Self.joiningBodies(Self.summary(try Self.decode([answer], pieceSize: pieceSize)))
        #expect(parts == ["head 200 Transfer-Encoding=chunked", "body hello world", "end"])
    }

    /// Whitespace after a chunk's size that no extension follows is not BWS: `5 5` is not `55`.
    @Test(arguments: ["5 5", "5 ", "5\tx"])
    func whitespaceAfterAChunkSizeWithoutAnExtensionIsRefused(sizeLine: String) throws {
        let answer = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n\(sizeLine)\r\nhello\r\n0\r\n\r\n"
        #expect(throws: HTTPParserError.self) { _ = try Self.decode([answer], pieceSize: 1024) }
    }

    /// RFC 9110 §2.5: a recipient reads a higher minor version of HTTP/1 as the highest it
    /// speaks. The decoder refused `HTTP/1.2` as another protocol.
    @Test(arguments: ["HTTP/1.2", "HTTP/1.9"], [1, 1024])
    func aHigherMinorVersionOfHTTP1IsReadAsHTTP11(version: String, pieceSize: Int) throws {
        let parts = try Self.decode(["\(version) 200 OK\r\nContent-Length: 2\r\n\r\nok"], pieceSize: pieceSize)
        guard case .head(let head) = parts.first else {
            Issue.record("no head: \(Self.summary(parts))")
            return
        }
        #expect(head.version == .http1_1)
        #expect(head.status == .ok)
        #expect(Self.joiningBodies(Self.summary(parts)).dropFirst() == ["body ok", "end"])
    }

    /// Another major version, or a minor version of two digits, stays refused.
    @Test(arguments: ["HTTP/2.0", "HTTP/1.10", "HTTP/3.2"])
    func anotherVersionIsStillRefused(version: String) throws {
        #expect(throws: HTTPParserError.self) {
            _ = try Self.decode(["\(version) 200 OK\r\nContent-Length: 2\r\n\r\nok"], pieceSize: 1024)
        }
    }

    @Test func anEmptyLineBeforeTheStatusLineIsNotTakenForIt() throws {
        let parts = Self.summary(try Self.decode(["\r\nHTTP/1.1 100 Continue\n\nHTTP/1.1 200 OK\nContent-Length: 2\n\nok"], pieceSize: 1024))
        #expect(parts == ["head 200 Content-Length=2", "body ok", "end"])
    }

    @Test(arguments: [1, 3, 1024])
    func aChunkedBodysFramingLinesAreReadAndItsDataKept(pieceSize: Int) throws {
        let answers = [
            // Bare LFs in the size lines, after the data and in the trailers; the data holds LFs of its own.
            "HTTP/1.1 200 OK\nTransfer-Encoding: chunked\n\n4;ext=1\na\nb\n\n3\nc\nd\n0\nX-Trailer: t\n\n",
            // The next answer on the same connection, in CRLF.
            "HTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\nok",
        ]
        var joined: [String] = []
        for part in Self.summary(try Self.decode(answers, pieceSize: pieceSize)) {
            if part.hasPrefix("body "), let last = joined.last, last.hasPrefix("body ") {
                joined[joined.count - 1] = last + part.dropFirst(5)
            } else {
                joined.append(part)
            }
        }
        #expect(joined == ["head 200 Transfer-Encoding=chunked", "body a\nb\nc\nd", "end", "head 201 Content-Length=2", "body ok", "end"])
    }

    /// A head of short lines over 80 KiB in all is a header overflow, as its message says: the
    /// decoder's own limit took 10,000 fields (about 118 KB) and kept each.
    @Test(arguments: [1024, 64 * 1024])
    func aHeadOfShortLinesOverEightyKiBIsAHeaderOverflow(pieceSize: Int) throws {
        let fields = (0..<7_500).map { "X-H\($0): v\r\n" }.joined()
        #expect(throws: HTTPParserError.headerOverflow) {
            _ = try Self.decode(["HTTP/1.1 200 OK\r\n" + fields + "Content-Length: 2\r\n\r\nok"], pieceSize: pieceSize)
        }
        // Under it, the same lines pass.
        let under = (0..<6_500).map { "X-H\($0): v\r\n" }.joined()
        let parts = try Self.decode(["HTTP/1.1 200 OK\r\n" + under + "Content-Length: 2\r\n\r\nok"], pieceSize: pieceSize)
        #expect(Self.joiningBodies(Self.summary(parts)).dropFirst() == ["body ok", "end"])
    }

    /// A chunk's size line never ends (an endless extension): the decoder would keep it all, so
    /// the line is cut at 80 KiB as a header overflow.
    @Test func aChunkSizeLineLongerThanTheLimitIsAHeaderOverflow() throws {
        let head = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1;x="
        let endless = String(repeating: "a", count: 80 * 1024)
        #expect(throws: HTTPParserError.headerOverflow) {
            _ = try Self.decode([head + endless], pieceSize: 4096)
        }
    }
}
