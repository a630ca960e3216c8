import StudioModel

/// A line wider than the columns that show it, scrolled sideways so that its caret stays in
/// view, as nano scrolls the cursor's line: the first column shown follows the caret, and a mark
/// (`…`) takes the first cell when the line's start is cut and the last cell when its end is,
/// never the caret's. Columns are display columns (``DisplayWidth``): a wide character takes two.
///
/// ```swift
/// let offset = HorizontalScroll.offset(0, caret: 2_000, lineWidth: 2_000, width: 40)  // 1962
/// HorizontalScroll.window(of: line, from: offset, width: 40)  // "…" and the line's last 37 columns
/// ```
enum HorizontalScroll {
    /// What marks a cut start and a cut end: one column each.
    struct Marks: Sendable, Equatable {
        var start: String
        var end: String

        static let unicode = Marks(start: "…", end: "…")
        /// `…` has no one-column ASCII form (it is `...`): as vim's `precedes` and `extends`.
        static let ascii = Marks(start: "<", end: ">")

        static func forScreen(ascii: Bool) -> Marks { ascii ? .ascii : .unicode }
    }

    /// The first column to show of a line `lineWidth` columns wide in `width` columns, the caret
    /// `caret` columns into it, from the one shown before (`offset`): kept while the caret is in
    /// view and off the marks; else moved just enough to the right, or half the width to the left.
    static func offset(_ offset: Int, caret: Int, lineWidth: Int, width: Int) -> Int {
        // The whole line and the caret after its end fit: it is not scrolled.
        guard lineWidth >= width, width > 0 else { return 0 }
        // Too narrow for marks and a caret between them: the caret alone.
        guard width >= 3 else { return max(0, caret - width + 1) }
        var offset = min(max(0, offset), caret)
        // Left of the view, or under the start's mark.
        if offset > 0, caret <= offset { offset = max(0, caret - width / 2) }
        // Right of the view, or under the end's mark: the last cell is kept for it.
        if caret > offset + width - 2 { offset = caret - width + 2 }
        return offset
    }

    /// The columns of `text` from `offset` that `width` columns hold, cleaned for the screen
    /// (``Sanitizer``): column `k` of the result is column `offset + k` of the line, except where
    /// a mark stands (a cut start, a cut end) or a wide character is cut by an edge (a space).
    static func window(of text: String, from offset: Int, width: Int, marks: Marks = .unicode) -> String {
        guard width > 0 else { return "" }
        var shown = ""
        var used = 0
        var column = 0
        var index = text.startIndex
        let firstShown = offset > 0 ? offset + 1 : 0
        if offset > 0 {
            shown = marks.start
            used = 1
        }
        // What lies left of the view is measured, not drawn.
        while index < text.endIndex {
            let columns = DisplayWidth.width(of: text[index])
            if column + columns > firstShown {
                if column < firstShown {
                    // A wide character cut by the start: the half in view is a space.
                    let inView = column + columns - firstShown
                    shown += String(repeating: " ", count: inView)
                    used += inView
                    index = text.index(after: index)
                }
                break
            }
            column += columns
            index = text.index(after: index)
        }
        while index < text.endIndex {
            let character = text[index]
            let columns = DisplayWidth.width(of: character)
            let next = text.index(after: index)
            // The last cell is the end's mark unless this character ends the line.
            let room = next < text.endIndex ? width - 1 : width
            guard used + columns <= room else {
                return shown + String(repeating: " ", count: max(0, width - 1 - used)) + marks.end
            }
            shown += Sanitizer.clean(String(character), upTo: .max)
            used += columns
            index = next
        }
        return shown
    }
}
