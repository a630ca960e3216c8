import Testing
import StudioModel

/// Where a differential run against handlebars.js 4.x (its spec files reduced to our built-ins) found us apart:
/// each case is handlebars.js's output for the template and data, in HTML mode.
struct TemplateHandlebarsParityTests {
    typealias Case = NamedRenderCase

    static let cases: [Case] = [
        // A literal alone in a tag is the name of a field (handlebars.js spec/basic.js "literal references",
        // "pass string/number/boolean literals").
        Case(name: "string literal names a field", template: #"Goodbye {{"foo bar"}} world!"#,
             data: ["foo bar": "beautiful"], expected: "Goodbye beautiful world!"),
        Case(name: "number literal names a field", template: "[{{12}}][{{12.34}}][{{-1}}]",
             data: ["12": "bar", "-1": "neg"], expected: "[bar][][neg]"),
        Case(name: "true, false, null and undefined name fields",
             template: "[{{true}}][{{false}}][{{null}}][{{undefined}}]",
             data: ["false": "f", "null": "n", "undefined": "u"], expected: "[][f][n][u]"),
        Case(name: "raw string literal names a field", template: #"{{{"foo"}}}"#, data: ["foo": "<b>"],
             expected: "<b>"),
        Case(name: "section over a string literal", template: #"{{#"foo"}}{{.}}{{/"foo"}}"#,
             data: ["foo": ["bar", "baz"]], expected: "barbaz"),
        Case(name: "literal helper parameters stay literals", template: #"{{lookup o "k"}}{{lookup xs 1}}"#,
             data: ["o": ["k": "K"], "xs": ["a", "b"]], expected: "Kb"),
        // Inverted helper blocks swap the body and {{else}} (spec/whitespace-control.js, "inverse block calls").
        Case(name: "inverted if", template: "{{^if a}}no{{else}}yes{{/if}}|{{^if b}}no{{/if}}",
             data: ["a": true, "b": 0], expected: "yes|no"),
        Case(name: "inverted unless, each and with",
             template: "{{^unless a}}A{{/unless}}{{^each xs}}none{{else}}{{.}}{{/each}}{{^with o}}no o{{/with}}",
             data: ["a": 1, "xs": [1, 2]], expected: "A12no o"),
        Case(name: "inverted if strips whitespace", template: " {{~^if foo~}} bar {{~/if~}} ", data: [:],
             expected: "bar"),
        // `../` skips a block over the very context around it, as handlebars.js's depths do.
        Case(name: "with this inside each adds no level",
             template: "{{#each xs}}{{#with this}}{{../x}}{{/with}}{{/each}}",
             data: ["x": "ROOT", "xs": [["x": "item"]]], expected: "ROOT"),
        Case(name: "with . at the root adds no level", template: "[{{#with .}}{{../x}}{{/with}}]", data: ["x": "X"],
             expected: "[]"),
        Case(name: "with over the same object again adds no level",
             template: "{{#with a}}{{#with ../a}}{{../n}}{{/with}}{{/with}}", data: ["n": "root", "a": ["n": "a"]],
             expected: "root"),
        Case(name: "an equal but distinct object is a level",
             template: "{{#with a}}{{#with ../b}}{{../n}}{{/with}}{{/with}}",
             data: ["n": "root", "a": ["n": "a"], "b": ["n": "a"]], expected: "a"),
        Case(name: "each item equal to the outer item adds no level",
             template: "{{#each xs}}{{#each ../xs}}[{{../this}}]{{/each}}{{/each}}", data: ["xs": [1, 2]],
             expected: "[[object Object]][1][2][[object Object]]"),
        // A section renders unless its value is missing, null, false or an empty list (blockHelperMissing).
        Case(name: "section over 0, empty string and empty object",
             template: "{{#n}}[{{this}}]{{else}}none{{/n}}{{#s}}<{{this}}>{{/s}}{{#o}}({{this}}){{/o}}",
             data: ["n": 0, "s": "", "o": [:]], expected: "[0]<>([object Object])"),
        Case(name: "inverted section over 0 is empty", template: "[{{^n}}I{{/n}}{{^s}}S{{/s}}{{^xs}}X{{/xs}}]",
             data: ["n": 0, "s": "", "xs": []], expected: "[X]"),
        // `#each` over an object follows JavaScript's key order: array-index keys first, ascending.
        Case(name: "each over an object puts index keys first",
             template: "{{#each o}}{{@key}}{{#unless @last}},{{/unless}}{{/each}}",
             data: ["o": ["b": 1, "10": 1, "2": 1, "01": 1, "-1": 1, "4294967295": 1, "4294967294": 1]],
             expected: "2,10,4294967294,b,01,-1,4294967295"),
        Case(name: "each over an object with block params in index order",
             template: "{{#each o as |v k|}}{{@index}}{{k}}={{v}} {{/each}}", data: ["o": ["b": "x", "1": "y"]],
             expected: "01=y 1b=x "),
        // The closer of an `{{else if}}` chain stands alone by the end of the chain's first branch, and only
        // what follows it is stripped (handlebars.js's whitespace control never reaches the blanks before it).
        Case(name: "indented closer of an else-if chain keeps its indent",
             template: "  {{#if a}}\n  A\n  {{else if b}}\n  B\n  {{/if}}\nz", data: ["a": 0, "b": 1],
             expected: "  B\n  z"),
        Case(name: "closer of an else-if chain whose first branch has no line break",
             template: "{{#if a}}A{{else if c}}B{{else}}\nC\n{{/if}}\nz", data: ["a": 0, "c": 0], expected: "\nC\n\nz"),
        Case(name: "else-if chain laid out one tag a line",
             template: "{{#if a}}\nA\n{{else if b}}\nB\n{{else}}\nC\n{{/if}}\n", data: ["b": 1], expected: "B\n"),
        // JavaScript's `length` of a string counts UTF-16 code units.
        Case(name: "string length in UTF-16 units", template: "{{s.length}} {{size s}}", data: ["s": "😀é"],
             expected: "3 3"),
        // `~` strips JavaScript whitespace: no-break space, vertical tab, form feed, U+2028 and friends.
        Case(name: "tilde strips Unicode whitespace", template: "a\u{A0}\u{0B}\u{0C}\u{2028}{{~x~}}\u{3000}\u{FEFF} b",
             data: ["x": "X"], expected: "aXb"),
    ]

    @Test(arguments: cases)
    func rendersAsHandlebarsJS(_ test: Case) throws {
        #expect(try TemplateFixture.render(test.template, test.data, mode: .html) == test.expected)
    }

    @Test func bracketedThisIsAField() throws {
        #expect(try TemplateFixture.render("{{[this]}}|{{a.[this]}}", ["this": "t", "a": ["this": "u"]]) == "t|u")
    }
}
