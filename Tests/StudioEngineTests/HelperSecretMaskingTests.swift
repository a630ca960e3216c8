import Foundation
import StudioEngine
import StudioModel
import Testing

/// A secret a template helper rewrites (`{{upper secret.k}}`, `{{urlEncode (urlEncode secret.k)}}`,
/// `{{toJson secret.k}}` in a form field) goes on the wire in a form the masker did not know: it
/// matched the secret as written and as each output mode escapes it, ASCII case aside, so the
/// stored and shown copies held the rewritten secret in clear. Each is masked now, in the request
/// as stored and exported, in an answer that echoes it, and in an error that quotes it.
struct HelperSecretMaskingTests {
    static let mask = SecretMasker.mask

    /// Where a case's template goes in the webhook.
    enum Place: Sendable {
        case jsonBody, formField, header, query
    }

    struct Case: CustomTestStringConvertible, Sendable {
        var name: String
        var template: String
        var secret: String
        var place: Place
        /// The rewritten secret as it goes on the wire.
        var written: String
        var testDescription: String { name }
    }

    static let unicodeSecret = "clé-süß-9fQ2xR7t"
    static let unicodeUpper = "CLÉ-SÜSS-9FQ2XR7T"

    static let cases: [Case] = [
        Case(
            name: "upper, ß as SS", template: "{{upper secret.k}}", secret: unicodeSecret, place: .jsonBody,
            written: unicodeUpper),
        Case(
            name: "lower, non-ASCII letters", template: "{{lower secret.k}}", secret: "ÉCLAIR-ÀÎ-9fQ2xR7t", place: .header,
            written: "éclair-àî-9fq2xr7t"),
        Case(
            name: "capitalize", template: "{{capitalize secret.k}}", secret: "élan vital-9fQ2", place: .jsonBody,
            written: "Élan Vital-9fQ2"),
        Case(
            name: "capitalizeFirst in a form field", template: "{{capitalizeFirst secret.k}}", secret: "ñandú-9fQ2xR7t",
            place: .formField, written: "%C3%91and%C3%BA-9fQ2xR7t"),
        Case(
            name: "urlEncode twice", template: "{{urlEncode (urlEncode secret.k)}}", secret: "sk+live/9fQ2", place: .jsonBody,
            written: "sk%252Blive%252F9fQ2"),
        Case(
            name: "urlEncode blocks, one in the other",
            template: "{{#urlEncode}}{{#urlEncode}}{{secret.k}}{{/urlEncode}}{{/urlEncode}}", secret: "sk+live/9fQ2",
            place: .header, written: "sk%252Blive%252F9fQ2"),
        Case(
            name: "toJson in a form field", template: "{{toJson secret.k}}", secret: #"sk"live\9fQ2"#, place: .formField,
            written: "%22sk%5C%22live%5C%5C9fQ2%22"),
        Case(
            name: "numberFormat", template: "{{numberFormat secret.k}}", secret: "90210734", place: .jsonBody,
            written: "90,210,734"),
        Case(
            name: "base64 block, as in a hand-made Basic header",
            template: "Basic {{#base64}}{{secret.k}}{{/base64}}", secret: "sk_live:9fQ2xR7t", place: .header,
            written: "c2tfbGl2ZTo5ZlEyeFI3dA=="),
        Case(
            name: "hexEncode", template: "{{hexEncode secret.k}}", secret: "sk_live_9fQ2", place: .jsonBody,
            written: "736b5f6c6976655f39665132"),
        Case(
            name: "a piece of split", template: "{{split secret.k \"-\"}}", secret: "sk9fQ2xR7t-live8Kp3Zq",
            place: .jsonBody, written: "live8Kp3Zq"),
        Case(
            name: "a base64 block around a secret base64 wrote already",
            template: "{{#base64}}x{{base64 secret.k}}{{/base64}}", secret: "sk_live:9fQ2xR7t", place: .header,
            written: "eGMydGZiR2wyWlRvNVpsRXllRkkzZEE9PQ=="),
        Case(
            name: "upper inside #with secret", template: "{{#with secret}}{{upper k}}{{/with}}", secret: unicodeSecret,
            place: .jsonBody, written: unicodeUpper),
        Case(
            name: "upper of a lookup, in the query", template: #"{{upper (lookup secret "k")}}"#, secret: unicodeSecret,
            place: .query, written: "CL%C3%89-S%C3%9CSS-9FQ2XR7T"),
    ]

    static func webhook(_ template: String, at place: Place) -> Webhook {
        switch place {
        case .jsonBody:
            Webhook(id: "w", url: "http://127.0.0.1:9/h", body: .json(template: #"{"t": "\#(template)"}"#))
        case .formField:
            Webhook(id: "w", url: "http://127.0.0.1:9/h", body: .form(fields: [HeaderTemplate(name: "t", value: template)]))
        case .header:
            Webhook(id: "w", url: "http://127.0.0.1:9/h", headers: [HeaderTemplate(name: "X-Note", value: template)])
        case .query:
            Webhook(id: "w", url: "http://127.0.0.1:9/h?note=" + template)
        }
    }

    static let context = TemplateContext(profile: JSONObject([("email", .string("ada@example.com"))]))

    @Test(arguments: cases)
    func aSecretAHelperRewroteIsMaskedInTheStoredAndExportedRequest(_ test: Case) throws {
        let request = try RequestBuilder().build(
            Self.webhook(test.template, at: test.place), context: Self.context, secrets: ["k": test.secret],
            deliveryID: "msg_1")
        let sent = request.url + "\n" + request.headers.map(\.value).joined(separator: "\n") + "\n" + request.body
        #expect(sent.contains(test.written), "the helper did not write \(test.written): \(sent)")

        let masked = request.masked
        for shown in [masked.httpText, masked.curlCommand, masked.jsonValue.jsonText] {
            #expect(!shown.contains(test.written), "\(shown)")
            #expect(shown.contains(Self.mask), "\(shown)")
        }
        // A receiver that echoes the request writes the rewritten secret back in its answer.
        #expect(request.masker.mask(#"{"echo": "\#(test.written)"}"#) == #"{"echo": "\#(Self.mask)"}"#)
    }

    /// A helper's error quotes the value it could not read: a secret another helper rewrote is
    /// masked there too, as the secret itself is.
    @Test func anErrorDoesNotQuoteASecretAHelperRewrote() {
        let webhook = Self.webhook("{{dateFormat (upper secret.k)}}", at: .jsonBody)
        #expect {
            try RequestBuilder().build(webhook, context: Self.context, secrets: ["k": Self.unicodeSecret], deliveryID: "msg_1")
        } throws: { error in
            "\(error)".contains("dateFormat cannot read '\(Self.mask)'") && !"\(error)".contains(Self.unicodeUpper)
        }
    }

    /// A helper whose result says a bit or a length of a secret (`eq`, `size`) writes no part of
    /// it: its answer (`true`, `16`) stays shown wherever else it appears.
    @Test func aComparisonOfASecretLeavesItsAnswerShown() throws {
        let webhook = Self.webhook(#"{{eq secret.k "x" yes="matched" no="different"}} {{size secret.k}}"#, at: .jsonBody)
        let request = try RequestBuilder().build(
            webhook, context: Self.context, secrets: ["k": Self.unicodeSecret], deliveryID: "msg_1")
        #expect(request.body == #"{"t": "different 16"}"#)
        #expect(request.masked.body == request.body)
    }
}
