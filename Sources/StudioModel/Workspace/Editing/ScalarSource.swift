import Yams

/// Finds the exact source text of a scalar node, so its value can be swapped for a marker and
/// put back byte for byte.
///
/// Yams gives only where a node starts, so the end is found by scanning the source, and every
/// answer is checked by parsing the found text alone and comparing its value with the node's.
/// When the check fails (a plain scalar folded over several lines, say) there is no answer:
/// callers must then refuse rather than guess.
enum ScalarSource {
    enum Failure: Error, Equatable {
        /// A `|` or `>` block scalar, which cannot be replaced by a one-line marker.
        case blockScalar
        /// The scalar's text could not be found exactly.
        case notFound
    }

    /// The range of the scalar's content in `source`: inside the quotes for quoted scalars.
    ///
    /// The range is aligned to Unicode scalars, not Characters: slice it through
    /// `source.unicodeScalars`.
    static func contentRange(of node: Node, in source: String) -> Result<Range<String.Index>, Failure> {
        ranges(of: node, in: source).map(\.content)
    }

    /// The range the scalar is written over in `source`: its quotes included. Aligned to Unicode
    /// scalars like ``contentRange(of:in:)``.
    static func wholeRange(of node: Node, in source: String) -> Result<Range<String.Index>, Failure> {
        ranges(of: node, in: source).map(\.whole)
    }

    private static func ranges(
        of node: Node, in source: String
    ) -> Result<(content: Range<String.Index>, whole: Range<String.Index>), Failure> {
        guard case .scalar(let scalar) = node, let mark = scalar.mark else { return .failure(.notFound) }
        if scalar.style == .literal || scalar.style == .folded { return .failure(.blockScalar) }
        let scalars = source.unicodeScalars
        guard let markIndex = index(of: mark, in: scalars) else { return .failure(.notFound) }
        let start = skippingProperties(from: markIndex, in: scalars)
        guard start < scalars.endIndex else { return .failure(.notFound) }

        let candidates: [(content: Range<String.Index>, whole: Range<String.Index>)]
        switch scalar.style {
        case .doubleQuoted, .singleQuoted:
            guard let quoted = quotedRange(from: start, in: scalars, doubled: scalar.style == .singleQuoted) else {
                return .failure(.notFound)
            }
            candidates = [quoted]
        default:
            candidates = plainCandidates(from: start, in: scalars).map { ($0, $0) }
        }
        for candidate in candidates where parsedValue(of: String(scalars[candidate.whole])) == scalar.string {
            return .success(candidate)
        }
        return .failure(.notFound)
    }

    // MARK: - Positions

    /// The index of a Yams mark: 1-based line and column, columns counted in Unicode scalars
    /// after libyaml's line breaks (`\n`, `\r`, `\r\n`, U+0085, U+2028, U+2029).
    static func index(of mark: Mark, in scalars: String.UnicodeScalarView) -> String.Index? {
        var index = scalars.startIndex
        // libyaml drops a byte order mark before it starts counting.
        if index < scalars.endIndex, scalars[index] == "\u{FEFF}" { index = scalars.index(after: index) }
        var line = 1
        var column = 1
        while index < scalars.endIndex {
            if line == mark.line, column == mark.column { return index }
            let scalar = scalars[index]
            index = scalars.index(after: index)
            if isBreak(scalar) {
                if scalar == "\r", index < scalars.endIndex, scalars[index] == "\n" { index = scalars.index(after: index) }
                if line == mark.line { return nil }
                line += 1
                column = 1
            } else {
                column += 1
            }
        }
        return line == mark.line && column == mark.column ? index : nil
    }

    static func isBreak(_ scalar: Unicode.Scalar) -> Bool {
        ["\n", "\r", "\u{85}", "\u{2028}", "\u{2029}"].contains(scalar)
    }

    private static func isBlank(_ scalar: Unicode.Scalar) -> Bool { scalar == " " || scalar == "\t" }

    /// Past an anchor (`&name`) or tag (`!!str`) that precedes the value, and the blanks after it.
    private static func skippingProperties(from start: String.Index, in scalars: String.UnicodeScalarView) -> String.Index {
        var index = start
        while index < scalars.endIndex, scalars[index] == "&" || scalars[index] == "!" {
            while index < scalars.endIndex, !isBlank(scalars[index]), !isBreak(scalars[index]) {
                index = scalars.index(after: index)
            }
            while index < scalars.endIndex, isBlank(scalars[index]) { index = scalars.index(after: index) }
        }
        return index
    }

    // MARK: - Scanning

    /// A quoted scalar from its opening quote: the text inside the quotes, and with them.
    /// `doubled` is true for single quotes, where `''` stands for one quote; otherwise a
    /// backslash escapes the next character.
    private static func quotedRange(
        from start: String.Index, in scalars: String.UnicodeScalarView, doubled: Bool
    ) -> (content: Range<String.Index>, whole: Range<String.Index>)? {
        let quote: Unicode.Scalar = doubled ? "'" : "\""
        guard scalars[start] == quote else { return nil }
        let contentStart = scalars.index(after: start)
        var index = contentStart
        while index < scalars.endIndex {
            let scalar = scalars[index]
            let next = scalars.index(after: index)
            if !doubled, scalar == "\\" {
                guard next < scalars.endIndex else { return nil }
                index = scalars.index(after: next)
            } else if scalar == quote {
                if doubled, next < scalars.endIndex, scalars[next] == quote {
                    index = scalars.index(after: next)
                } else {
                    return (contentStart..<index, start..<next)
                }
            } else {
                index = next
            }
        }
        return nil
    }

    /// Where a one-line plain scalar could end: at the end of the line or a comment (block
    /// style), or also at `,` `]` `}` (flow style), without trailing blanks.
    private static func plainCandidates(from start: String.Index, in scalars: String.UnicodeScalarView) -> [Range<String.Index>] {
        func end(stoppingAt stops: Set<Unicode.Scalar>) -> String.Index {
            var index = start
            var previous: Unicode.Scalar = " "
            while index < scalars.endIndex {
                let scalar = scalars[index]
                if isBreak(scalar) || stops.contains(scalar) || (scalar == "#" && isBlank(previous) && index > start) {
                    break
                }
                previous = scalar
                index = scalars.index(after: index)
            }
            while index > start, isBlank(scalars[scalars.index(before: index)]) { index = scalars.index(before: index) }
            return index
        }
        let block = start..<end(stoppingAt: [])
        let flow = start..<end(stoppingAt: [",", "]", "}"])
        return block == flow ? [block] : [block, flow]
    }

    /// The value of `text` parsed as a YAML document on its own, when it is one scalar.
    private static func parsedValue(of text: String) -> String? {
        guard let node = try? YAMLAliasExpansion.compose(text), case .scalar(let scalar) = node else { return nil }
        return scalar.string
    }
}
