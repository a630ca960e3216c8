import Foundation

extension Date {
    /// The date as Iterable writes it in system webhook payloads and profile dates,
    /// `2016-12-02 20:21:04 +00:00`: UTC, whole seconds (domain.md §1.4, §1.6). ``DateDelay`` and
    /// the `dateFormat` helper read it back.
    public var iterableText: String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? .gmt
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: self)
        func digits(_ value: Int?, _ count: Int) -> String {
            let text = String(value ?? 0)
            return String(repeating: "0", count: max(0, count - text.count)) + text
        }
        return "\(digits(parts.year, 4))-\(digits(parts.month, 2))-\(digits(parts.day, 2)) "
            + "\(digits(parts.hour, 2)):\(digits(parts.minute, 2)):\(digits(parts.second, 2)) +00:00"
    }
}
