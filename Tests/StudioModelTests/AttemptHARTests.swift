import Foundation
import StudioModel
import Testing

/// What a HAR export of the traffic holds, as a browser's network panel or a HAR viewer reads it.
struct AttemptHARTests {
    /// HAR 1.2's queryString holds the values a server reads from the query: a `+` is a space
    /// (application/x-www-form-urlencoded, as browsers and servers read a query) and `%XX` its
    /// byte; `?q=a+b%2Bc` gave `a+b+c`, the `+` kept and the encoded one decoded alike. The
    /// entry's `url` stays as sent.
    @Test func aPlusInTheQueryIsASpaceInTheQueryStringAndTheURLIsAsSent() throws {
        let url = "http://127.0.0.1:9/search?q=a+b%2Bc&name=Ada+Lovelace%20K&plain=x#top"
        let record = AttemptRecord(
            startedAt: Date(timeIntervalSince1970: 1_700_000_000), deliveryID: "msg_1", method: "GET", url: url,
            status: 200, outcome: .success)
        let har = AttemptHAR.document(for: [record], creatorVersion: "test", reasonPhrase: { _ in "OK" })
        let request = try #require(har["log"]?["entries"]?.arrayValue?.first?["request"])
        #expect(
            request["queryString"] == [
                ["name": "q", "value": "a b+c"], ["name": "name", "value": "Ada Lovelace K"], ["name": "plain", "value": "x"],
            ])
        #expect(request["url"]?.stringValue == url)
    }

    /// `hookline logs --format har` writes the archive a page at a time: the text is the whole
    /// document's, however the attempts come, none at all included, and it reads back as JSON.
    @Test(arguments: [[], [1], [2, 1], [1, 1, 1]])
    func anArchiveWrittenPageByPageIsTheWholeDocument(pages: [Int]) throws {
        let records = (0..<pages.reduce(0, +)).map { index -> AttemptRecord in
            let outcome: AttemptOutcome = index == 0 ? .failed(errorClass: "timeout", message: "15 s") : .httpError
            return AttemptRecord(
                startedAt: Date(timeIntervalSince1970: 1_700_000_000 + Double(index)), deliveryID: "msg_\(index)", method: "POST",
                url: "http://127.0.0.1:9/hook?n=\(index)", requestBody: "{\"n\": \(index)}",
                status: index == 0 ? nil : 500, outcome: outcome)
        }
        var text = ""
        var writer = AttemptHARWriter(creatorVersion: "test", reasonPhrase: { _ in "Internal Server Error" }) { text += $0 }
        var rest = records[...]
        for size in pages {
            writer.add(Array(rest.prefix(size)))
            rest = rest.dropFirst(size)
        }
        writer.finish()
        let whole = AttemptHAR.document(for: records, creatorVersion: "test", reasonPhrase: { _ in "Internal Server Error" })
        #expect(text == whole.prettyJSONText + "\n")
        #expect(writer.entryCount == records.count)
        let parsed = try JSONValue.parse(text)
        #expect(parsed["log"]?["entries"]?.arrayValue?.count == records.count)
    }
}
