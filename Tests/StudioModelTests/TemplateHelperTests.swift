import Foundation
import Testing
import StudioModel

/// Every helper, in text mode, with `now` fixed at 2024-03-05T14:30:00Z.
struct TemplateHelperTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var template: String
        var data: JSONValue
        var expected: String
        var testDescription: String { template }
    }

    static let data: JSONValue = [
        "first": "ada", "empty": "", "blank": "  ", "name": "ada lovelace", "n": 7, "d": 2.5, "s": "10", "neg": -3,
        "list": ["a", "b", "c"], "nums": [1, 2], "obj": ["k": "v", "n": 1], "price": 1234.5, "ratio": 0.256,
        "iso": "2024-01-15T10:20:30Z", "isoFrac": "2024-01-15T10:20:30.250Z", "iterable": "2024-01-15 10:20:30 +00:00",
        "ms": 1_705_314_030_000, "msString": "1705314030000", "day": "2024-01-31",
        "pet": "Pippin the cat", "a": "apple", "b": "banana", "t": true, "f": false,
        "weekEnd": "2025-12-29", "yearEnd": "2020-12-31", "newYear": "2021-01-03", "none": nil,
    ]

    static let cases: [Case] = [
        // defaultIfEmpty
        Case(template: "{{defaultIfEmpty first \"there\"}}", data: data, expected: "ada"),
        Case(template: "{{defaultIfEmpty empty \"there\"}}", data: data, expected: "there"),
        Case(template: "{{defaultIfEmpty blank \"there\"}}", data: data, expected: "there"),
        Case(template: "{{defaultIfEmpty missing \"there\"}}", data: data, expected: "there"),
        Case(template: "{{defaultIfEmpty missing empty first}}", data: data, expected: "ada"),
        Case(template: "{{defaultIfEmpty n 0}}", data: data, expected: "7"),
        // comparisons
        Case(template: "{{#ifEq n 7}}y{{else}}n{{/ifEq}}", data: data, expected: "y"),
        Case(template: "{{#ifEq n \"7\"}}y{{else}}n{{/ifEq}}", data: data, expected: "y"),
        Case(template: "{{#ifEq first \"ada\"}}y{{else}}n{{/ifEq}}", data: data, expected: "y"),
        Case(template: "{{#ifEq first \"Ada\"}}y{{else}}n{{/ifEq}}", data: data, expected: "n"),
        Case(template: "{{#ifGt n 10}}y{{else}}n{{/ifGt}}", data: data, expected: "n"),
        Case(template: "{{#ifGt s 9}}y{{else}}n{{/ifGt}}", data: data, expected: "y"),
        Case(template: "{{#ifGt s \"9\"}}y{{else}}n{{/ifGt}}", data: data, expected: "n"),
        Case(template: "{{#ifGte n 7}}y{{else}}n{{/ifGte}}", data: data, expected: "y"),
        Case(template: "{{#ifLt d 3}}y{{else}}n{{/ifLt}}", data: data, expected: "y"),
        Case(template: "{{#ifLte neg -3}}y{{else}}n{{/ifLte}}", data: data, expected: "y"),
        Case(template: "{{#ifLt a b}}y{{else}}n{{/ifLt}}", data: data, expected: "y"),
        Case(template: "{{#ifGt missing 1}}y{{else}}n{{/ifGt}}", data: data, expected: "n"),
        Case(template: "{{#ifContainsStr pet \"cat\"}}y{{else}}n{{/ifContainsStr}}", data: data, expected: "y"),
        Case(template: "{{#ifContainsStr pet \"dog\"}}y{{else}}n{{/ifContainsStr}}", data: data, expected: "n"),
        Case(template: "{{#ifContainsStr list \"b\"}}y{{else}}n{{/ifContainsStr}}", data: data, expected: "y"),
        Case(template: "{{#ifMatchesRegexStr pet \"[Pp]ippin\"}}y{{else}}n{{/ifMatchesRegexStr}}", data: data, expected: "y"),
        Case(template: "{{#ifMatchesRegexStr pet \"^cat\"}}y{{else}}n{{/ifMatchesRegexStr}}", data: data, expected: "n"),
        Case(template: "{{#each list}}{{#ifModEq @index 2 0}}{{this}}{{/ifModEq}}{{/each}}", data: data, expected: "ac"),
        Case(template: "{{#and t first}}y{{else}}n{{/and}}", data: data, expected: "y"),
        Case(template: "{{#and t f}}y{{else}}n{{/and}}", data: data, expected: "n"),
        Case(template: "{{#or f empty}}y{{else}}n{{/or}}", data: data, expected: "n"),
        Case(template: "{{#or f t}}y{{else}}n{{/or}}", data: data, expected: "y"),
        Case(template: "{{eq n 7}} {{lt n 7}} {{lte n 7}} {{gt n 7}} {{gte n 8}}", data: data,
             expected: "true false true false false"),
        Case(template: "{{eq first \"ada\" yes=\"Y\" no=\"N\"}}{{gt n 9 yes=\"Y\" no=\"N\"}}", data: data, expected: "YN"),
        Case(template: "{{not f}} {{not t yes=\"y\" no=\"n\"}}", data: data, expected: "true n"),
        // encoding
        Case(template: "{{urlEncode x}}", data: ["x": "piña colada"], expected: "pi%C3%B1a+colada"),
        Case(template: "{{#urlEncode}}a b&{{first}}{{/urlEncode}}", data: data, expected: "a+b%26ada"),
        Case(template: "{{toJson obj}}", data: data, expected: #"{"k":"v","n":1}"#),
        Case(template: "{{toJson list}}", data: data, expected: #"["a","b","c"]"#),
        Case(template: "{{toJson missing}}", data: data, expected: "null"),
        Case(template: "{{toJson first}}", data: data, expected: #""ada""#),
        // strings and lists
        Case(template: "{{join list \", \"}}", data: data, expected: "a, b, c"),
        Case(template: "{{join nums}}", data: data, expected: "1,2"),
        Case(template: "{{upper name}} {{lower \"ABC\"}}", data: data, expected: "ADA LOVELACE abc"),
        Case(template: "{{capitalize name}}", data: data, expected: "Ada Lovelace"),
        Case(template: "{{capitalizeFirst name}}", data: data, expected: "Ada lovelace"),
        Case(template: "[{{upper missing}}]", data: data, expected: "[]"),
        Case(template: "{{size list}} {{size obj}} {{size first}} {{size missing}} {{list.size}} {{list.length}}",
             data: data, expected: "3 2 3 0 3 3"),
        Case(template: "{{lookup obj \"k\"}}{{lookup list 1}}", data: data, expected: "vb"),
        // math
        Case(template: "{{math n '+' 2}}", data: data, expected: "9"),
        Case(template: "{{math n '-' 10}}", data: data, expected: "-3"),
        Case(template: "{{math n '*' d}}", data: data, expected: "17.5"),
        Case(template: "{{math n '/' 2}}", data: data, expected: "3.5"),
        Case(template: "{{math 8 '/' 2}}", data: data, expected: "4"),
        Case(template: "{{math n '%' 4}}", data: data, expected: "3"),
        Case(template: "{{math s '+' 1}}", data: data, expected: "11"),
        Case(template: "{{math (math n '+' 1) '*' 2}}", data: data, expected: "16"),
        // numberFormat
        Case(template: "{{numberFormat price \"currency\"}}", data: data, expected: "$1,234.50"),
        Case(template: "{{numberFormat ratio \"percent\"}}", data: data, expected: "26%"),
        Case(template: "{{numberFormat price}}", data: data, expected: "1,234.5"),
        Case(template: "{{numberFormat price maximumFractionDigits=0}}", data: data, expected: "1,234"),
        Case(template: "{{numberFormat n minimumFractionDigits=2}}", data: data, expected: "7.00"),
        Case(template: "{{numberFormat price \"#,##0.00\"}}", data: data, expected: "1,234.50"),
        Case(template: "{{numberFormat price groupingUsed=false}}", data: data, expected: "1234.5"),
        // dates
        Case(template: "{{dateFormat iso format=\"yyyy-MM-dd\"}}", data: data, expected: "2024-01-15"),
        Case(template: "{{dateFormat isoFrac format=\"HH:mm:ss.SSS\"}}", data: data, expected: "10:20:30.250"),
        Case(template: "{{dateFormat iterable format=\"MMM d, yyyy h:mm a\"}}", data: data,
             expected: "Jan 15, 2024 10:20 AM"),
        Case(template: "{{dateFormat ms format=\"yyyy-MM-dd HH:mm\"}}", data: data, expected: "2024-01-15 10:20"),
        Case(template: "{{dateFormat msString format=\"yyyy-MM-dd HH:mm\"}}", data: data, expected: "2024-01-15 10:20"),
        Case(template: "{{dateFormat iso format=\"yyyy-MM-dd HH:mm\" tz=\"America/Los_Angeles\"}}", data: data,
             expected: "2024-01-15 02:20"),
        Case(template: "{{dateFormat iso}}", data: data, expected: "2024-01-15 10:20:30 +00:00"),
        Case(template: "{{dateFormat day format=\"EEEE\"}}", data: data, expected: "Wednesday"),
        Case(template: "[{{dateFormat missing format=\"yyyy\"}}]", data: data, expected: "[]"),
        Case(template: "{{dateMath iso \"+7d\" format=\"yyyy-MM-dd\"}}", data: data, expected: "2024-01-22"),
        Case(template: "{{dateMath day \"+1M\" format=\"yyyy-MM-dd\"}}", data: data, expected: "2024-02-29"),
        Case(template: "{{dateMath iso \"-2h\" format=\"HH:mm\"}}", data: data, expected: "08:20"),
        Case(template: "{{dateMath iso \"+30m\" format=\"HH:mm\"}}", data: data, expected: "10:50"),
        Case(template: "{{dateMath iso \"+15s\" format=\"ss\"}}", data: data, expected: "45"),
        Case(template: "{{dateMath iso \"+1w\" format=\"yyyy-MM-dd\"}}", data: data, expected: "2024-01-22"),
        Case(template: "{{dateMath iso \"-1y\" format=\"yyyy\"}}", data: data, expected: "2023"),
        Case(template: "{{dateMath iso \"+1d-2h\" format=\"dd HH\"}}", data: data, expected: "16 08"),
        Case(template: "{{dateMath \"now\" \"-1d\" format=\"yyyy-MM-dd\"}}", data: data, expected: "2024-03-04"),
        // dateMath prints nothing for a date that is not there, as dateFormat does.
        Case(template: "[{{dateMath missing \"+1d\"}}|{{dateMath empty \"+1d\"}}|{{dateMath none \"+1d\"}}]", data: data,
             expected: "[||]"),
        // format= is a Joda pattern: Y is the year of era (2025 for 2025-12-29, not its week-based year 2026), x the
        // week-based year, Z and ZZ the offset.
        Case(template: "{{dateFormat weekEnd format=\"YYYY-MM-dd\"}} {{dateFormat weekEnd format=\"YY\"}}", data: data,
             expected: "2025-12-29 25"),
        Case(template: "{{dateFormat weekEnd format=\"xxxx 'YYYY'\"}}", data: data, expected: "2026 YYYY"),
        // Joda's week fields are ISO 8601's whatever the locale (Joda-Time 2.12 prints these): 2020-12-31 is a
        // Thursday in week 53 of 2020, day 4 of a week that starts on Monday; 2021-01-03 is still in it.
        Case(template: "{{dateFormat yearEnd format=\"xxxx-'W'ww-e\"}} {{dateFormat newYear format=\"xxxx ww e\"}}",
             data: data, expected: "2020-W53-4 2020 53 7"),
        Case(template: "{{dateFormat yearEnd format=\"xxxx ww\" locale=\"en_US\"}}", data: data, expected: "2020 53"),
        Case(template: "{{dateFormat iso format=\"HH:mm Z|ZZ\" tz=\"America/Los_Angeles\"}}", data: data,
             expected: "02:20 -0800|-08:00"),
        Case(template: "{{now format=\"yyyy\"}}", data: data, expected: "2024"),
        Case(template: "{{now}}", data: data, expected: "2024-03-05 14:30:00 +00:00"),
        Case(template: "{{now format=\"HH:mm\" tz=\"Europe/Paris\"}}", data: data, expected: "15:30"),
        Case(template: "{{timestamp}}", data: data, expected: "1709649000000"),
        Case(template: "{{#ifGt (dateFormat iso format=\"yyyyMMddHHmmss\") \"20231231000000\"}}after{{/ifGt}}",
             data: data, expected: "after"),
    ]

    @Test(arguments: cases)
    func rendersHelper(_ test: Case) throws {
        #expect(try TemplateFixture.render(test.template, test.data) == test.expected)
    }

    static let failures: [(String, String)] = [
        ("{{dateFormat first}}", "dateFormat cannot read 'ada' as a date"),
        ("{{dateMath iso \"+7q\"}}", "dateMath cannot read '+7q'"),
        ("{{dateFormat iso tz=\"Mars/Olympus\"}}", "unknown time zone 'Mars/Olympus'"),
        ("{{math n '^' 2}}", "unknown math operator '^'"),
        ("{{numberFormat first}}", "numberFormat cannot read 'ada' as a number"),
        ("{{#ifMatchesRegexStr pet \"[\"}}x{{/ifMatchesRegexStr}}", "invalid regular expression '['"),
    ]

    @Test(arguments: failures)
    func reportsBadHelperInput(_ template: String, _ message: String) {
        let error = TemplateFixture.error(template, Self.data)
        #expect(error?.message.contains(message) == true, "\(String(describing: error))")
        #expect(error?.line == 1)
    }
}
