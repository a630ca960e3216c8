import Foundation
@testable import StudioEngine
import Testing

/// `Retry-After` parsing (RFC 9110 §10.2.3 and §5.6.7, delivery.md §8.5).
struct RetryAfterTests {
    /// Sun, 06 Nov 1994 08:49:37 GMT, the RFC's own example date.
    private static let rfcNow = Date(timeIntervalSince1970: 784_111_777)

    @Test(arguments: [
        ("120", 120.0), ("0", 0), ("5", 5), ("  30 ", 30), ("86400", 86_400), ("1.2", 2), ("0.001", 1), ("2.0", 2),
        ("007", 7),
    ])
    func deltaSecondsAreReadAndFractionsRoundUp(value: String, expected: TimeInterval) {
        #expect(RetryAfter.parse(value, now: Self.rfcNow) == expected)
    }

    /// 400 nines overflowed a Double to infinity and the header was ignored, while 20 nines
    /// were honoured (clamped): both are valid delta-seconds.
    @Test func aDelayLongerThanADoubleHoldsIsReadAsTheLongestOne() {
        let nines = String(repeating: "9", count: 400)
        #expect(RetryAfter.parse(nines, now: Self.rfcNow) == .greatestFiniteMagnitude)
        #expect(RetryAfter.parse(nines + ".5", now: Self.rfcNow) == .greatestFiniteMagnitude)
        let decision = RetryPolicy().decide(
            afterAttempt: 1, outcome: .http5xx, retryAfter: RetryAfter.parse(nines, now: Self.rfcNow), jitterFactor: 1)
        guard case .retry(let after, _) = decision else {
            Issue.record("not retried: \(decision)")
            return
        }
        #expect(after == RetryPolicy.retryAfterCeiling)
    }

    @Test(arguments: [
        "Sun, 06 Nov 1994 08:51:07 GMT",  // IMF-fixdate
        "Sunday, 06-Nov-94 08:51:07 GMT",  // RFC 850
        "Sun Nov  6 08:51:07 1994",  // asctime
        "sun, 06 nov 1994 08:51:07 gmt",  // names are case-insensitive
    ])
    func httpDatesInEveryFormGiveTheTimeUntilThem(value: String) {
        #expect(RetryAfter.parse(value, now: Self.rfcNow) == 90)
    }

    @Test(arguments: [
        "", "   ", "abc", "-5", "+5", "-0.5", "1e3", "1.", ".5", "12abc", "5 s", "0x10", "١٢",
        "Sun, 06 Nov 1994 08:49:37", "Sun, 06 Nov 1994 08:49:37 UTC", "Sun, 6 Nov 1994 08:49:37 GMT",
        "Sun, 31 Nov 1994 08:49:37 GMT", "Sun, 06 Nov 1994 24:00:00 GMT", "Sun, 06 Nov 1994 08:60:00 GMT",
        "Sun, 06 Foo 1994 08:49:37 GMT", "Xyz, 06 Nov 1994 08:49:37 GMT", "Sunday, 06-Nov-1994 08:49:37 GMT",
        "Sun Nov 06 08:49 1994",
    ])
    func invalidValuesAreIgnored(value: String) {
        #expect(RetryAfter.parse(value, now: Self.rfcNow) == nil, "\(value)")
    }

    /// The servers' own answers carry the date as an IMF-fixdate, which reads back as the same second.
    @Test(arguments: [(784_111_777.0, "Sun, 06 Nov 1994 08:49:37 GMT"), (0, "Thu, 01 Jan 1970 00:00:00 GMT"),
        (951_782_400.9, "Tue, 29 Feb 2000 00:00:00 GMT"), (4_102_444_799, "Thu, 31 Dec 2099 23:59:59 GMT")])
    func aDateIsFormattedAsAnIMFFixdate(seconds: TimeInterval, text: String) throws {
        let date = Date(timeIntervalSince1970: seconds)
        #expect(HTTPDate.format(date) == text)
        #expect(HTTPDate.parse(text, now: date) == Date(timeIntervalSince1970: seconds.rounded(.down)))
    }

    @Test func aDateInThePastIsIgnoredAsNegative() {
        #expect(RetryAfter.parse("Sun, 06 Nov 1994 08:49:36 GMT", now: Self.rfcNow) == nil)
        #expect(RetryAfter.parse("Sun, 06 Nov 1994 08:49:37 GMT", now: Self.rfcNow) == 0)
    }

    @Test func leapDayIsAcceptedOnlyInLeapYears() {
        let now = Date(timeIntervalSince1970: 951_782_400 - 60)  // 2000-02-28 23:59:00
        #expect(RetryAfter.parse("Tue, 29 Feb 2000 00:00:00 GMT", now: now) == 60)
        #expect(RetryAfter.parse("Thu, 29 Feb 2001 00:00:00 GMT", now: now) == nil)
    }

    @Test func rfc850TwoDigitYearsAreTheNearestPlausibleCentury() {
        let now = Date(timeIntervalSince1970: 1_772_366_400)  // 2026-03-01 12:00:00
        #expect(RetryAfter.parse("Friday, 01-Jan-27 00:00:00 GMT", now: now) == 26_395_200)
        // More than 50 years ahead means the previous century, so in the past here.
        #expect(RetryAfter.parse("Friday, 01-Jan-77 00:00:00 GMT", now: now) == nil)
    }

    @Test func dateNinetySecondsAheadOfARealClockGivesNinetySeconds() {
        let now = Date(timeIntervalSince1970: 1_772_366_400)
        #expect(RetryAfter.parse("Sun, 01 Mar 2026 12:01:30 GMT", now: now) == 90)
    }
}
