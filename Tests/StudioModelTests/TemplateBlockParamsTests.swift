import Foundation
import StudioModel
import Testing

/// Handlebars block parameters: `{{#each items as |item index|}}` and `{{#with x as |y|}}`.
struct TemplateBlockParamsTests {
    private let data: JSONValue = [
        "name": "outer",
        "items": [["name": "pen", "qty": 2], ["name": "ink", "qty": 1]],
        "prices": ["pen": 3, "ink": 9],
        "address": ["city": "Oslo"],
        "groups": [["title": "A", "members": ["ada", "bob"]], ["title": "B", "members": ["cy"]]],
    ]

    @Test func eachBindsTheItemAndItsIndex() throws {
        let text = try TemplateFixture.render("{{#each items as |item i|}}{{i}}:{{item.name}}x{{item.qty}} {{/each}}", data)
        #expect(text == "0:penx2 1:inkx1 ")
    }

    @Test func eachOverAnObjectBindsTheValueAndItsKey() throws {
        let text = try TemplateFixture.render("{{#each prices as |price product|}}{{product}}={{price}};{{/each}}", data)
        #expect(text == "pen=3;ink=9;")
    }

    @Test func withBindsItsValue() throws {
        #expect(try TemplateFixture.render("{{#with address as |a|}}{{a.city}}/{{city}}{{/with}}", data) == "Oslo/Oslo")
    }

    @Test func outerBlockParametersStayVisibleInNestedBlocks() throws {
        let source = "{{#each groups as |group|}}{{#each group.members as |member j|}}{{group.title}}{{j}}={{member}} {{/each}}{{/each}}"
        #expect(try TemplateFixture.render(source, data) == "A0=ada A1=bob B0=cy ")
    }

    @Test func aBlockParameterShadowsAContextFieldButThisStillReadsTheContext() throws {
        let source = "{{#each items as |name|}}{{name.qty}}-{{this.name}} {{/each}}"
        #expect(try TemplateFixture.render(source, data) == "2-pen 1-ink ")
    }

    @Test func outsideItsBlockAParameterNameIsAnOrdinaryField() throws {
        #expect(try TemplateFixture.render("{{#each items as |name|}}{{/each}}{{name}}", data) == "outer")
    }

    @Test func typedJSONValuesFromBlockParameters() throws {
        let source = #"[{{#each items as |item|}}{"q": {{item.qty}}}{{#unless @last}},{{/unless}}{{/each}}]"#
        #expect(try TemplateFixture.render(source, data, mode: .json) == #"[{"q": 2},{"q": 1}]"#)
    }

    @Test(arguments: [
        ("{{#if items as |x|}}{{/if}}", "block parameters (as |x|) work with {{#each}} and {{#with}} only"),
        ("{{#each items as |a b c|}}{{/each}}", "{{#each}} binds at most 2 block parameters"),
        ("{{#with address as |a b|}}{{/with}}", "{{#with}} binds 1 block parameter"),
        ("{{#each items |x|}}{{/each}}", "block parameters must follow 'as'"),
        ("{{#each items as ||}}{{/each}}", "expected a name between '|' and '|'"),
    ])
    func malformedBlockParametersAreErrorsAtTheTag(source: String, message: String) throws {
        let error = try #require(TemplateFixture.error(source, data))
        #expect(error.message.contains(message), "\(error.message)")
        #expect(error.line == 1)
    }
}
