import Foundation
import Testing
import StudioModel

/// `renderJSON`: typed values, parse checking, and errors mapped back into the template.
struct TemplateJSONTests {
    @Test func quantityFollowedByClosingBraceParses() throws {
        let template = try Template(parsing: #"{"qty": {{qty}}}"#)
        let result = try template.renderJSON(TemplateContext(data: ["qty": 3]))
        #expect(result.text == #"{"qty": 3}"#)
        #expect(result.value == ["qty": 3])
    }

    @Test func benchTemplateRendersTypedJSON() throws {
        let directory = TemplateFixture.benchDirectory
        let source = try String(contentsOf: directory.appendingPathComponent("webhook-body.hbs"), encoding: .utf8)
        let data = try JSONValue.parse(Data(contentsOf: directory.appendingPathComponent("webhook-body.json")))
        let result = try Template(parsing: source).renderJSON(TemplateContext(data: data))
        #expect(result.value["age"] == .int(36))
        #expect(result.value["vip"] == .bool(true))
        #expect(result.value["name"] == "Ada Lovelace")
        #expect(result.value["greeting"] == "Hi Ada")
        #expect(result.value["city"] == "London")
        let items = try #require(result.value["items"]?.arrayValue)
        #expect(items.count == 5)
        #expect(items.first?["qty"] == .int(1))
        #expect(items.last?["sku"] == "SKU-5")
    }

    @Test func benchTemplateWithMissingFieldsStillParses() throws {
        let directory = TemplateFixture.benchDirectory
        let source = try String(contentsOf: directory.appendingPathComponent("webhook-body.hbs"), encoding: .utf8)
        let result = try Template(parsing: source).renderJSON(TemplateContext())
        #expect(result.value["age"] == .null)
        #expect(result.value["greeting"] == "Hi there")
        #expect(result.value["items"] == [])
    }

    @Test func invalidJSONFromLiteralTextPointsIntoTheTemplate() {
        let template = try? Template(parsing: "{\n  \"a\": {{a}},\n  \"b\": 2,,\n}")
        #expect(throws: TemplateError.self) { try template?.renderJSON(TemplateContext(data: ["a": 1])) }
        do {
            _ = try template?.renderJSON(TemplateContext(data: ["a": 1]))
        } catch {
            #expect(error.line == 3)
            #expect(error.column == 10)
            #expect(error.message.contains("rendered JSON is invalid"))
        }
    }

    @Test func invalidJSONFromARawTagPointsAtTheTag() {
        do {
            _ = try Template(parsing: "{\"a\": 1,\n \"b\": {{{raw}}} }").renderJSON(TemplateContext(data: ["raw": "nope"]))
            Issue.record("expected an error")
        } catch {
            #expect(error.line == 2)
            #expect(error.column == 7)
        }
    }

    @Test func liveDataAndProfileInJSON() throws {
        let template = try Template(parsing: #"{"n": "{{firstName}}", "s": {{liveData.score}}, "e": {{event}}}"#)
        let context = TemplateContext(
            event: JSONObject([("event", "open")]), profile: JSONObject([("firstName", "Ada")]),
            liveData: JSONObject([("score", 9.5)]))
        #expect(try template.renderJSON(context).value == ["n": "Ada", "s": 9.5, "e": "open"])
    }

    @Test func templatesAreHashableBySource() throws {
        let a = try Template(parsing: "{{a}}")
        let b = try Template(parsing: "{{a}}")
        #expect(a == b)
        #expect(Set([a, b]).count == 1)
    }
}
