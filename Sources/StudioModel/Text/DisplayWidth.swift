/// Display width of text in terminal columns: what a terminal, and ncurses measuring with glibc's
/// `wcwidth`, give each grapheme — 1 or 2 — from Unicode properties, with no locale or C library.
/// The studio lays out its grid with it; a diagnostic puts its caret under the column with it.
public enum DisplayWidth {
    /// Columns of one grapheme: the sum of its ``cells(of:)``, each 1 or 2. Combining marks,
    /// joiners and selectors add nothing; emoji joined by a zero-width joiner take the columns of
    /// the first, as one cell holds them.
    public static func width(of grapheme: Character) -> Int {
        if grapheme.isASCII { return 1 }
        guard isSplit(grapheme) else { return cellWidth(grapheme.unicodeScalars) }
        return cells(of: grapheme).reduce(0) { $0 + cellWidth($1) }
    }

    /// The parts of a grapheme that terminal cells hold, in order: the grapheme itself, but a
    /// flag (two regional indicators) as its two letters and an emoji with a skin tone as the
    /// emoji and the tone. ncurses (glibc's `wcwidth`) and tmux give each its own columns, so
    /// written in one cell they would shift the rest of the row; written in two, every code
    /// point reaches the terminal, which may draw them as one flag or one toned emoji.
    public static func cells(of grapheme: Character) -> [String] {
        guard !grapheme.isASCII, isSplit(grapheme) else { return [String(grapheme)] }
        var parts: [String] = []
        var current = String.UnicodeScalarView()
        var previous: Unicode.Scalar?
        for scalar in grapheme.unicodeScalars {
            if let previous, previous.value != 0x200D, startsCell(scalar), !current.isEmpty {
                parts.append(String(current))
                current = String.UnicodeScalarView()
            }
            current.append(scalar)
            previous = scalar
        }
        if !current.isEmpty { parts.append(String(current)) }
        return parts
    }

    /// Columns of one of ``cells(of:)``: its first spacing scalar's.
    public static func cellWidth(_ cell: String) -> Int { cell.utf8.count == 1 ? 1 : cellWidth(cell.unicodeScalars) }

    private static func cellWidth(_ scalars: some Sequence<Unicode.Scalar>) -> Int {
        for scalar in scalars {
            if let columns = columns(of: scalar) { return columns }
        }
        return 1
    }

    /// Whether a grapheme holds a scalar after its first that starts a cell of its own.
    private static func isSplit(_ grapheme: Character) -> Bool {
        grapheme.unicodeScalars.dropFirst().contains(where: startsCell)
    }

    /// A regional indicator (the second letter of a flag) or a skin-tone modifier.
    private static func startsCell(_ scalar: Unicode.Scalar) -> Bool {
        (0x1F1E6...0x1F1FF).contains(scalar.value) || scalar.properties.isEmojiModifier
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

    /// `text` padded with spaces (or cut, ending in `ellipsis`) to exactly `columns`.
    public static func pad(_ text: String, to columns: Int, alignRight: Bool = false, ellipsis: String = "…") -> String {
        let fitted = truncate(text, to: columns, ellipsis: ellipsis)
        let gap = String(repeating: " ", count: max(0, columns - width(of: fitted)))
        return alignRight ? gap + fitted : fitted + gap
    }

    /// Columns of a scalar that takes any: 2 when wide, else 1; nil for one that takes none
    /// (a mark, a format or control character, a separator, a Hangul vowel or final consonant
    /// that joins the syllable before, an unassigned code point).
    static func columns(of scalar: Unicode.Scalar) -> Int? {
        let value = scalar.value
        // Prepended concatenation marks (PropList.txt) and the soft hyphen are format characters
        // that are drawn, one column wide.
        if value == 0xAD || prependedConcatenationMarks.contains(where: { $0.contains(value) }) { return 1 }
        switch scalar.properties.generalCategory {
        case .nonspacingMark, .enclosingMark, .format, .control, .surrogate, .unassigned, .lineSeparator,
            .paragraphSeparator:
            return nil
        default:
            break
        }
        // Hangul_Syllable_Type V and T (Jamo and Jamo Extended-B); U+200B is Cf already.
        if (0x1160...0x11FF).contains(value) || (0xD7B0...0xD7FF).contains(value) { return nil }
        return isWide(value) ? 2 : 1
    }

    private static let prependedConcatenationMarks: [ClosedRange<UInt32>] = [
        0x600...0x605, 0x6DD...0x6DD, 0x70F...0x70F, 0x890...0x891, 0x8E2...0x8E2, 0x110BD...0x110BD, 0x110CD...0x110CD,
    ]

    /// Whether `value` is in ``wideScalars``, by binary search.
    private static func isWide(_ value: UInt32) -> Bool {
        guard value >= 0x1100 else { return false }
        var low = 0, high = wideScalars.count
        while low < high {
            let middle = (low + high) / 2
            if wideScalars[middle].upperBound < value {
                low = middle + 1
            } else {
                high = middle
            }
        }
        return low < wideScalars.count && wideScalars[low].contains(value)
    }
}
