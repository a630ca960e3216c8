import Foundation
import StudioModel
import Testing

@testable import StudioEngine

/// `hookline receive --verify-secret` accepts and refuses exactly what the Standard Webhooks
/// reference verifier does: the project's Python library, `standardwebhooks` 1.1.0 (which
/// `.ci/run` installs), `Webhook(secret).verify(body, headers, json_parse=False)`. Each case
/// holds the library's answer; ``theReferenceLibraryGivesTheTableAnswers()`` asks the library
/// itself, with its clock fixed at the same instant, so the table cannot drift from it.
struct SignatureCheckReferenceTests {
    static let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
    static let id = "msg_p5jXN8AQM9LWM0D4loKWxJek"
    /// The receiver's clock in every case: the spec vector's timestamp.
    static let now = 1_614_265_330
    static let payload = Array(#"{"test": 2432232314}"#.utf8)

    struct Case: CustomTestStringConvertible, Sendable {
        var name: String
        /// `webhook-timestamp`'s text; nil leaves the header out.
        var timestamp: String? = String(SignatureCheckReferenceTests.now)
        /// `webhook-signature`'s text, where `{sig}` stands for the base64 HMAC over
        /// `id.signedSeconds.body`, `{unpadded}` for it without its `=`, and `{dashed}` for it
        /// with a `-` in the middle.
        var signature: String = "v1,{sig}"
        var signedSeconds = SignatureCheckReferenceTests.now
        var id: String? = SignatureCheckReferenceTests.id
        var body = SignatureCheckReferenceTests.payload
        /// `Webhook-Id` and so on, as some clients write them.
        var capitalizedNames = false
        /// Whether the reference library verifies it.
        var reference: Bool
        var testDescription: String { name }

        var headers: [HeaderField] {
            let signer = try? StandardWebhooksSigner(secret: SignatureCheckReferenceTests.secret)
            let mac = String(
                (signer?.signature(id: id ?? "", timestamp: signedSeconds, body: body) ?? "").dropFirst(3))
            let dashed = String(mac.prefix(10)) + "-" + mac.dropFirst(10)
            let value = signature.replacing("{sig}", with: mac)
                .replacing("{unpadded}", with: mac.replacing("=", with: ""))
                .replacing("{dashed}", with: dashed)
            var headers: [HeaderField] = []
            if let id { headers.append(HeaderField("webhook-id", id)) }
            if let timestamp { headers.append(HeaderField("webhook-timestamp", timestamp)) }
            headers.append(HeaderField("webhook-signature", value))
            guard capitalizedNames else { return headers }
            return headers.map { HeaderField($0.name.split(separator: "-").map(\.capitalized).joined(separator: "-"), $0.value) }
        }
    }

    static let cases: [Case] = [
        Case(name: "the spec vector", reference: true),
        Case(name: "header names in any case", capitalizedNames: true, reference: true),
        // Timestamps: Python's `float`, to the microsecond, signed as whole seconds rounded down.
        Case(name: "a fractional timestamp, signed in whole seconds", timestamp: "1614265330.5", reference: true),
        Case(name: "a fraction rounded up to the next second", timestamp: "1614265330.9999996",
             signedSeconds: now + 1, reference: true),
        Case(name: "the same, signed with the second before", timestamp: "1614265330.9999996", reference: false),
        Case(name: "whitespace around the timestamp", timestamp: " \t1614265330\u{A0}", reference: true),
        Case(name: "a sign, underscores and an exponent", timestamp: "+1_614_265_330", reference: true),
        Case(name: "an exponent", timestamp: "1.61426533e9", reference: true),
        Case(name: "Arabic-Indic digits", timestamp: "١٦١٤٢٦٥٣٣٠", reference: true),
        Case(name: "a doubled underscore", timestamp: "1__614265330", reference: false),
        Case(name: "a trailing underscore", timestamp: "1614265330_", reference: false),
        Case(name: "hexadecimal", timestamp: "0x6037ea32", reference: false),
        Case(name: "a separator Python does not strip", timestamp: "1614265330\u{1C}", reference: false),
        Case(name: "a zero-width space", timestamp: "\u{200B}1614265330", reference: false),
        Case(name: "not a number", timestamp: "yesterday", reference: false),
        Case(name: "nan", timestamp: "nan", reference: false),
        Case(name: "infinity", timestamp: "-inf", reference: false),
        Case(name: "beyond a double", timestamp: "1e400", reference: false),
        Case(name: "beyond year 9999", timestamp: "1e12", reference: false),
        Case(name: "an empty timestamp", timestamp: "", reference: false),
        Case(name: "no timestamp", timestamp: nil, reference: false),
        // The tolerance: 5 minutes either side, both ends included, in whole microseconds.
        Case(name: "exactly 5 minutes old", timestamp: "1614265030", signedSeconds: now - 300, reference: true),
        Case(name: "5 minutes old and a microsecond", timestamp: "1614265029.999999", signedSeconds: now - 301,
             reference: false),
        Case(name: "under a microsecond past 5 minutes rounds to it", timestamp: "1614265029.9999996",
             signedSeconds: now - 300, reference: true),
        Case(name: "exactly 5 minutes ahead", timestamp: "1614265630", signedSeconds: now + 300, reference: true),
        Case(name: "5 minutes ahead and a microsecond", timestamp: "1614265630.000001", signedSeconds: now + 300,
             reference: false),
        // The signature list: read in order, single spaces between entries, one comma in each.
        Case(name: "a wrong v1 signature before the right one",
             signature: "v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc= v1,{sig}", reference: true),
        Case(name: "other versions are skipped", signature: "v2,abc v1a,!!! v1,{sig}", reference: true),
        Case(name: "a stray entry before the match", signature: "stray v1,{sig}", reference: false),
        Case(name: "a stray entry after the match", signature: "v1,{sig} stray", reference: true),
        Case(name: "two commas in an entry before the match", signature: "v1a,a,b v1,{sig}", reference: false),
        Case(name: "two commas in the matching entry", signature: "v1,{sig},x", reference: false),
        Case(name: "two spaces make an empty entry", signature: "v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc=  v1,{sig}",
             reference: false),
        Case(name: "a leading space", signature: " v1,{sig}", reference: false),
        Case(name: "a trailing space", signature: "v1,{sig} ", reference: true),
        Case(name: "a tab is no separator", signature: "v1,{sig}\tv1,x", reference: false),
        Case(name: "a version in capitals", signature: "V1,{sig}", reference: false),
        Case(name: "an empty header", signature: "", reference: false),
        // Signatures: Python's lenient `base64.b64decode`.
        Case(name: "no padding", signature: "v1,{unpadded}", reference: false),
        Case(name: "text after the padding is ignored", signature: "v1,{sig}!junk", reference: true),
        Case(name: "characters outside the alphabet are skipped", signature: "v1,{dashed}", reference: true),
        Case(name: "a bad v1 entry before the match", signature: "v1,x v1,{sig}", reference: false),
        Case(name: "a non-ASCII v1 entry before the match", signature: "v1,é v1,{sig}", reference: false),
        Case(name: "a non-ASCII v1 entry after the match", signature: "v1,{sig} v1,é", reference: true),
        Case(name: "non-ASCII after the padding", signature: "v1,{sig}é", reference: false),
        Case(name: "an empty v1 signature", signature: "v1,", reference: false),
        // The body: verified as UTF-8 text.
        Case(name: "an empty body", body: [], reference: true),
        Case(name: "a body with a byte-order mark", body: [0xEF, 0xBB, 0xBF] + payload, reference: true),
        Case(name: "a body that is not UTF-8", body: [0x7B, 0xFF, 0x7D], reference: false),
        Case(name: "a UTF-8-encoded surrogate", body: [0xED, 0xA0, 0x80], reference: false),
        // The id: only required.
        Case(name: "an id with a dot", id: "msg.1", reference: true),
        Case(name: "an empty id", id: "", reference: false),
        Case(name: "no id", id: nil, reference: false),
    ]

    @Test(arguments: cases)
    func verifiesAsTheReferenceLibraryDoes(_ test: Case) throws {
        let verifier = try StandardWebhooksSigner(secret: Self.secret)
        let check = SignatureCheck(
            headers: test.headers, body: test.body, verifier: verifier,
            now: Date(timeIntervalSince1970: TimeInterval(Self.now)))
        #expect((check == .valid) == test.reference, "\(check)")
    }

    /// The table's answers are the library's own: every case goes to `standardwebhooks` at once,
    /// its clock (`datetime.now` in its module) set to the same instant.
    @Test func theReferenceLibraryGivesTheTableAnswers() async throws {
        let answers = try await Self.referenceAnswers(for: Self.cases)
        try #require(answers.count == Self.cases.count, "\(answers)")
        for (test, answer) in zip(Self.cases, answers) {
            #expect(answer == test.reference, "\(test.name): the library says \(answer)")
        }
    }

    /// Why a request is refused, for the cases the reference refuses where we used to accept.
    @Test(arguments: [
        ("a stray entry before the match", "webhook-signature entry 'stray' is not version,signature"),
        ("no padding", "webhook-signature entry 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE' is not base64"),
        ("a body that is not UTF-8", "the body is not UTF-8"),
        ("5 minutes old and a microsecond", "webhook-timestamp is 300 s old, more than 300 s from now"),
    ])
    func aRefusalSaysWhy(name: String, reason: String) throws {
        let test = try #require(Self.cases.first { $0.name == name })
        let check = SignatureCheck(
            headers: test.headers, body: test.body, verifier: try StandardWebhooksSigner(secret: Self.secret),
            now: Date(timeIntervalSince1970: TimeInterval(Self.now)))
        guard case .invalid(let message) = check else {
            Issue.record("accepted")
            return
        }
        #expect(message.hasPrefix(reason), "\(message)")
    }

    private struct ReferenceInput: Encodable {
        struct Request: Encodable {
            var headers: [String: String]
            var body: String
        }
        var secret: String
        var now: Int
        var requests: [Request]
    }

    /// The library's verdict on each case: python3 reads them as JSON and prints a list of booleans.
    static func referenceAnswers(for cases: [Case]) async throws -> [Bool] {
        let input = ReferenceInput(
            secret: secret, now: now,
            requests: cases.map { test in
                .init(
                    headers: Dictionary(test.headers.map { ($0.name, $0.value) }, uniquingKeysWith: { first, _ in first }),
                    body: Data(test.body).base64EncodedString())
            })
        let folder = try EngineFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let inputURL = folder.appendingPathComponent("cases.json")
        try JSONEncoder().encode(input).write(to: inputURL)
        let python = try? await runTool(["python3", "-c", referenceScript, inputURL.path], timeout: .seconds(120))
        guard let python, python.status == 0 else {
            throw ReferenceUnavailable(
                description: "python3 with standardwebhooks failed (python3 -m pip install standardwebhooks): \(python?.errors ?? "no answer in 120 s")")
        }
        return try JSONDecoder().decode([Bool].self, from: Data(python.output.utf8))
    }

    struct ReferenceUnavailable: Error, CustomStringConvertible {
        var description: String
    }

    static let referenceScript = #"""
        import base64, json, sys
        from datetime import datetime
        import standardwebhooks.webhooks as reference

        cases = json.load(open(sys.argv[1]))

        class FixedClock(datetime):
            @classmethod
            def now(cls, tz=None):
                return datetime.fromtimestamp(cases["now"], tz=tz)

        reference.datetime = FixedClock
        answers = []
        for request in cases["requests"]:
            try:
                reference.Webhook(cases["secret"]).verify(
                    base64.b64decode(request["body"]), request["headers"], json_parse=False)
                answers.append(True)
            except Exception:
                answers.append(False)
        print(json.dumps(answers))
        """#
}
