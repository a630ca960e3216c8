import Foundation

/// A delay until the date in a user or trigger field, before or after it by an offset
/// (Iterable's date-based Time Delay: "two days before the subscription ends").
public struct DateDelay: Sendable, Hashable, CustomStringConvertible {
    /// The field holding the date, a dotted path; the trigger's data is looked at first.
    public var field: String
    /// Seconds after the date (negative: before it).
    public var offset: Double
    /// The offset as written (`-2d`), for display.
    public var offsetText: String?

    public init(field: String, offset: Double = 0, offsetText: String? = nil) {
        self.field = field
        self.offset = offset
        self.offsetText = offsetText
    }

    /// When the journey goes on, or nil when the field holds no date.
    public func wakeDate(for value: JSONValue?) -> Date? {
        value.flatMap(DateDelay.date(from:)).map { $0.addingTimeInterval(offset) }
    }

    /// Unix time in seconds or in milliseconds, told apart by size: 100,000,000,000 or more (in either
    /// direction) is milliseconds, since as seconds it would be past the year 5000, and as milliseconds
    /// it is March 1973 on. The one rule for every number Hookline reads as a date (`delay until`,
    /// `dateFormat`, `dateMath`).
    public static func date(unixTime number: Double) -> Date {
        Date(timeIntervalSince1970: abs(number) >= 100_000_000_000 ? number / 1000 : number)
    }

    public var description: String { "until \(field)" + (offsetText.map { " \($0)" } ?? "") }

    /// A date as profiles hold them: ISO 8601 (`2026-12-24`, `2026-12-24T18:00:00Z`, with
    /// fractional seconds or an offset), Iterable's `2026-12-24 18:00:00 +00:00`, or Unix time
    /// in seconds or milliseconds. A date without a time is midnight UTC.
    public static func date(from value: JSONValue) -> Date? {
        if let number = value.doubleValue { return date(unixTime: number) }
        guard var text = value.stringValue?.trimmingCharacters(in: .whitespaces), text.count >= 10 else { return nil }
        if text.count == 10 {
            return try? Date(text, strategy: Date.ISO8601FormatStyle().year().month().day())
        }
        // Iterable's form: a space between date and time, and another before the offset.
        if text.count > 10, text[text.index(text.startIndex, offsetBy: 10)] == " " {
            text.replaceSubrange(text.index(text.startIndex, offsetBy: 10)...text.index(text.startIndex, offsetBy: 10), with: "T")
            if let space = text.lastIndex(of: " ") { text.remove(at: space) }
        }
        if let date = try? Date(text, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true)) { return date }
        return try? Date(text, strategy: .iso8601)
    }
}
