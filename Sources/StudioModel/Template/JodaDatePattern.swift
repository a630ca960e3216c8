import Foundation

/// A Joda-Time date pattern, which Iterable's `dateFormat … format=` takes, read as Joda reads it and
/// written in the ICU syntax `DateFormatter` formats with.
///
/// Joda's letters (<https://www.joda.org/joda-time/apidocs/org/joda/time/format/DateTimeFormat.html>) are
/// `G C Y x w e E y D M d a K h H k m s S z Z`; any other ASCII letter outside quotes is an error, as
/// `DateTimeFormat.forPattern` throws "Illegal pattern component" for it. Where Joda and ICU differ:
///
/// | Joda | prints | ICU written |
/// |---|---|---|
/// | `C` | century of era, `20` for 2019 | digits, computed |
/// | `Y` | year of era (`YY` its last two digits) | `y` |
/// | `x`, `w`, `e` | ISO 8601 week-year, week, weekday (1 = Monday) whatever the locale | digits, computed |
/// | `E`, `M` | text from 3 letters: short for 3, full for 4 or more (no narrow form) | `EEE`/`EEEE`, `MMM`/`MMMM` |
/// | `G`, `a` | `AD`, `AM` whatever the count | `G`, `a` |
/// | `z`, `zzzz` | short and full zone name; `UTC` and `Coordinated Universal Time` in UTC; the ID (`+02:00`) for an offset | `z`/`zzzz`, or the text |
/// | `Z`, `ZZ`, `ZZZ` | `-0800`, `-08:00`, the zone ID | `xx`, `xxx`, the ID as text |
///
/// Quoting is Joda's: `'…'` is text, and `''` is one quote, inside quotes or out.
struct JodaDatePattern {
    enum Token: Equatable {
        case text(String)
        case field(Character, count: Int)
    }

    /// The letters Joda-Time knows.
    static let letters: Set<Character> = [
        "G", "C", "Y", "x", "w", "e", "E", "y", "D", "M", "d", "a", "K", "h", "H", "k", "m", "s", "S", "z", "Z",
    ]

    let tokens: [Token]

    /// Reads `pattern` as `DateTimeFormat.forPattern` does.
    /// - Throws: a letter Joda does not know, outside quotes.
    init(_ pattern: String) throws(TemplateArgumentProblem) {
        var tokens: [Token] = []
        var characters = Substring(pattern)
        var text = ""
        var quoted = false
        while let character = characters.first {
            if character == "'" {
                if characters.dropFirst().first == "'" {
                    text.append("'")
                    characters = characters.dropFirst(2)
                } else {
                    quoted.toggle()
                    characters = characters.dropFirst()
                }
                continue
            }
            guard !quoted, character.isASCII, character.isLetter else {
                text.append(character)
                characters = characters.dropFirst()
                continue
            }
            guard Self.letters.contains(character) else {
                throw TemplateArgumentProblem(
                    message: "dateFormat pattern '\(pattern)' has the letter '\(character)', which Joda-Time does not "
                        + "know (Iterable refuses the pattern); quote text as 'text', "
                        + "or use G C Y x w e E y D M d a K h H k m s S z Z")
            }
            if !text.isEmpty {
                tokens.append(.text(text))
                text = ""
            }
            let run = characters.prefix { $0 == character }
            tokens.append(.field(character, count: run.count))
            characters = characters.dropFirst(run.count)
        }
        if !text.isEmpty { tokens.append(.text(text)) }
        self.tokens = tokens
    }

    /// The zone a pattern prints: its Joda ID, as written in `tz=` (`UTC` when none is, `+02:00` for
    /// `+0200`), and the zone.
    struct Zone {
        var id: String
        var timeZone: TimeZone

        /// Joda's ID for a name: the tz database's `GMT` is `Etc/GMT` in Joda.
        var jodaID: String { id == "GMT" ? "Etc/GMT" : id }

        /// Whether Joda names the zone "UTC": Foundation calls it GMT (`TimeZone(identifier: "UTC")` is "GMT").
        var isUTC: Bool {
            ["UTC", "Etc/UTC", "UCT", "Etc/UCT", "Universal", "Etc/Universal", "Zulu", "Etc/Zulu"].contains(id)
        }
    }

    /// The ICU pattern that prints `date` as Joda prints this pattern, with the week fields (`x`, `w`, `e`) and
    /// the century computed on `weeks` (a Gregorian calendar with ISO 8601 weeks, in the zone being printed).
    func icuPattern(for date: Date, weeks: Calendar, zone: Zone) -> String {
        var result = ""
        // Text is quoted in one piece: in ICU, `'a''b'` is one quoted `a'b`, not `a` then `b`.
        var text = ""
        func literal(_ more: String) { text += more }
        func field(_ letters: String) {
            if !text.isEmpty { result += "'" + text.replacingOccurrences(of: "'", with: "''") + "'" }
            text = ""
            result += letters
        }
        func number(_ value: Int, _ letters: Int, twoDigitYear: Bool = false) {
            let digits = String(value)
            // Joda prints a two-letter year as its last two digits.
            if twoDigitYear, letters == 2, digits.count > 2 { return literal(String(digits.suffix(2))) }
            literal(String(repeating: "0", count: max(0, letters - digits.count)) + digits)
        }
        for token in tokens {
            switch token {
            case .text(let written): literal(written)
            case .field(let letter, let count):
                switch letter {
                case "C": number(weeks.component(.year, from: date) / 100, count)
                case "Y": field(String(repeating: "y", count: count))
                case "x": number(weeks.component(.yearForWeekOfYear, from: date), count, twoDigitYear: true)
                case "w": number(weeks.component(.weekOfYear, from: date), count)
                case "e": number((weeks.component(.weekday, from: date) + 5) % 7 + 1, count)
                case "E": field(count >= 4 ? "EEEE" : "EEE")
                case "M": field(count >= 4 ? "MMMM" : String(repeating: "M", count: count))
                case "G": field("G")
                case "a": field("a")
                case "z":
                    if zone.isUTC {
                        literal(count >= 4 ? "Coordinated Universal Time" : "UTC")
                    } else if zone.isFixedOffset {
                        // Joda has no name for a fixed offset: it prints the ID (`+02:00`) for both.
                        literal(zone.id)
                    } else {
                        field(count >= 4 ? "zzzz" : "z")
                    }
                case "Z":
                    switch count {
                    case 1: field("xx")
                    case 2: field("xxx")
                    default: literal(zone.jodaID)
                    }
                default: field(String(repeating: letter, count: count))
                }
            }
        }
        field("")
        return result
    }
}
