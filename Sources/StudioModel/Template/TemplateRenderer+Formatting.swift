import Foundation

/// Date, number and regular-expression helpers: the only ones that touch Foundation formatters.
extension TemplateRenderer {
    /// The format dates print in when no `format=` is given (Iterable's profile date format), as a Joda pattern.
    static let defaultDateFormat = "yyyy-MM-dd HH:mm:ss ZZ"

    mutating func dateFormat(_ call: TemplateCall) throws(TemplateError) -> JSONValue? {
        let style = try dateStyle(call)
        guard let date = try dateParameter(call) else { return nil }
        return try formatDate(date, style: style, call)
    }

    mutating func dateMath(_ call: TemplateCall) throws(TemplateError) -> JSONValue? {
        let style = try dateStyle(call)
        guard var date = try dateParameter(call) else { return nil }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = try jodaZone(call).timeZone
        for parameter in call.params.dropFirst() {
            let expression = try text(parameter)
            let offsets: [DateOffset]
            do {
                offsets = try Self.dateOffsets(expression)
            } catch {
                throw self.error(call.offset, error.message)
            }
            for offset in offsets {
                guard let shifted = calendar.date(byAdding: offset.component, value: offset.amount, to: date) else {
                    throw error(call.offset, "dateMath cannot move the date by '\(expression)'")
                }
                date = shifted
            }
        }
        return try formatDate(date, style: style, call)
    }

    /// The date a helper's first parameter holds; nil, to print nothing, when it is missing, null or "".
    private mutating func dateParameter(_ call: TemplateCall) throws(TemplateError) -> Date? {
        guard let value = try evaluate(call.params[0]), !Self.isNullOrEmptyText(value) else { return nil }
        guard let date = parseDate(value) else {
            throw error(call.offset, "\(call.helper.rawValue) cannot read '\(value.displayText)' as a date; "
                + "expected ISO 8601, 'yyyy-MM-dd HH:mm:ss +00:00' or Unix time in seconds or milliseconds")
        }
        return date
    }

    /// null or "": a value the formatting helpers print nothing for, where other values they cannot read are errors.
    private static func isNullOrEmptyText(_ value: JSONValue) -> Bool {
        switch value {
        case .null: true
        case .string(let string): string.isEmpty
        default: false
        }
    }

    /// One step of a `dateMath` offset: `-2h` is -2 of `.hour`.
    struct DateOffset {
        var component: Calendar.Component
        var amount: Int
    }

    /// Reads offsets such as `+7d`, `-1M` or `+1d-2h`.
    static func dateOffsets(_ expression: String) throws(TemplateArgumentProblem) -> [DateOffset] {
        let problem = TemplateArgumentProblem(
            message: "dateMath cannot read '\(expression)'; expected an offset such as '+7d' or '-1M' (units s m h d w M y)")
        var offsets: [DateOffset] = []
        var characters = Substring(expression.filter { !$0.isWhitespace })
        guard !characters.isEmpty else { throw problem }
        while !characters.isEmpty {
            var sign = 1
            if characters.first == "+" || characters.first == "-" {
                sign = characters.first == "-" ? -1 : 1
                characters = characters.dropFirst()
            }
            let digits = characters.prefix { $0.isASCII && $0.isNumber }
            guard let amount = Int(digits), let unit = characters.dropFirst(digits.count).first else { throw problem }
            characters = characters.dropFirst(digits.count + 1)
            let component: Calendar.Component
            var multiplier = 1
            switch unit {
            case "s": component = .second
            case "m": component = .minute
            case "h", "H": component = .hour
            case "d": component = .day
            case "w":
                component = .day
                multiplier = 7
            case "M": component = .month
            case "y": component = .year
            default: throw problem
            }
            // An amount near Int.max would trap when multiplied.
            let (scaled, overflow) = amount.multipliedReportingOverflow(by: multiplier)
            guard !overflow else { throw problem }
            offsets.append(DateOffset(component: component, amount: sign * scaled))
        }
        return offsets
    }

    /// How a date helper prints: one of `DateFormatter`'s styles or a Joda pattern.
    enum DateStyle {
        case style(DateFormatter.Style)
        case pattern(JodaDatePattern)

        /// `format=` as written: `full`, `long`, `medium`, `short` or a Joda-Time pattern.
        init(_ format: String) throws(TemplateArgumentProblem) {
            switch format {
            case "full": self = .style(.full)
            case "long": self = .style(.long)
            case "medium": self = .style(.medium)
            case "short": self = .style(.short)
            default: self = .pattern(try JodaDatePattern(format))
            }
        }
    }

    /// The helper's `format=`, read before its date so that a pattern Joda refuses fails whatever the value.
    private mutating func dateStyle(_ call: TemplateCall) throws(TemplateError) -> DateStyle {
        let format = try hashText("format", call.hash) ?? Self.defaultDateFormat
        do {
            return try DateStyle(format)
        } catch {
            throw self.error(call.offset, error.message)
        }
    }

    mutating func formatDate(_ date: Date, _ call: TemplateCall) throws(TemplateError) -> JSONValue {
        try formatDate(date, style: dateStyle(call), call)
    }

    private mutating func formatDate(
        _ date: Date, style: DateStyle, _ call: TemplateCall
    ) throws(TemplateError) -> JSONValue {
        let localeName = try hashText("locale", call.hash) ?? "en_US_POSIX"
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: localeName)
        let zone = try jodaZone(call)
        formatter.timeZone = zone.timeZone
        switch style {
        case .style(let style): formatter.dateStyle = style
        case .pattern(let pattern):
            var weeks = Self.isoWeekCalendar
            weeks.timeZone = zone.timeZone
            formatter.dateFormat = pattern.icuPattern(for: date, weeks: weeks, zone: zone)
        }
        return .string(formatter.string(from: date))
    }

    /// The Gregorian calendar with ISO 8601's weeks, as Joda-Time's ISO chronology counts them:
    /// weeks start on Monday and week 1 holds the year's first Thursday.
    static let isoWeekCalendar: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.firstWeekday = 2
        calendar.minimumDaysInFirstWeek = 4
        return calendar
    }()

    /// The zone `tz=` (or `timezone=`) names, as Joda-Time reads it; UTC without one.
    private mutating func jodaZone(_ call: TemplateCall) throws(TemplateError) -> JodaDatePattern.Zone {
        var name = try hashText("tz", call.hash)
        if name == nil { name = try hashText("timezone", call.hash) }
        guard let name else { return .utc }
        do {
            return try JodaDatePattern.Zone.named(name)
        } catch {
            throw self.error(call.offset, error.message)
        }
    }

    /// ISO 8601 (with or without fraction or zone), `yyyy-MM-dd HH:mm:ss +00:00`, `yyyy-MM-dd`,
    /// Unix time in seconds or milliseconds (number or numeric string) as `delay until` reads it
    /// (``DateDelay/date(unixTime:)``), or `now`.
    func parseDate(_ value: JSONValue) -> Date? {
        switch value {
        case .int(let number): return DateDelay.date(unixTime: Double(number))
        case .double(let number): return DateDelay.date(unixTime: number)
        case .string(let raw):
            let string = raw.trimmingCharacters(in: .whitespaces)
            if string == "now" { return context.now }
            if let number = Int64(string) { return DateDelay.date(unixTime: Double(number)) }
            for options: ISO8601DateFormatter.Options in [
                [.withInternetDateTime, .withFractionalSeconds], [.withInternetDateTime],
            ] {
                let iso = ISO8601DateFormatter()
                iso.formatOptions = options
                if let date = iso.date(from: string) { return date }
            }
            for pattern in [
                "yyyy-MM-dd HH:mm:ss xxx", "yyyy-MM-dd HH:mm:ss.SSS xxx", "yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd'T'HH:mm:ss",
                "yyyy-MM-dd'T'HH:mm:ss.SSS", "yyyy-MM-dd",
            ] {
                let formatter = DateFormatter()
                formatter.locale = Locale(identifier: "en_US_POSIX")
                formatter.timeZone = TimeZone(identifier: "UTC")
                formatter.dateFormat = pattern
                if let date = formatter.date(from: string) { return date }
            }
            return nil
        default: return nil
        }
    }

    mutating func numberFormat(_ call: TemplateCall) throws(TemplateError) -> JSONValue? {
        // The pattern first: a bad one fails whatever the value, missing values included.
        let style = try call.params.count > 1 ? text(call.params[1]) : ""
        do {
            try Self.checkNumberStyle(style)
        } catch {
            throw self.error(call.offset, error.message)
        }
        guard let value = try evaluate(call.params[0]), !Self.isNullOrEmptyText(value) else { return nil }
        guard let number = Self.number(value) else {
            throw error(call.offset, "numberFormat cannot read '\(value.displayText)' as a number")
        }
        var locale = try hashText("locale", call.hash) ?? "en_US"
        if call.params.count > 2 { locale = try text(call.params[2]) }
        let formatter = NumberFormatter()
        formatter.locale = Locale(identifier: locale)
        switch style {
        case "": formatter.numberStyle = .decimal
        case "currency": formatter.numberStyle = .currency
        case "percent": formatter.numberStyle = .percent
        case "decimal": formatter.numberStyle = .decimal
        default: formatter.positiveFormat = style
        }
        // The fraction digits Java keeps: the style's, or the pattern's, unless maximumFractionDigits= says.
        var fractionDigits: Int? =
            Self.isNamedNumberStyle(style) ? formatter.maximumFractionDigits : Self.patternFractionDigits(style)
        // Or, in scientific notation, the digits of the mantissa.
        var mantissa = Self.isNamedNumberStyle(style) ? nil : Self.scientificMantissaDigits(style)
        if let text = try hashText("maximumFractionDigits", call.hash), let digits = Int(text) {
            formatter.maximumFractionDigits = digits
            fractionDigits = fractionDigits.map { _ in digits }
            mantissa?.fraction = digits
        }
        if let text = try hashText("minimumFractionDigits", call.hash), let digits = Int(text) {
            formatter.minimumFractionDigits = digits
            // A minimum above the maximum raises it, in DecimalFormat as in ICU.
            if let maximum = fractionDigits, digits > maximum { fractionDigits = digits }
            if let maximum = mantissa?.fraction, digits > maximum { mantissa?.fraction = digits }
        }
        if let text = try hashText("groupingUsed", call.hash) { formatter.usesGroupingSeparator = text == "true" }
        if let mode = try hashText("roundingMode", call.hash) {
            do {
                formatter.roundingMode = try Self.roundingMode(named: mode)
            } catch {
                throw self.error(call.offset, error.message)
            }
        }
        var printed = number
        if fractionDigits != nil || mantissa != nil {
            // As DecimalFormat: scale the double (percent ×100, per mille ×1000), then round its exact
            // binary value to the fraction digits, or in scientific notation to the mantissa's
            // significant digits; ICU then has nothing left to round.
            let scaled = number * Self.numberMultiplier(style)
            formatter.multiplier = NSNumber(value: 1)
            let rounded =
                if let fractionDigits {
                    JavaDecimalRounding.rounded(scaled, fractionDigits: fractionDigits, mode: formatter.roundingMode)
                } else if let mantissa {
                    JavaDecimalRounding.rounded(
                        scaled, significantDigits: mantissa.integer + mantissa.fraction, mode: formatter.roundingMode)
                } else {
                    Double?.none
                }
            printed = rounded ?? scaled
        }
        guard let formatted = formatter.string(from: NSNumber(value: printed)) else { return nil }
        return .string(formatted)
    }

    private static func isNamedNumberStyle(_ style: String) -> Bool {
        ["", "currency", "percent", "decimal"].contains(style)
    }

    /// The parts of a `numberFormat` pattern outside quotes, up to its negative subpattern (`;`).
    private static func unquotedPositivePattern(_ pattern: String) -> String {
        var result = ""
        var quoted = false
        for character in pattern {
            if character == "'" {
                quoted.toggle()
            } else if !quoted {
                if character == ";" { break }
                result.append(character)
            }
        }
        return result
    }

    /// How many fraction digits a pattern keeps (`0` and `#` after its `.`: 2 for `#,##0.00`), or nil for a
    /// pattern in scientific notation (`0.###E0`), which rounds significant digits and is left to ICU.
    static func patternFractionDigits(_ pattern: String) -> Int? {
        let positive = unquotedPositivePattern(pattern)
        guard !positive.contains("E") else { return nil }
        guard let point = positive.firstIndex(of: ".") else { return 0 }
        return positive[positive.index(after: point)...].prefix { $0 == "0" || $0 == "#" }.count
    }

    /// The integer and fraction digits of the mantissa of a pattern in scientific notation whose integer
    /// digits are all `0` (`0.###E0`: 1 and 3; `00.0E00`: 2 and 1). Java's `DecimalFormat` rounds such a
    /// mantissa to their sum of significant digits, as ICU does. Nil for other patterns, and for an
    /// engineering one (`##0.##E0`), where the two differ and which is left to ICU.
    static func scientificMantissaDigits(_ pattern: String) -> (integer: Int, fraction: Int)? {
        let positive = unquotedPositivePattern(pattern)
        guard let exponent = positive.firstIndex(of: "E") else { return nil }
        let digits = positive[..<exponent].drop { $0 != "0" && $0 != "#" }
        let point = digits.firstIndex(of: ".") ?? digits.endIndex
        let integer = digits[..<point].prefix { $0 == "0" || $0 == "#" }
        guard !integer.isEmpty, integer.allSatisfy({ $0 == "0" }) else { return nil }
        let fraction = point < digits.endIndex ? digits[digits.index(after: point)...].prefix { $0 == "0" || $0 == "#" } : ""
        return (integer.count, fraction.count)
    }

    /// What the style multiplies a number by before it is written: 100 for `percent` and a pattern with
    /// `%`, 1000 for one with `‰`, else 1.
    static func numberMultiplier(_ style: String) -> Double {
        if style == "percent" { return 100 }
        guard !isNamedNumberStyle(style) else { return 1 }
        let positive = unquotedPositivePattern(style)
        if positive.contains("%") { return 100 }
        if positive.contains("\u{2030}") { return 1000 }
        return 1
    }

    static func roundingMode(named name: String) throws(TemplateArgumentProblem) -> NumberFormatter.RoundingMode {
        switch name {
        case "up": .up
        case "down": .down
        case "ceiling": .ceiling
        case "floor": .floor
        case "half_up": .halfUp
        case "half_down": .halfDown
        case "half_even": .halfEven
        default: throw TemplateArgumentProblem(message: "unknown roundingMode '\(name)'")
        }
    }

    /// Refuses a `numberFormat` style that is no named style and a pattern Foundation cannot format with.
    static func checkNumberStyle(_ style: String) throws(TemplateArgumentProblem) {
        guard !isNamedNumberStyle(style), let problem = patternProblem(style) else { return }
        throw TemplateArgumentProblem(message: problem)
    }

    /// The longest `numberFormat` pattern: ICU writes at most 340 fraction digits, and Foundation
    /// traps (the process ends) when ICU cannot format a number.
    static let longestNumberPattern = 64

    /// Why Foundation could not format every number with the ICU `pattern`; nil when it can.
    /// A rounding increment (a digit 1–9, as in `0.05`) with a large value makes ICU fail, so it
    /// is refused whatever the value: the value is a merge parameter, known only at send time.
    static func patternProblem(_ pattern: String) -> String? {
        guard pattern.count <= longestNumberPattern else {
            return "numberFormat patterns may be at most \(longestNumberPattern) characters"
        }
        var quoted = false
        for character in pattern {
            if character == "'" { quoted.toggle() }
            guard !quoted, ("1"..."9").contains(character) else { continue }
            return "numberFormat patterns with a rounding increment (the digit \(character)) are not supported; "
                + "use 0 and # for digits, and maximumFractionDigits= with roundingMode= to round"
        }
        return nil
    }

    func matches(_ value: String, pattern: String, offset: Int) throws(TemplateError) -> Bool {
        let expression: NSRegularExpression
        do {
            expression = try Self.regularExpression(pattern)
        } catch {
            throw self.error(offset, error.message)
        }
        let range = NSRange(value.startIndex..<value.endIndex, in: value)
        return expression.firstMatch(in: value, range: range) != nil
    }

    static func regularExpression(_ pattern: String) throws(TemplateArgumentProblem) -> NSRegularExpression {
        do {
            return try NSRegularExpression(pattern: pattern)
        } catch {
            throw TemplateArgumentProblem(message: "invalid regular expression '\(pattern)'")
        }
    }
}
