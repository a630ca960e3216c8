import Foundation
import StudioModel
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
        #expect(response?["bodySize"] == 4)
        #expect(response?["content"]?["encoding"] == "base64")
        #expect(response?["content"]?["comment"] == "truncated: only the first 4 bytes were kept")
    }

    @Test func anEmptyHeaderValueIsSentByCurlAsNameSemicolonNotRemoved() {
        let request = Self.request(
            url: "http://127.0.0.1:9/v1", headers: [HeaderField("X-Campaign", ""), HeaderField("X-Tag", "it's")])
        #expect(request.curlCommand == #"curl -X POST 'http://127.0.0.1:9/v1' -H 'X-Campaign;' -H 'X-Tag: it'\''s'"#)
    }
}
