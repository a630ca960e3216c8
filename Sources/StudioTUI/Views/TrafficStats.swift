import Foundation
import StudioModel

/// Rate and error share of the attempts that started in the last few seconds, for the header.
public struct TrafficStats: Sendable, Equatable {
    public static let window: TimeInterval = 5

    public var perSecond: Double
    public var errorPercent: Double

    public init(log: TrafficLog, now: Date) {
        let start = now.addingTimeInterval(-Self.window)
        // Newest first; stop at the first record older than the window (records arrive in order).
        let recent = log.reversed { $0.startedAt > start }.filter { $0.startedAt <= now }
        perSecond = Double(recent.count) / Self.window
        let failures = recent.filter { !$0.outcome.isSuccess }.count
        errorPercent = recent.isEmpty ? 0 : Double(failures) * 100 / Double(recent.count)
    }

    /// `212/s 0.4% err`.
    public var summary: String {
        let rate = perSecond >= 10 ? "\(Int(perSecond.rounded()))" : "\((perSecond * 10).rounded() / 10)"
        let errors = (errorPercent * 10).rounded() / 10
        return "\(rate)/s \(errors)% err"
    }
}
