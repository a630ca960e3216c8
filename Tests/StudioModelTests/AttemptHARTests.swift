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
}
