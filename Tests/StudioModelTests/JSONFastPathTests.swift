import Foundation
import Testing

@testable import StudioModel

/// The fast paths used on the delivery path agree with the general ones they replace.
struct JSONFastPathTests {
    static let documents: [String] = [
        "{}", "[]", "1", "-0", "0.5e+3", "1E9", "01", "-", "1.", "1e", ".5", "true", "tru", "nul", "null ", " \n\tfalse",
        #"{"a":1,"b":[1,2,{"c":null}],"d":"x\"y\\z\/\u00e9\ud83d\ude00"}"#, #"{"a":1,}"#, #"[1,2,]"#, #"{"a" 1}"#,
        #"{"a":1}x"#, #""\x""#, #""\u12G4""#, #""\ud800\u12""#, #""\ud800\n""#, "\"a\u{01}b\"", "\"é😀\"",
        #"{"a":{"b":[true,false,null,-1.25e-3]}}"#, "", "   ", #"{"a":1"#, #"["#, #"{"#, #"{1:2}"#,
        String(repeating: "[", count: 512) + String(repeating: "]", count: 512),
        String(repeating: "[", count: 513) + String(repeating: "]", count: 513),
        "12345678901234567890123", "1e400", #"{"email":"ada@example.com","n":3}"#,
    ]

    @Test(arguments: documents)
    func validatorAgreesWithTheParser(text: String) {
        let parses = (try? JSONValue.parse(text)) != nil
        #expect(JSONValidator.isValid(text) == parses)
    }

    @Test(arguments: [
        "", "plain", "a\"b", "\"\u{301}x", "e\u{301}\\", "tab\there\nline\r\u{08}\u{0C}\u{01}\u{1F}",
        "\u{2028}\u{2029}\u{2027}\u{2030}€", "😀\"😀", "\u{E2}", "end\"",
    ])
    func escapingWritesEveryCharacterOnce(text: String) throws {
        var out = ""
        JSONValue.escapeForJSONString(text, to: &out)
        #expect(try JSONValue.parse("\"" + out + "\"") == .string(text))
        #expect(out.utf8.elementsEqual(Self.reference(text).utf8))
        var bytes: [UInt8] = []
        JSONValue.escapeForJSONString(text, to: &bytes)
        #expect(bytes == Array(out.utf8))
    }

    /// The scalar-by-scalar escaping the fast version replaced.
    static func reference(_ string: String) -> String {
        var out = ""
        for scalar in string.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            case "\u{2028}": out += "\\u2028"
            case "\u{2029}": out += "\\u2029"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out
    }

    @Test func renderJSONTextMatchesRenderJSON() throws {
        let template = try Template(parsing: #"{"n": "{{name}}", "q": {{qty}}, "raw": {{{raw}}}}"#)
        let good = TemplateContext(data: ["name": "A\"da", "qty": 3, "raw": "[1,2]"])
        #expect(try template.renderJSONText(good) == template.renderJSON(good).text)
        let bad = TemplateContext(data: ["name": "Ada", "qty": 3, "raw": "nope"])
        var expected: TemplateError?
        do { _ = try template.renderJSON(bad) } catch { expected = error }
        var actual: TemplateError?
        do { _ = try template.renderJSONText(bad) } catch { actual = error }
        #expect(expected != nil)
        #expect(actual?.line == expected?.line)
        #expect(actual?.column == expected?.column)
        #expect(actual?.message == expected?.message)
    }

    @Test func attemptJSONLineMatchesTheValue() {
        var record = AttemptRecord(
            id: 42, startedAt: Date(timeIntervalSince1970: 1_790_000_000.1234), deliveryID: "msg_1", attempt: 2,
            workflowID: "wf", nodeID: nil, webhookID: "hook", userEmail: "a\"b@example.com", method: "POST",
            url: "http://127.0.0.1/x", requestHeaders: [HeaderField("A", "b\n")], requestBody: "{\"x\":1}", status: 204,
            responseHeaders: [], responseBody: "", responseTruncated: false, latencyMilliseconds: 1.26,
            outcome: .success)
        #expect(AttemptJSON.jsonLine(record) == AttemptJSON.encode(record).jsonText)
        record.id = 0
        record.status = nil
        record.latencyMilliseconds = 3
        record.responseTruncated = true
        record.outcome = .failed(errorClass: "timeout", message: "late\u{2028}")
        #expect(AttemptJSON.jsonLine(record) == AttemptJSON.encode(record).jsonText)
    }

    /// The JSON line and the HAR cut an attempt's start to the millisecond where the store rounds
    /// it, so `run`'s line, `logs` and the HAR gave the same attempt 1 ms apart.
    @Test(arguments: [
        (1_700_000_000.2346, "2023-11-14T22:13:20.235Z"), (1_700_000_000.2344, "2023-11-14T22:13:20.234Z"),
        (1_700_000_000.9996, "2023-11-14T22:13:21.000Z"), (1_700_000_000.001, "2023-11-14T22:13:20.001Z"),
    ])
    func anAttemptsStartIsWrittenToTheNearestMillisecond(seconds: Double, text: String) throws {
        let record = AttemptRecord(
            startedAt: Date(timeIntervalSince1970: seconds), deliveryID: "msg_1", attempt: 1, method: "POST",
            url: "http://127.0.0.1/x", outcome: .success)
        let line = try JSONValue.parse(AttemptJSON.jsonLine(record))
        #expect(line["startedAt"]?.stringValue == text)
        let har = AttemptHAR.document(for: [record], creatorVersion: "test", reasonPhrase: { _ in "" })
        #expect(har["log"]?["entries"]?.arrayValue?.first?["startedDateTime"]?.stringValue == text)
    }

    /// An answer's outcome is its delivery.md §8.4 class, so a JSON line, `logs` and `logs
    /// --format json` tell a 410 from a 500 the receiver asked not to retry (QA, session 21:
    /// every one read `"outcome": "http"`).
    @Test(arguments: [
        (410, [HeaderField]()), (500, [HeaderField("webhook-delivery", "abort-message")]), (308, []), (501, []),
        (422, []), (429, []), (503, []), (200, []),
    ] as [(Int, [HeaderField])])
    func anAnswersOutcomeIsItsClass(status: Int, headers: [HeaderField]) throws {
        let expected = [
            410: "gone", 500: "aborted_by_receiver", 308: "redirect_not_followed", 501: "http_5xx_permanent",
            422: "http_4xx", 429: "http_4xx_retryable", 503: "http_5xx", 200: "success",
        ][status]
        let record = AttemptRecord(
            startedAt: Date(), deliveryID: "msg_1", attempt: 1, method: "POST", url: "http://127.0.0.1/x",
            status: status, responseHeaders: headers, outcome: (200..<300).contains(status) ? .success : .httpError)
        #expect(try JSONValue.parse(AttemptJSON.jsonLine(record))["outcome"]?.stringValue == expected)
        #expect(AttemptJSON.encode(record)["outcome"]?.stringValue == expected)
    }
}
