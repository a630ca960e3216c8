import Foundation
import NIOCore
import StudioModel
import Testing

@testable import StudioEngine

/// What an attempt makes of a response's head, against the real ``DeliveryClient`` and a raw
/// server on 127.0.0.1: its size limit and what a record keeps of it, a body framed two ways,
/// an unasked-for 101, and the version a status line gives.
struct ResponseHeadTests {
    /// The name of the fields a record adds after the received ones (``DeliveryClient/noteFieldName``).
    static let noteName = "(hookline)"

    static func send(_ answer: String, keepOpen: Bool = false, splitAfter: Int? = nil) async throws -> AttemptRecord {
        let server = try await RawAnswerServer.start(answer: Array(answer.utf8), keepOpen: keepOpen, splitAfter: splitAfter)
        let record = try await withLoopbackClient { client in
            await client.send(makeRequest(server.baseURL + "/hook"), origin: .init())
        }
        try await server.shutdown()
        return record
    }

    static func head(fields count: Int, status: String = "200 OK") -> String {
        var head = "HTTP/1.1 \(status)\r\n"
        for index in 0..<count { head += "X-H\(index): v\r\n" }
        return head
    }

    // MARK: - The head's size

    /// 10,000 fields of a few bytes make a head of about 118 KB: it was taken, each field kept
    /// in the record (a run of 4,000 grew to 1.1 GB), while the message names 80 KiB.
    @Test(arguments: [10_000, 7_500])
    func aHeadOverEightyKiBIsRefusedAsTheMessageSays(fields: Int) async throws {
        let answer = Self.head(fields: fields) + "Content-Length: 2\r\n\r\nok"
        #expect(answer.utf8.count > 80 * 1024)
        let record = try await Self.send(answer)

        #expect(record.status == nil)
        #expect(record.outcome.errorClass == "invalid_response", "\(record.outcome)")
        guard case .failed(_, let message) = record.outcome else { return }
        #expect(message.contains("larger than the 80 KiB"), "\(message)")
    }

    /// A head under the limit is taken; the record keeps its first 100 fields, the ones Hookline
    /// acts on after them, and says how many it left out; it is marked cut, as a cut body is.
    @Test(arguments: [nil, 30_000] as [Int?])
    func aRecordKeepsABoundedPartOfALargeHeadAndSaysSo(splitAfter: Int?) async throws {
        let answer =
            Self.head(fields: 6_000, status: "503 Busy") + "Retry-After: 120\r\nContent-Length: 4\r\nConnection: close\r\n\r\nbusy"
        #expect(answer.utf8.count < 80 * 1024)
        let record = try await Self.send(answer, keepOpen: splitAfter != nil, splitAfter: splitAfter)

        #expect(record.status == 503, "\(record.outcome)")
        #expect(record.responseBody == "busy")
        #expect(record.responseTruncated)
        let received = record.responseHeaders.filter { $0.name != Self.noteName }
        #expect(received.prefix(100).map(\.name) == (0..<100).map { "X-H\($0)" })
        #expect(received.dropFirst(100).map(\.name) == ["Retry-After", "Content-Length"])
        let notes = record.responseHeaders.filter { $0.name == Self.noteName }.map(\.value)
        #expect(notes.count == 1)
        #expect(notes.first?.hasPrefix("5901 more header fields") == true, "\(notes)")
        // The Retry-After past the cut is still honoured.
        #expect(record.responseHeaders.contains(HeaderField("Retry-After", "120")))
    }

    @Test func anOrdinaryHeadIsKeptWholeAndNotMarked() async throws {
        let record = try await Self.send(Self.head(fields: 40) + "Content-Length: 2\r\n\r\nok")
        #expect(record.status == 200)
        #expect(!record.responseTruncated)
        #expect(record.responseHeaders.count == 41)
        #expect(!record.responseHeaders.contains { $0.name == Self.noteName })
    }

    // MARK: - A body framed two ways

    /// RFC 9112 §6.3: Transfer-Encoding overrides Content-Length. The 200 was an
    /// `invalid_response`, retried 8 times: the receiver got 8 copies of a webhook it accepted.
    @Test(arguments: [
        "HTTP/1.1 200 OK\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nX-A: 1\r\ncontent-length: 99\r\n\r\n5\r\nhello\r\n0\r\n\r\n",
    ], [nil, 25] as [Int?])
    func contentLengthBesideChunkedIsReadAsChunkedNotedAndTheConnectionClosed(answer: String, splitAfter: Int?) async throws {
        let server = try await RawAnswerServer.start(answer: Array(answer.utf8), keepOpen: true, splitAfter: splitAfter)
        let records = try await withLoopbackClient { client in
            let first = await client.send(makeRequest(server.baseURL + "/hook"), origin: .init())
            // Never reused: the client closes it after the answer.
            for _ in 0..<HTTP1TransportTests.closeWaitPolls where server.closedConnections == 0 {
                try await Task.sleep(for: .milliseconds(10))
            }
            return [first, await client.send(makeRequest(server.baseURL + "/hook"), origin: .init())]
        }
        try await server.shutdown()

        #expect(records.map(\.status) == [200, 200], "\(records.map(\.outcome))")
        #expect(records.allSatisfy { $0.outcome == .success && $0.responseBody == "hello" && !$0.responseTruncated })
        #expect(server.closedConnections >= 1)
        let first = try #require(records.first)
        // Recorded as the server sent them, both lengths, with a note after them.
        let received = first.responseHeaders.filter { $0.name != Self.noteName }
        #expect(received.contains { $0.name.lowercased() == "content-length" })
        #expect(received.contains { $0.name == "Transfer-Encoding" })
        #expect(received.count == answer.components(separatedBy: "\r\n\r\n")[0].components(separatedBy: "\r\n").count - 1)
        let note = first.responseHeaders.last { $0.name == Self.noteName }?.value ?? ""
        #expect(note.contains("both Transfer-Encoding and Content-Length"), "\(note)")
        #expect(note.contains("RFC 9112 §6.3"))
    }

    /// RFC 9110 §8.6: the same Content-Length on two lines may be read as one.
    @Test func theSameContentLengthTwiceIsReadAsOne() async throws {
        let record = try await Self.send("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nX-A: 1\r\nContent-Length:  5 \r\n\r\nhello")
        #expect(record.status == 200, "\(record.outcome)")
        #expect(record.responseBody == "hello")
        #expect(record.responseHeaders.map(\.name) == ["Content-Length", "X-A", "Content-Length", Self.noteName])
        #expect(record.responseHeaders.last?.value.contains("Content-Length 2 times with the same value") == true)
    }

    /// RFC 9110 §8.6: a list of the same Content-Length in one line (`5, 5`, as a proxy joining
    /// two lines writes it) may be read as one too; it was an `invalid_response`, retried. It is
    /// recorded as received, with the note.
    @Test(arguments: [
        "Content-Length: 5, 5\r\nX-A: 1\r\n", "X-A: 1\r\nContent-Length:5,5 ,\t5\r\n",
        "Content-Length: 5\r\nX-A: 1\r\ncontent-length: 5, 5\r\n",
    ])
    func aListOfTheSameContentLengthIsReadAsOne(fields: String) async throws {
        let record = try await Self.send("HTTP/1.1 200 OK\r\n" + fields + "\r\nhello")
        #expect(record.status == 200, "\(record.outcome)")
        #expect(record.responseBody == "hello")
        let sent = fields.split(separator: "\r\n").map { line in
            let colon = line.firstIndex(of: ":") ?? line.endIndex
            return HeaderField(String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
        }
        #expect(Array(record.responseHeaders.dropLast()) == sent)
        #expect(record.responseHeaders.last?.name == Self.noteName)
        let note = record.responseHeaders.last?.value ?? ""
        #expect(note.contains("times with the same value, as a list: read as one (RFC 9110 §8.6)"), "\(note)")
    }

    /// A list of lengths that differ, or with an empty one, stays an invalid response.
    @Test(arguments: ["Content-Length: 5, 2\r\n", "Content-Length: 5\r\nContent-Length: 5, 4\r\n", "Content-Length: 5,\r\n"])
    func aListOfDifferentContentLengthsStaysAnInvalidResponse(fields: String) async throws {
        let record = try await Self.send("HTTP/1.1 200 OK\r\n" + fields + "\r\nhello")
        #expect(record.status == nil)
        #expect(record.outcome.errorClass == "invalid_response", "\(record.outcome)")
    }

    /// Lengths that differ stay an unrecoverable error (RFC 9112 §6.3).
    @Test func differentContentLengthsStayAnInvalidResponse() async throws {
        let record = try await Self.send("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 2\r\n\r\nhello")
        #expect(record.status == nil)
        guard case .failed(let errorClass, let message) = record.outcome else {
            Issue.record("recorded as \(record.outcome)")
            return
        }
        #expect(errorClass == "invalid_response")
        #expect(message.contains("Content-Length more than once, with different values"), "\(message)")
    }

    // MARK: - Status line

    /// RFC 9110 §15.2.2: a server switches protocols only to one the request asked for in
    /// Upgrade, and no request does. The 101 was stored as a final status and retried as a 5xx.
    @Test func anUnaskedForSwitchingProtocolsIsAnInvalidResponse() async throws {
        let record = try await Self.send(
            "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n", keepOpen: true)
        #expect(record.status == nil)
        guard case .failed(let errorClass, let message) = record.outcome else {
            Issue.record("recorded as \(record.outcome)")
            return
        }
        #expect(errorClass == "invalid_response")
        #expect(message.contains("101 Switching Protocols, to a request that asked for no upgrade"), "\(message)")
        #expect(DeliveryOutcomeClass.hint(for: record)?.contains("fix the server") == true)
    }

    /// A higher minor version is read as HTTP/1.1 (RFC 9110 §2.5), and recorded as received:
    /// `HTTP/1.2` was stored as `HTTP/1.1`.
    @Test(arguments: [("HTTP/1.2", "HTTP/1.2"), ("HTTP/1.9", "HTTP/1.9"), ("HTTP/1.1", "HTTP/1.1"), ("HTTP/1.0", "HTTP/1.0")])
    func theVersionIsRecordedAsReceived(version: String, recorded: String) async throws {
        let record = try await Self.send("\(version) 200 OK\r\nContent-Length: 2\r\n\r\nok")
        #expect(record.status == 200, "\(record.outcome)")
        #expect(record.responseVersion == recorded)
        #expect(record.responseBody == "ok")
    }
}

extension ResponseHeadTests {
    /// RFC 9112 §6.3: a Transfer-Encoding other than chunked in a response overrides the
    /// Content-Length too, and the body ends with the connection. It was an `invalid_response`.
    @Test func contentLengthBesideAnotherTransferEncodingIsReadToTheClose() async throws {
        let record = try await Self.send("HTTP/1.1 200 OK\r\nTransfer-Encoding: identity\r\nContent-Length: 2\r\n\r\nhello")
        #expect(record.status == 200, "\(record.outcome)")
        #expect(record.responseBody == "hello")
        #expect(record.responseHeaders.last?.name == Self.noteName)
    }
}
