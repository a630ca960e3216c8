import Foundation
import StudioModel
import Testing

/// Iterable writes dates in system webhook payloads as `2016-12-02 20:21:04 +00:00` (domain.md §1.6).
struct IterableDateTextTests {
    @Test(arguments: [
        (1_480_710_064.0, "2016-12-02 20:21:04 +00:00"),
        // Fractions are dropped, not rounded up into the next second.
        (1_480_710_064.999, "2016-12-02 20:21:04 +00:00"),
        (0.0, "1970-01-01 00:00:00 +00:00"),
        (1_796_048_400.0, "2026-11-30 14:20:00 +00:00"),
    ])
    func aDateIsWrittenInUTCInIterablesLayout(seconds: Double, expected: String) {
        #expect(Date(timeIntervalSince1970: seconds).iterableText == expected)
    }

    @Test func whatIsWrittenReadsBackAsTheSameSecond() throws {
        let date = Date(timeIntervalSince1970: 1_796_047_213)
        #expect(DateDelay.date(from: .string(date.iterableText)) == date)
    }
}
