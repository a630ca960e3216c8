import Foundation

/// Why a custom ``RetrySchedule`` was refused.
public struct RetryScheduleError: Error, Sendable, Hashable, CustomStringConvertible {
    private enum Code: Sendable, Hashable {
        case tooManyEntries(Int)
        case invalidEntry(index: Int, value: TimeInterval)
        case tooLong(total: TimeInterval)
    }

    private let code: Code

    /// More than ``RetrySchedule/maximumEntries`` delays.
    public static func tooManyEntries(_ count: Int) -> Self { Self(code: .tooManyEntries(count)) }
    /// A delay that is negative, infinite or NaN (`index` is 0-based).
    public static func invalidEntry(at index: Int, _ value: TimeInterval) -> Self {
        Self(code: .invalidEntry(index: index, value: value))
    }
    /// Delays adding up to more than ``RetrySchedule/maximumTotal``.
    public static func tooLong(total: TimeInterval) -> Self { Self(code: .tooLong(total: total)) }

    /// A short, stable label: `too_many_entries`, `invalid_entry` or `too_long`.
    public var label: String {
        switch code {
        case .tooManyEntries: "too_many_entries"
        case .invalidEntry: "invalid_entry"
        case .tooLong: "too_long"
        }
    }

    public var description: String {
        switch code {
        case .tooManyEntries(let count):
            "a retry schedule holds at most \(RetrySchedule.maximumEntries) delays, not \(count)"
        case .invalidEntry(let index, let value):
            "retry delay \(index + 1) is \(value); delays are seconds, 0 or more"
        case .tooLong(let total):
            "the retry delays add up to \(Int(total.rounded(.up))) s; the most is 604800 s (7 days)"
        }
    }
}
