import StudioModel

/// Makes untrusted text safe to draw (tui.md P18): control characters become visible
/// placeholders and very long text is capped, so nothing reaches the terminal as a command.
public enum Sanitizer {
    /// Longest text kept for one field, in Characters.
    public static let maximumLength = 2048

    /// `ESC` becomes `␛`, tab a space, other C0, DEL and C1 controls `·`, and so do Unicode's
    /// bidirectional formatting characters (U+202E and the like), which would make a line read
    /// in another order than it is written (a forged path or header in `receive`'s log); text is
    /// capped at `limit` characters (``maximumLength`` unless given).
    public static func clean(_ text: String, upTo limit: Int = maximumLength) -> String {
        var needsWork = limit < Int.max && text.count > limit
        if !needsWork {
            needsWork = text.unicodeScalars.contains(where: isControl)
        }
        guard needsWork else { return text }
        var result = String.UnicodeScalarView()
        var kept = 0
        for scalar in text.unicodeScalars {
            if limit < Int.max, kept >= limit * 2 { break }
            result.append(scalar == "\t" ? " " : visible(scalar))
            kept += 1
        }
        let cleaned = String(result)
        guard limit < Int.max, cleaned.count > limit else { return cleaned }
        return String(cleaned.prefix(limit)) + "…"
    }

    /// Text printed as lines (an exchange `hookline send` shows) made safe the same way, with
    /// its line breaks (LF, CRLF) and tabs kept and no cap: a receiver's answer could otherwise
    /// clear the screen, retitle the window or overwrite a line with a forged status.
    public static func cleanKeepingLineBreaks(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: { $0 != "\n" && $0 != "\t" && isControl($0) }) else { return text }
        let scalars = Array(text.unicodeScalars)
        var result = String.UnicodeScalarView()
        for (index, scalar) in scalars.enumerated() {
            let isLineBreak = scalar == "\n" || (scalar == "\r" && scalars.indices.contains(index + 1) && scalars[index + 1] == "\n")
            result.append(isLineBreak || scalar == "\t" ? scalar : visible(scalar))
        }
        return String(result)
    }

    /// `ESC` as `␛`, another control character as `·`, anything else as it is.
    private static func visible(_ scalar: Unicode.Scalar) -> Unicode.Scalar {
        if scalar == "\u{1B}" { return "␛" }
        return isControl(scalar) ? "·" : scalar
    }

    /// The record with every field the studio displays cleaned.
    public static func clean(_ record: AttemptRecord) -> AttemptRecord {
        var copy = record
        copy.method = clean(record.method)
        copy.url = clean(record.url)
        copy.userEmail = record.userEmail.map { clean($0) }
        return copy
    }

    static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        let value = scalar.value
        return value < 0x20 || value == 0x7F || (0x80...0x9F).contains(value) || isBidiFormatting(value)
    }

    /// The explicit directional marks, embeddings, overrides and isolates (Unicode's Bidi_Control).
    private static func isBidiFormatting(_ value: UInt32) -> Bool {
        value == 0x061C || value == 0x200E || value == 0x200F || (0x202A...0x202E).contains(value)
            || (0x2066...0x2069).contains(value)
    }
}
