import Foundation

extension JodaDatePattern.Zone {
    /// UTC, the zone of a date helper without `tz=`.
    static let utc = JodaDatePattern.Zone(id: "UTC", timeZone: TimeZone(identifier: "UTC") ?? .gmt)

    /// The zone Joda-Time's `DateTimeZone.forID` gives for a name: `UTC`, a region ID of the tz
    /// database (`America/Los_Angeles`), or a fixed offset from UTC (``init(offsetID:)``).
    /// - Throws: a region ID that is not known, or an offset Joda does not read.
    static func named(_ name: String) throws(TemplateArgumentProblem) -> JodaDatePattern.Zone {
        if name.hasPrefix("+") || name.hasPrefix("-") { return try JodaDatePattern.Zone(offsetID: name) }
        guard let timeZone = TimeZone(identifier: name) else {
            throw TemplateArgumentProblem(
                message: "unknown time zone '\(name)'; expected an IANA name such as 'America/Los_Angeles'")
        }
        return JodaDatePattern.Zone(id: name, timeZone: timeZone)
    }

    /// A fixed offset from UTC as `DateTimeZone.forID` reads one: a sign, then hours, minutes and
    /// seconds of two digits each, all with `:` between them or none (`+02`, `-0530`, `+02:00`,
    /// `-05:30:15`). Its ID is the offset as Joda writes it (`+02:00` for `+0200`), which `ZZZ`,
    /// `z` and `zzzz` print; a zero offset is UTC.
    ///
    /// Joda also reads a fraction of a second (`+02:00:00.500`): only a zero one is taken here,
    /// as Foundation's zones are offset by whole seconds. Foundation's go to ±18:00, Joda's to ±23:59:59.
    /// - Throws: any other text starting with `+` or `-`.
    init(offsetID id: String) throws(TemplateArgumentProblem) {
        let problem = TemplateArgumentProblem(
            message: "unknown time zone offset '\(id)'; expected +hh:mm or -hh:mm (such as '+02:00' or '-05:30'), "
                + "or +hhmm")
        let characters = Array(id.utf8)
        guard let sign = characters.first, sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") else { throw problem }
        var index = 1
        /// Two digits at `index`, below `limit`; nil when there are not two digits there.
        func twoDigits(below limit: Int) -> Int? {
            guard index + 1 < characters.count,
                let tens = Self.digit(characters[index]), let units = Self.digit(characters[index + 1]),
                tens * 10 + units < limit
            else { return nil }
            index += 2
            return tens * 10 + units
        }
        guard let hours = twoDigits(below: 24) else { throw problem }
        var seconds = hours * 3600
        var separated = false
        var millisecondsFollow = false
        if index < characters.count {
            separated = characters[index] == UInt8(ascii: ":")
            if separated { index += 1 }
            guard let minutes = twoDigits(below: 60) else { throw problem }
            seconds += minutes * 60
            if index < characters.count {
                if separated {
                    guard characters[index] == UInt8(ascii: ":") else { throw problem }
                    index += 1
                }
                guard let secondsPart = twoDigits(below: 60) else { throw problem }
                seconds += secondsPart
                millisecondsFollow = index < characters.count
            }
        }
        if millisecondsFollow {
            if separated {
                guard characters[index] == UInt8(ascii: ".") || characters[index] == UInt8(ascii: ",") else { throw problem }
                index += 1
            }
            let fraction = characters[index...]
            guard (1...3).contains(fraction.count), fraction.allSatisfy({ Self.digit($0) != nil }) else { throw problem }
            guard fraction.allSatisfy({ $0 == UInt8(ascii: "0") }) else {
                throw TemplateArgumentProblem(
                    message: "time zone offset '\(id)' has a fraction of a second; Hookline takes offsets in whole seconds")
            }
        }
        guard seconds != 0 else {
            self = .utc
            return
        }
        let offset = sign == UInt8(ascii: "-") ? -seconds : seconds
        guard let timeZone = TimeZone(secondsFromGMT: offset) else {
            throw TemplateArgumentProblem(message: "time zone offset '\(id)' is more than 18 hours from UTC")
        }
        self.init(id: Self.offsetID(offset), timeZone: timeZone)
    }

    /// Whether the zone is a fixed offset (`+02:00`), which Joda names by its ID.
    var isFixedOffset: Bool { id.hasPrefix("+") || id.hasPrefix("-") }

    /// An offset as Joda writes it: `+02:00`, `-05:30`, and `:ss` when it has seconds.
    private static func offsetID(_ offset: Int) -> String {
        let magnitude = abs(offset)
        func twoDigits(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
        var id = (offset < 0 ? "-" : "+") + twoDigits(magnitude / 3600) + ":" + twoDigits(magnitude / 60 % 60)
        if magnitude % 60 != 0 { id += ":" + twoDigits(magnitude % 60) }
        return id
    }

    private static func digit(_ byte: UInt8) -> Int? {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) ? Int(byte - UInt8(ascii: "0")) : nil
    }
}
