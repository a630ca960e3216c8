import Foundation
import Testing

@testable import StudioModel

/// The compiled instruction list must render exactly what the tree renderer does.
struct TemplateProgramTests {
    static let data: JSONValue = [
        "name": "Ada", "zero": 0, "vip": true, "tags": ["a", "b"], "empty": [],
        "address": ["city": "London", "lines": ["1 Main St", "Flat 2"]],
        "items": [["sku": "S-1", "qty": 1], ["sku": "S\"2", "qty": -20]], "quote": "say \"hi\"\n",
    ]

    static let templates = [
        "{{name}} {{{name}}} {{address.city}} {{address.lines.[1]}} {{tags.size}} {{name.length}}",
        "{{#if vip}}V{{else}}N{{/if}}{{#unless zero}}Z{{/unless}}{{#if zero includeZero=true}}0{{/if}}",
        "{{#each items}}{{@index}}:{{sku}}={{qty}}{{#if @first}}F{{/if}}{{#unless @last}},{{/unless}}{{/each}}",
        "{{#each address}}{{@key}}={{this}};{{/each}}{{#each empty}}x{{else}}none{{/each}}",
        "{{#address}}{{city}}{{/address}}{{#tags}}[{{.}}]{{/tags}}{{^missing}}M{{/missing}}",
        "{{#each items}}{{../name}}/{{@root.name}}/{{sku}} {{/each}}{{upper name}} {{defaultIfEmpty missing \"d\"}}",
        #"{"q": "{{quote}}", "n": {{zero}}, "v": {{vip}}, "t": {{toJson tags}}, "m": {{missing}}, "s": {{name}}}"#,
    ]

    @Test(arguments: templates)
    func programMatchesTreeRenderer(_ source: String) throws {
        let template = try Template(parsing: source)
        let context = TemplateContext(data: Self.data, now: TemplateFixture.now)
        for mode in OutputMode.allCases {
            // Errors must match too (the header mode rejects the line break in `quote`).
            let expected: String
            do {
                var tree = TemplateRenderer(context: context, mode: mode, source: source, capacity: 4)
                try tree.render(template.nodes)
                expected = tree.out.string
            } catch {
                expected = "error \(error)"
            }
            let actual: String
            do {
                actual = try template.render(context, mode: mode)
            } catch {
                actual = "error \(error)"
            }
            #expect(actual == expected, "mode \(mode)")
        }
    }

    @Test func benchBodyRendersTheExpectedJSON() throws {
        let directory = TemplateFixture.benchDirectory
        let source = try String(contentsOf: directory.appendingPathComponent("webhook-body.hbs"), encoding: .utf8)
        let data = try JSONValue.parse(
            String(contentsOf: directory.appendingPathComponent("webhook-body.json"), encoding: .utf8))
        let (_, value) = try Template(parsing: source).renderJSON(TemplateContext(data: data))
        #expect(value["name"] == "Ada Lovelace")
        #expect(value["age"] == 36)
        #expect(value["items"]?.arrayValue?.count == 5)
        #expect(value["items"]?.arrayValue?.last?["qty"] == 5)
    }

    @Test func decimalDigitsMatchStringConversion() {
        for number in [0, 7, -7, 10, 123_456, Int.max, Int.min] {
            var buffer = TemplateOutputBuffer(capacity: 1)
            buffer.append(decimal: number)
            #expect(buffer.string == String(number))
        }
    }

    @Test func largeObjectsLookUpByIndexAndKeepOrder() {
        var object = JSONObject()
        for index in 0..<40 { object["k\(index)"] = .int(index) }
        object["k3"] = nil
        object["k5"] = "five"
        #expect(object.count == 39)
        #expect(object["k39"] == 39 && object["k5"] == "five" && object["k3"] == nil)
        #expect(object.keys.prefix(5) == ["k0", "k1", "k2", "k4", "k5"])
        let reversed = JSONObject(object.pairs.reversed().map { ($0.key, $0.value) })
        #expect(reversed == object && reversed.hashValue == object.hashValue)
        #expect(reversed.keys != object.keys)
    }
}
