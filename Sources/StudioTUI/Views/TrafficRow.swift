import Foundation
import StudioModel

/// One attempt as a traffic line:
/// `12:00:01.123 POST   201   42ms api.lob.com/v1/letters   ada@example.com  1/8`.
public enum TrafficRow {
    /// - Parameters:
    ///   - scheduledAttempts: Attempts the schedule of the record's webhook allows
    ///     (``Workspace/scheduledAttempts(ofWebhook:)``): `3/8`, or `1/1` with no retries.
    ///   - ellipsis: Ends a column cut to its width (`...` in ASCII mode, so the columns stay put).
    ///   - ascii: Columns are measured in the ASCII form of their text (`日本` is `??`), as an
    ///     ASCII-only grid draws it, so the columns after a wide name stay put.
    public static func segments(
        for record: AttemptRecord, width: Int, timeZone: TimeZone, ellipsis: String = "…", ascii: Bool = false,
        scheduledAttempts: Int = Webhook.standardScheduledAttempts
    ) -> [Segment] {
        func shown(_ text: String) -> String { ascii ? CellGrid.asciiText(text) : text }
        // time+space, method+space, status, space+latency+space, two separators, attempt.
        let fixed = 13 + 7 + 3 + 8 + 2 + 5
        let flexible = max(0, width - fixed)
        // 22 columns up to 80-odd wide; a third of what is left beyond that, up to 40 (QA F13),
        // so the addresses show whole on a wide terminal.
        let userWidth = max(min(22, flexible / 2), min(40, flexible / 3))
        let urlWidth = flexible - userWidth
        return [
            Segment(timestamp(record.startedAt, timeZone: timeZone) + " ", .logTimestamp),
            Segment(DisplayWidth.pad(shown(record.method), to: 6) + " ", .logMethod),
            Segment(statusText(record), statusToken(record)),
            Segment(" " + DisplayWidth.pad(latencyText(record.latencyMilliseconds), to: 6, alignRight: true) + " ",
                    record.latencyMilliseconds >= 1000 ? .logLatencySlow : .logLatency),
            Segment(DisplayWidth.pad(shown(pathText(record)), to: urlWidth, ellipsis: ellipsis) + " ", .logPath),
            Segment(DisplayWidth.pad(shown(record.userEmail ?? ""), to: userWidth, ellipsis: ellipsis) + " ", .logUser),
            Segment(DisplayWidth.pad(attemptText(record, of: scheduledAttempts), to: 5, alignRight: true), .logAttempt),
        ]
    }

    /// `3/8` for an attempt of a schedule of `total`; the number alone past it (a quick retry or
    /// a token refresh used one) and for one made by hand (a replay, a test send), which no
    /// schedule counts.
    static func attemptText(_ record: AttemptRecord, of total: Int) -> String {
        if record.isHold { return "held" }
        let scheduled = record.trigger == .scheduled || record.trigger == .immediate
        return scheduled && record.attempt <= total ? "\(record.attempt)/\(total)" : "\(record.attempt)"
    }

    /// `HH:mm:ss.SSS` in `timeZone`.
    public static func timestamp(_ date: Date, timeZone: TimeZone) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let parts = calendar.dateComponents([.hour, .minute, .second], from: date)
        let fraction = date.timeIntervalSince1970 - date.timeIntervalSince1970.rounded(.down)
        let millis = min(999, Int((fraction * 1000).rounded()))
        func two(_ value: Int?) -> String { value.map { $0 < 10 ? "0\($0)" : "\($0)" } ?? "--" }
        let ms = millis < 10 ? "00\(millis)" : millis < 100 ? "0\(millis)" : "\(millis)"
        return "\(two(parts.hour)):\(two(parts.minute)):\(two(parts.second)).\(ms)"
    }

    /// The URL, led by the error class when no response came (`timeout · api.lob.com/v1/letters`)
    /// or a 2xx that came could not be used (`profile_answer · partner.example/profile?…` beside
    /// a 200 whose answer was not merged); a 4xx or 5xx says enough by its status.
    public static func pathText(_ record: AttemptRecord) -> String {
        guard case .failed(let errorClass, _) = record.outcome, record.status.map({ (200..<300).contains($0) }) ?? true else {
            return shortURL(record.url)
        }
        return errorClass + " · " + shortURL(record.url)
    }

    /// The status as text (colour is never the only signal): `201`, or `ERR` with no response.
    public static func statusText(_ record: AttemptRecord) -> String {
        guard let status = record.status else { return "ERR" }
        return DisplayWidth.pad(String(status), to: 3)
    }

    public static func statusToken(_ record: AttemptRecord) -> ThemeToken {
        switch record.status {
        case .none: .logStatusFailed
        case .some(200..<300): .logStatus2xx
        case .some(300..<400): .logStatus3xx
        case .some(400..<500): .logStatus4xx
        case .some(500..<600): .logStatus5xx
        case .some: .foreground
        }
    }

    /// `42ms`, `1.2s`, `15s`.
    public static func latencyText(_ milliseconds: Double) -> String {
        if milliseconds < 1000 { return "\(Int(milliseconds.rounded()))ms" }
        if milliseconds < 10_000 { return "\((milliseconds / 100).rounded() / 10)s" }
        return "\(Int((milliseconds / 1000).rounded()))s"
    }

    /// The URL without its scheme: `api.lob.com/v1/letters`.
    public static func shortURL(_ url: String) -> String {
        for scheme in ["https://", "http://"] where url.hasPrefix(scheme) { return String(url.dropFirst(scheme.count)) }
        return url
    }
}
