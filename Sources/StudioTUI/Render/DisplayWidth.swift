import CNcurses
import Foundation

/// Display width of text in terminal columns, computed the way ncurses will (`wcwidth` under a
/// UTF-8 locale, tui.md P5/E5), so grid columns and screen columns agree.
public enum DisplayWidth {
    /// Makes sure `LC_CTYPE` is UTF-8 once per process, before the first width is measured.
    private static let localeIsUTF8: Bool = ensureUTF8Locale()

    /// Sets `LC_ALL` from the environment; if the codeset is not UTF-8, forces `C.UTF-8` for
    /// `LC_CTYPE`. Returns whether the codeset is UTF-8 afterwards.
    @discardableResult
    public static func ensureUTF8Locale() -> Bool {
        if !codesetIsUTF8() { _ = setlocale(LC_ALL, "") }
        if !codesetIsUTF8() { _ = setlocale(LC_CTYPE, "C.UTF-8") }
        return codesetIsUTF8()
    }

    static func codesetIsUTF8() -> Bool {
        guard let codeset = cn_codeset() else { return false }
        let name = String(cString: codeset).uppercased()
        return name == "UTF-8" || name == "UTF8"
    }

    /// Whether the locale could be made UTF-8; if not, the studio draws ASCII only.
    public static var isUTF8: Bool { localeIsUTF8 }

    /// Columns of one grapheme: 1 or 2. Combining marks, joiners and selectors add nothing;
    /// only the first spacing scalar counts, matching what a cell can hold in ncurses.
    public static func width(of grapheme: Character) -> Int {
        if grapheme.isASCII { return 1 }
        _ = localeIsUTF8
        for scalar in grapheme.unicodeScalars {
            let columns = cn_wcwidth(wchar_t(bitPattern: scalar.value))
            if columns > 0 { return min(2, Int(columns)) }
        }
        return 1
    }

    /// Columns of a string.
    public static func width(of text: some StringProtocol) -> Int {
        text.reduce(0) { $0 + width(of: $1) }
    }

    /// The longest prefix of `text` that fits in `columns`, with `ellipsis` when cut.
    public static func truncate(_ text: String, to columns: Int, ellipsis: String = "…") -> String {
        guard columns > 0 else { return "" }
        if width(of: text) <= columns { return text }
        let ellipsisWidth = width(of: ellipsis)
        let budget = columns - ellipsisWidth
        guard budget >= 0 else { return String(text.prefix(columns)) }
        var result = ""
        var used = 0
        for character in text {
            let w = width(of: character)
            if used + w > budget { break }
            result.append(character)
            used += w
        }
        return result + ellipsis
    }

    /// `text` without its first `columns` columns (a wide character cut in two goes whole).
    public static func dropLeading(_ text: String, columns: Int) -> String {
        guard columns > 0 else { return text }
        var dropped = 0
        var index = text.startIndex
        while index < text.endIndex, dropped < columns {
            dropped += width(of: text[index])
            index = text.index(after: index)
        }
        return String(text[index...])
    }

    /// `text` padded with spaces (or cut, ending in `ellipsis`) to exactly `columns`.
    public static func pad(_ text: String, to columns: Int, alignRight: Bool = false, ellipsis: String = "…") -> String {
        let fitted = truncate(text, to: columns, ellipsis: ellipsis)
        let gap = String(repeating: " ", count: max(0, columns - width(of: fitted)))
        return alignRight ? gap + fitted : fitted + gap
    }
}
