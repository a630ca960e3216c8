import Foundation

/// Parses the `Retry-After` response header (RFC 9110 §10.2.3, delivery.md §8.5).
///
/// Accepts delta-seconds, with fractions rounded up (as Svix does), or an HTTP-date in any of
/// the three forms of RFC 9110 §5.6.7. Anything else, and any negative delay (a date in the
/// past too), gives nil, so the header is ignored.
///
/// | Header value | now | Result |
/// |---|---|---|
/// | `120` | any | 120 s |
/// | `1.2` | any | 2 s |
/// | `Sun, 06 Nov 1994 08:51:07 GMT` | 08:49:37 | 90 s |
/// | `Sunday, 06-Nov-94 08:51:07 GMT` | 08:49:37 | 90 s |
/// | `Sun Nov  6 08:51:07 1994` | 08:49:37 | 90 s |
/// | `-5`, `abc`, empty | any | nil |
public enum RetryAfter {
    /// The delay the receiver asks for, in seconds, or nil when the value is invalid or negative.
    /// - Parameters:
    ///   - value: The header value; surrounding whitespace is ignored.
    ///   - now: The time the response arrived, for HTTP-dates.
    public static func parse(_ value: String, now: Date) -> TimeInterval? {
        let text = value.trimmingCharacters(in: .whitespaces)
        guard let first = text.first else { return nil }
        if first.isASCII, first.isNumber {
            return parseDeltaSeconds(text)
        }
        guard let date = HTTPDate.parse(text, now: now) else { return nil }
        let delay = date.timeIntervalSince(now)
        return delay >= 0 ? delay : nil
    }

    private static func parseDeltaSeconds(_ text: String) -> TimeInterval? {
        let parts = text.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        guard let whole = parts.first, !whole.isEmpty, whole.allSatisfy(\.isASCIIDigit) else { return nil }
        if parts.count == 2 {
            guard !parts[1].isEmpty, parts[1].allSatisfy(\.isASCIIDigit) else { return nil }
        }
        guard let seconds = Double(text) else { return nil }
        // Only digits, yet more than a Double holds: a valid, very long delay, which the retry
        // policy clamps like any other (RFC 9110 §10.2.3 sets no upper bound).
        return seconds.isFinite ? seconds.rounded(.up) : .greatestFiniteMagnitude
    }
}

/// The three HTTP-date forms of RFC 9110 §5.6.7, always in GMT.
enum HTTPDate {
    /// Sunday first: ``format(_:)`` counts weekdays from it (1970-01-01, a Thursday, is 4).
    private static let dayNames = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
    private static let monthNames = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
    private static let shortDays = Set(dayNames.map { $0.lowercased() })
    private static let longDays: Set<String> = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]

    /// - Parameter now: Needed only for the two-digit years of RFC 850 dates.
    static func parse(_ text: String, now: Date) -> Date? {
        let tokens = text.split(separator: " ").map { $0.lowercased() }
        switch tokens.count {
        case 6:
            // IMF-fixdate: Sun, 06 Nov 1994 08:49:37 GMT
            guard tokens[0].hasSuffix(","), shortDays.contains(String(tokens[0].dropLast())), tokens[5] == "gmt",
                tokens[1].count == 2, tokens[3].count == 4, let day = Int(digits: tokens[1]),
                let month = month(tokens[2]), let year = Int(digits: tokens[3])
            else { return nil }
            return date(year: year, month: month, day: day, time: tokens[4])
        case 4:
            // RFC 850: Sunday, 06-Nov-94 08:49:37 GMT
            let parts = tokens[1].split(separator: "-", omittingEmptySubsequences: false).map(String.init)
            guard tokens[0].hasSuffix(","), longDays.contains(String(tokens[0].dropLast())), tokens[3] == "gmt",
                parts.count == 3, parts[0].count == 2, parts[2].count == 2, let day = Int(digits: parts[0]),
                let month = month(parts[1]), let shortYear = Int(digits: parts[2])
            else { return nil }
            return date(year: fullYear(shortYear, now: now), month: month, day: day, time: tokens[2])
        case 5:
            // asctime: Sun Nov  6 08:49:37 1994 (the day is space-padded)
            guard shortDays.contains(tokens[0]), let month = month(tokens[1]), (1...2).contains(tokens[2].count),
                let day = Int(digits: tokens[2]), tokens[4].count == 4, let year = Int(digits: tokens[4])
            else { return nil }
            return date(year: year, month: month, day: day, time: tokens[3])
        default:
            return nil
        }
    }

    /// `date` as an IMF-fixdate, the form a sender generates (`Sun, 06 Nov 1994 08:49:37 GMT`),
    /// to the second below.
    static func format(_ date: Date) -> String {
        let seconds = Int(date.timeIntervalSince1970.rounded(.down))
        let days = Int((Double(seconds) / 86_400).rounded(.down))
        let time = seconds - days * 86_400
        let (year, month, day) = daysToCivil(days)
        let weekday = ((days + 4) % 7 + 7) % 7
        func twoDigits(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(dayNames[weekday]), \(twoDigits(day)) \(monthNames[month - 1]) \(year) "
            + "\(twoDigits(time / 3600)):\(twoDigits(time / 60 % 60)):\(twoDigits(time % 60)) GMT"
    }

    private static func month(_ name: String) -> Int? {
        monthNames.firstIndex { $0.lowercased() == name }.map { $0 + 1 }
    }

    // > Recipients of a timestamp value in rfc850-date format, which uses a two-digit year, MUST
    // > interpret a timestamp that appears to be more than 50 years in the future as representing
    // > the most recent year in the past that had the same last two digits. (RFC 9110 §5.6.7)
    private static func fullYear(_ shortYear: Int, now: Date) -> Int {
        let currentYear = Int(daysToCivil(Int((now.timeIntervalSince1970 / 86_400).rounded(.down))).year)
        var year = currentYear - currentYear % 100 + shortYear
        if year > currentYear + 50 { year -= 100 }
        return year
    }

    private static func date(year: Int, month: Int, day: Int, time: String) -> Date? {
        let clock = time.split(separator: ":", omittingEmptySubsequences: false)
        guard clock.count == 3, clock.allSatisfy({ $0.count == 2 }), let hour = Int(digits: clock[0]),
            let minute = Int(digits: clock[1]), let second = Int(digits: clock[2]),
            hour < 24, minute < 60, second <= 60, day >= 1, day <= daysIn(month: month, year: year)
        else { return nil }
        let days = civilToDays(year: year, month: month, day: day)
        return Date(timeIntervalSince1970: TimeInterval(days * 86_400 + hour * 3600 + minute * 60 + second))
    }

    private static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Days since 1970-01-01 in the proleptic Gregorian calendar (Howard Hinnant's `days_from_civil`).
    private static func civilToDays(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// The inverse of ``civilToDays(year:month:day:)`` (Hinnant's `civil_from_days`).
    private static func daysToCivil(_ days: Int) -> (year: Int, month: Int, day: Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, dayOfYear - (153 * mp + 2) / 5 + 1)
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { isASCII && isNumber }
}

extension Int {
    /// Parses ASCII digits only: no sign, no spaces.
    fileprivate init?(digits: some StringProtocol) {
        guard !digits.isEmpty, digits.count <= 9, digits.allSatisfy(\.isASCIIDigit), let value = Int(digits) else {
            return nil
        }
        self = value
    }
}
