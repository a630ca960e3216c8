import Foundation
import StudioModel
import Testing

@testable import StudioEngine

/// A `type: form` body is WHATWG's `application/x-www-form-urlencoded` serialization of its
/// fields: every name and every value is encoded, whether written in the file or merged, so
/// that what the receiver's form parser reads back is what the fields say.
struct FormBodyTests {
    /// Every printable ASCII character, non-ASCII text and the control characters a field
    /// value may hold; WHATWG keeps only `A-Za-z0-9*-._` and writes a space as `+`.
    private static let awkward = " !\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~é😀\t\r\n"
    private static let awkwardEncoded =
        "+%21%22%23%24%25%26%27%28%29*%2B%2C-.%2F%3A%3B%3C%3D%3E%3F%40%5B%5C%5D%5E_%60%7B%7C%7D%7E%C3%A9%F0%9F%98%80%09%0D%0A"

    private func body(_ fields: [HeaderTemplate], profile: [(String, JSONValue)] = []) throws -> String {
        let webhook = Webhook(id: "form", url: "http://127.0.0.1/form", body: .form(fields: fields))
        let context = TemplateContext(profile: JSONObject([("email", .string("ada@example.com"))] + profile))
        return try RequestBuilder().build(webhook, context: context, secrets: [:], deliveryID: "msg_1").body
    }

    /// A value written in the file was sent as written: `&` and `=` in it split the body into
    /// other fields on the receiver's side.
    @Test func aValueWrittenInTheFileIsEncodedAsAMergedOneIs() throws {
        let written = try body([HeaderTemplate(name: "note", value: Self.awkward)])
        let merged = try body([HeaderTemplate(name: "note", value: "{{note}}")], profile: [("note", .string(Self.awkward))])
        #expect(written == "note=" + Self.awkwardEncoded)
        #expect(merged == written)
    }

    @Test func textAroundAMergeParameterIsEncodedWithIt() throws {
        let sent = try body(
            [HeaderTemplate(name: "greeting", value: "Hi {{firstName}} & co."), HeaderTemplate(name: "a b&c=d", value: "1")],
            profile: [("firstName", .string("A+B C"))])
        #expect(sent == "greeting=Hi+A%2BB+C+%26+co.&a+b%26c%3Dd=1")
    }

    /// A raw tag and `urlEncode`'s output say the text is encoded already, as in a URL.
    @Test func aRawTagAndUrlEncodeAreNotEncodedAgain() throws {
        let sent = try body(
            [HeaderTemplate(name: "raw", value: "{{{token}}}"), HeaderTemplate(name: "once", value: "{{urlEncode city}}")],
            profile: [("token", .string("a%20b")), ("city", .string("São Paulo"))])
        #expect(sent == "raw=a%20b&once=S%C3%A3o+Paulo")
    }
}
