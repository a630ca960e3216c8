import Foundation
import StudioModel
import Testing

/// `dateFormat`, `dateMath` and `now` print as Iterable's helpers do on the JVM, with Joda-Time's pattern letters.
/// Every expected text was printed by Joda-Time 2.10.14
/// (`DateTimeFormat.forPattern(p).withZone(DateTimeZone.forID(tz)).withLocale(Locale.US).print(d)`).
struct TemplateDateFormatTests {
    static let data: JSONValue = [
        "noon": "2019-12-30T12:00:00Z", "d": "2019-12-30T00:05:09.007Z",
        // 2026-12-01T03:57:23Z as Unix seconds and as milliseconds.
        "seconds": 1_796_097_443, "milliseconds": 1_796_097_443_000, "secondsText": "1796097443",
        "fractionalSeconds": 1_796_097_443.5,
    ]

    static let dateCases: [NamedRenderCase] = [
        // C printed nothing and cut the rest of the pattern: ICU has no C and stops there.
        NamedRenderCase(
            name: "C is the century of era", template: #"{{dateFormat noon format="yyyy-MM-dd C HH:mm"}}|{{dateFormat noon format="HH C mm CCC"}}"#,
            data: data, expected: "2019-12-30 20 12:00|12 20 00 020"),
        NamedRenderCase(
            name: "four letters or more are the full text, five too",
            template: #"{{dateFormat d format="M MMM MMMM MMMMM MMMMMM"}}|{{dateFormat d format="E EEE EEEE EEEEE"}}"#,
            data: data, expected: "12 Dec December December December|Mon Mon Monday Monday"),
        NamedRenderCase(
            name: "G and a have one form", template: #"{{dateFormat d format="G GGGG a aaaa"}}"#, data: data,
            expected: "AD AD AM AM"),
        NamedRenderCase(
            name: "UTC is named UTC", template: #"{{dateFormat d format="z zzzz ZZZ Z ZZ"}}"#, data: data,
            expected: "UTC Coordinated Universal Time UTC +0000 +00:00"),
        NamedRenderCase(
            name: "zone names and IDs elsewhere",
            template: #"{{dateFormat d format="z zzzz ZZZ" tz="America/New_York"}}|{{dateFormat d format="z ZZZ" tz="GMT"}}|{{dateFormat d format="z ZZZ" tz="Etc/UTC"}}"#,
            data: data, expected: "EST Eastern Standard Time America/New_York|GMT Etc/GMT|UTC Etc/UTC"),
        // DateTimeZone.forID reads `+hh:mm`, `-hh:mm`, `+hhmm` and `+hh` as fixed offsets; the zone's ID is
        // the offset as `+hh:mm`, which `ZZZ`, `z` and `zzzz` print; a zero offset is UTC.
        NamedRenderCase(
            name: "a fixed offset as tz",
            template: #"{{dateFormat d format="yyyy-MM-dd HH:mm Z ZZ ZZZ z zzzz" tz="+02:00"}}|{{dateFormat d format="yyyy-MM-dd HH:mm ZZ ZZZ" tz="-05:30"}}|{{dateFormat d format="HH:mm ZZZ" tz="+0200"}}|{{dateFormat d format="HH:mm ZZZ" timezone="-03"}}|{{dateFormat d format="HH:mm z ZZZ" tz="-00:00"}}"#,
            data: data, expected: "2019-12-30 02:05 +0200 +02:00 +02:00 +02:00 +02:00|2019-12-29 18:35 -05:30 -05:30|02:05 +02:00|21:05 -03:00|00:05 UTC UTC"),
        NamedRenderCase(
            name: "dateMath in a fixed offset", template: #"{{dateMath d "+1d" format="yyyy-MM-dd HH:mm ZZ" tz="+05:45"}}"#,
            data: data, expected: "2019-12-31 05:50 +05:45"),
        NamedRenderCase(
            name: "quotes, and two quotes for one", template: #"{{dateFormat d format="'it''s' h 'o''clock' ''"}}"#,
            data: data, expected: "it's 12 o'clock '"),
        NamedRenderCase(
            name: "letters that mean the same in ICU",
            template: #"{{dateFormat d format="yyyy-MM-dd'T'HH:mm:ss.SSSZZ KK kk hh D"}}"#, data: data,
            expected: "2019-12-30T00:05:09.007+00:00 00 24 12 364"),
        // A number is Unix time in seconds or milliseconds, as `delay until` reads it (1970-01-21 before).
        NamedRenderCase(
            name: "Unix seconds and milliseconds",
            template: #"{{dateFormat seconds format="yyyy-MM-dd HH:mm:ss"}}|{{dateFormat milliseconds format="yyyy-MM-dd HH:mm:ss"}}|{{dateFormat secondsText format="HH:mm"}}|{{dateFormat fractionalSeconds format="ss.SSS"}}"#,
            data: data, expected: "2026-12-01 03:57:23|2026-12-01 03:57:23|03:57|23.500"),
        NamedRenderCase(
            name: "dateMath on Unix seconds", template: #"{{dateMath seconds "+2h" format="yyyy-MM-dd HH:mm"}}"#,
            data: data, expected: "2026-12-01 05:57"),
    ]

    @Test(arguments: dateCases)
    func printsJodaPatterns(_ test: NamedRenderCase) throws {
        #expect(try TemplateFixture.render(test.template, test.data) == test.expected)
    }

    /// Joda-Time refuses letters it does not know ("Illegal pattern component"), where ICU gave them its own
    /// meaning (Q the quarter, L the month, X the offset): an error at the helper, whatever the date.
    @Test(arguments: ["Q", "b", "X", "L", "c", "u", "W", "F", "B", "yyyy-MM-dd o"])
    func refusesLettersJodaDoesNotKnow(_ pattern: String) throws {
        for template in [
            "x\n  {{dateFormat d format=\"\(pattern)\"}}", "x\n  {{dateMath missing \"+1d\" format=\"\(pattern)\"}}",
            "x\n  {{now format=\"\(pattern)\"}}",
        ] {
            let error = TemplateFixture.error(template, Self.data)
            #expect(error?.line == 2 && error?.column == 5, "\(String(describing: error))")
            #expect(error?.message.contains("has the letter") == true, "\(String(describing: error))")
            // Written as a literal, `validate` finds it from the template alone.
            #expect(try Template(parsing: template).literalArgumentProblems.count == 1)
        }
    }

    /// An offset Joda-Time does not read (one digit, minutes past 59, hours past 23, text after it, `:` in
    /// one place only) is an error at the helper, as an unknown zone is.
    @Test(arguments: ["+2:00", "+02:60", "+24:00", "+02:0", "+02:00x", "+0200:00", "-", "+02:00:00.5"])
    func refusesOffsetsJodaDoesNotRead(_ offset: String) throws {
        for template in [
            "x\n  {{dateFormat d tz=\"\(offset)\"}}", "x\n  {{dateMath d \"+1d\" tz=\"\(offset)\"}}",
        ] {
            let error = TemplateFixture.error(template, Self.data)
            #expect(error?.line == 2 && error?.column == 5, "\(String(describing: error))")
            #expect(error?.message.contains("time zone offset '\(offset)'") == true, "\(String(describing: error))")
            #expect(try Template(parsing: template).literalArgumentProblems.count == 1)
        }
    }

    /// Delay until and the date helpers read a number with one rule, seconds below 100,000,000,000.
    @Test(arguments: [1_796_097_443, 1_796_097_443_000, -86_400, 99_999_999_999, 100_000_000_000] as [Int])
    func numbersAreReadAsDelayUntilReadsThem(_ number: Int) throws {
        let expected = try #require(DateDelay.date(from: .int(number)))
        let iso = ISO8601DateFormatter()
        iso.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        let rendered = try TemplateFixture.render(#"{{dateFormat v format="yyyy-MM-dd'T'HH:mm:ss.SSS'Z'"}}"#, ["v": .int(number)])
        #expect(rendered == iso.string(from: expected))
    }
}
