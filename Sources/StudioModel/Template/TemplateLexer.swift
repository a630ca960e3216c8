/// Splits template source into literal text and tags, then applies standalone-line and `~` whitespace rules.
///
/// Offsets are UTF-8 byte offsets into the source; text tokens are always verbatim source ranges.
///
/// - note: `{{x}}}` is the tag `{{x}}` and a literal `}`, as Mustache reads it, where handlebars.js refuses it:
///   JSON bodies end that way (`{"a":{"b":{{n}}}}`).
struct TemplateLexer {
    enum Kind: Equatable {
        case text
        case comment
        /// `{{x}}` (raw false) or `{{{x}}}` / `{{& x}}` (raw true).
        case value(raw: Bool)
        /// `{{#x}}` (inverted false) or `{{^x}}` (inverted true).
        case open(inverted: Bool)
        case close
        /// `{{else}}`, `{{else if x}}` or `{{^}}`.
        case elseTag
        case partial
    }

    struct Token {
        var kind: Kind
        /// The token's range; for text this shrinks as whitespace rules apply.
        var start: Int
        var end: Int
        /// The expression inside the tag (after sigils and `~`).
        var contentStart: Int = 0
        var contentEnd: Int = 0
        var stripBefore = false
        var stripAfter = false

        var isStandaloneCandidate: Bool {
            switch kind {
            case .comment, .open, .close, .elseTag, .partial: true
            default: false
            }
        }
    }

    let source: String
    let bytes: [UInt8]

    init(source: String) {
        self.source = source
        self.bytes = Array(source.utf8)
    }

    func tokenize() throws(TemplateError) -> [Token] {
        var tokens = try scan()
        applyStandalone(&tokens)
        applyStrip(&tokens)
        return tokens
    }

    // MARK: - Scanning

    private func byte(_ index: Int) -> UInt8 { index < bytes.count ? bytes[index] : 0 }

    private func scan() throws(TemplateError) -> [Token] {
        var tokens: [Token] = []
        var textStart = 0
        var index = 0
        let brace = UInt8(ascii: "{")
        while index + 1 < bytes.count {
            guard bytes[index] == brace, bytes[index + 1] == brace else {
                index += 1
                continue
            }
            // `\{{` is a literal `{{`; `\\{{` is a literal backslash followed by a real tag.
            if index > 0, bytes[index - 1] == UInt8(ascii: "\\") {
                if index > 1, bytes[index - 2] == UInt8(ascii: "\\") {
                    appendText(&tokens, textStart, index - 1)
                } else {
                    appendText(&tokens, textStart, index - 1)
                    textStart = index
                    index += 2
                    continue
                }
            } else {
                appendText(&tokens, textStart, index)
            }
            let tag = try scanTag(at: index)
            tokens.append(tag)
            index = tag.end
            textStart = index
        }
        appendText(&tokens, textStart, bytes.count)
        return tokens
    }

    private func appendText(_ tokens: inout [Token], _ start: Int, _ end: Int) {
        if end > start { tokens.append(Token(kind: .text, start: start, end: end)) }
    }

    private func scanTag(at start: Int) throws(TemplateError) -> Token {
        var index = start + 2
        var isTriple = false
        if byte(index) == UInt8(ascii: "{") {
            isTriple = true
            index += 1
        }
        var token = Token(kind: .value(raw: isTriple), start: start, end: start)
        if byte(index) == UInt8(ascii: "~") {
            token.stripBefore = true
            index += 1
            // `{{~{x}~}}`: Handlebars' spelling of a raw tag that strips whitespace on both sides.
            if !isTriple, byte(index) == UInt8(ascii: "{") {
                isTriple = true
                token.kind = .value(raw: true)
                index += 1
            }
        }
        try rejectUnsupported(at: index, tagStart: start, isTriple: isTriple)
        if !isTriple {
            switch byte(index) {
            case UInt8(ascii: "!"):
                return try scanComment(token, from: index + 1)
            case UInt8(ascii: "#"):
                token.kind = .open(inverted: false)
                index += 1
            case UInt8(ascii: "^"):
                token.kind = .open(inverted: true)
                index += 1
            case UInt8(ascii: "/"):
                token.kind = .close
                index += 1
            case UInt8(ascii: "&"):
                token.kind = .value(raw: true)
                index += 1
            case UInt8(ascii: ">"):
                token.kind = .partial
                index += 1
            default: break
            }
        }
        token.contentStart = index
        // Find the closer, skipping string literals and `[…]` segments that may contain braces.
        let closer = isTriple ? 3 : 2
        while index < bytes.count {
            let current = bytes[index]
            if current == UInt8(ascii: "\"") || current == UInt8(ascii: "'") {
                index += 1
                while index < bytes.count, bytes[index] != current {
                    if bytes[index] == UInt8(ascii: "\\") { index += 1 }
                    index += 1
                }
                index += 1
                continue
            }
            if current == UInt8(ascii: "[") {
                while index < bytes.count, bytes[index] != UInt8(ascii: "]"), bytes[index] != UInt8(ascii: "}") {
                    index += 1
                }
                if byte(index) == UInt8(ascii: "]") { index += 1 }
                continue
            }
            if isTriple, current == UInt8(ascii: "}"), byte(index + 1) == UInt8(ascii: "~"), isCloser(at: index + 2, count: 2) {
                // `}~}}` closes `{{~{x` (and `{{{x`), stripping whitespace after the tag.
                token.stripAfter = true
                token.contentEnd = index
                token.end = index + 4
                return token
            }
            if current == UInt8(ascii: "}"), isCloser(at: index, count: closer) {
                var contentEnd = index
                if contentEnd > token.contentStart, bytes[contentEnd - 1] == UInt8(ascii: "~") {
                    token.stripAfter = true
                    contentEnd -= 1
                }
                token.contentEnd = contentEnd
                token.end = index + closer
                classifyElse(&token)
                return token
            }
            index += 1
        }
        let expected = isTriple ? "}}}" : "}}"
        throw TemplateError.at(start, in: source, "unclosed tag '\(isTriple ? "{{{" : "{{")'; expected '\(expected)'")
    }

    /// Handlebars and Mustache syntax outside our subset, named so that it is never read as a field:
    /// `{{{{raw}}}}` would otherwise render as `}` plus the block's text, `{{* x}}` as the field `*`.
    private func rejectUnsupported(at index: Int, tagStart: Int, isTriple: Bool) throws(TemplateError) {
        let message: String
        switch (byte(index), byte(index + 1)) {
        case (UInt8(ascii: "{"), _) where isTriple:
            message = #"raw blocks ({{{{name}}}}…{{{{/name}}}}) are not supported; write \{{ for a literal '{{'"#
        case (UInt8(ascii: "="), _) where !isTriple:
            message = "set-delimiter tags ({{=<% %>=}}) are not supported"
        case (UInt8(ascii: "*"), _) where !isTriple:
            message = "decorators ({{* name}}) are not supported"
        case (UInt8(ascii: "#"), UInt8(ascii: "*")) where !isTriple:
            message = "inline partials and decorator blocks ({{#*inline …}}) are not supported"
        case (UInt8(ascii: "#"), UInt8(ascii: ">")) where !isTriple:
            message = "partial blocks ({{#> name}}) are not supported"
        default:
            return
        }
        throw TemplateError.at(tagStart, in: source, message)
    }

    private func isCloser(at index: Int, count: Int) -> Bool {
        guard index + count <= bytes.count else { return false }
        for offset in 0..<count where bytes[index + offset] != UInt8(ascii: "}") { return false }
        return true
    }

    /// `{{else}}`, `{{else if x}}` and `{{^}}` are else tags, not values or inverted sections.
    private func classifyElse(_ token: inout Token) {
        let content = trimmedContent(token)
        if case .open(inverted: true) = token.kind, content.start == content.end {
            token.kind = .elseTag
            return
        }
        guard case .value(raw: false) = token.kind else { return }
        let word = Array("else".utf8)
        let length = content.end - content.start
        guard length >= 4, Array(bytes[content.start..<content.start + 4]) == word else { return }
        if length == 4 || isSpace(bytes[content.start + 4]) {
            token.kind = .elseTag
            token.contentStart = content.start + 4
        }
    }

    private func scanComment(_ start: Token, from index: Int) throws(TemplateError) -> Token {
        var token = start
        token.kind = .comment
        let isLong = matches("--", at: index)
        var scanIndex = isLong ? index + 2 : index
        while scanIndex < bytes.count {
            if isLong {
                if matches("--}}", at: scanIndex) {
                    token.end = scanIndex + 4
                    return token
                }
                if matches("--~}}", at: scanIndex) {
                    token.stripAfter = true
                    token.end = scanIndex + 5
                    return token
                }
            } else if matches("}}", at: scanIndex) {
                if scanIndex > index, bytes[scanIndex - 1] == UInt8(ascii: "~") { token.stripAfter = true }
                token.end = scanIndex + 2
                return token
            }
            scanIndex += 1
        }
        throw TemplateError.at(start.start, in: source, "unclosed comment; expected '\(isLong ? "--}}" : "}}")'")
    }

    private func matches(_ text: StaticString, at index: Int) -> Bool {
        let count = text.utf8CodeUnitCount
        guard index + count <= bytes.count else { return false }
        return text.withUTF8Buffer { buffer in
            for offset in 0..<count where bytes[index + offset] != buffer[offset] { return false }
            return true
        }
    }

    func trimmedContent(_ token: Token) -> (start: Int, end: Int) {
        var start = token.contentStart
        var end = token.contentEnd
        while start < end, isSpace(bytes[start]) { start += 1 }
        while end > start, isSpace(bytes[end - 1]) { end -= 1 }
        return (start, end)
    }

    private func isSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D
    }

    // MARK: - Whitespace rules

    /// Mustache standalone lines: a line holding only a block tag, else or comment is removed with its newline.
    private func applyStandalone(_ tokens: inout [Token]) {
        let original = tokens
        let chainBranchEnds = chainedCloses(original)
        for index in original.indices where original[index].isStandaloneCandidate {
            // Line start: template start, or the previous text ends with newline + blanks.
            let previousOK: Bool
            var previousTrim: Int?
            if let branchEnd = chainBranchEnds[index] {
                // handlebars.js decides whether the closer of an `{{else if …}}` chain stands alone from the
                // end of the chain's first branch, and then strips only after the closer: the blanks before
                // it stay (its whitespace control never reaches into the nested block the chain parses to).
                previousOK = branchEnd > 0 && original[branchEnd - 1].kind == .text
                    && endsWithNewlineAndSpace(original[branchEnd - 1])
            } else if index == 0 {
                previousOK = true
            } else if original[index - 1].kind == .text {
                let text = original[index - 1]
                var cursor = text.end
                while cursor > text.start, bytes[cursor - 1] == 0x20 || bytes[cursor - 1] == 0x09 { cursor -= 1 }
                if cursor > text.start {
                    previousOK = bytes[cursor - 1] == 0x0A
                } else {
                    previousOK = index - 1 == 0
                }
                previousTrim = cursor
            } else {
                previousOK = false
            }
            guard previousOK else { continue }
            // Line end: template end, or the next text starts with blanks + newline.
            let nextOK: Bool
            var nextTrim: Int?
            if index == original.count - 1 {
                nextOK = true
            } else if original[index + 1].kind == .text {
                let text = original[index + 1]
                var cursor = text.start
                while cursor < text.end, bytes[cursor] == 0x20 || bytes[cursor] == 0x09 { cursor += 1 }
                if cursor < text.end, bytes[cursor] == 0x0A {
                    nextOK = true
                    nextTrim = cursor + 1
                } else if cursor + 1 < text.end, bytes[cursor] == 0x0D, bytes[cursor + 1] == 0x0A {
                    nextOK = true
                    nextTrim = cursor + 2
                } else {
                    nextOK = cursor == text.end && index + 1 == original.count - 1
                    nextTrim = cursor
                }
            } else {
                nextOK = false
            }
            guard nextOK else { continue }
            if let previousTrim { tokens[index - 1].end = min(tokens[index - 1].end, previousTrim) }
            if let nextTrim { tokens[index + 1].start = max(tokens[index + 1].start, nextTrim) }
        }
    }

    /// For the closer of each block whose `{{else}}` part is an `{{else if …}}` chain: the index of the tag
    /// that ends the chain's first branch (the chain's next else tag, or the closer itself).
    private func chainedCloses(_ tokens: [Token]) -> [Int: Int] {
        struct OpenBlock {
            var sawElse = false
            var chainElse: Int?
            var firstBranchEnd: Int?
        }
        var open: [OpenBlock] = []
        var ends: [Int: Int] = [:]
        for index in tokens.indices {
            switch tokens[index].kind {
            case .open: open.append(OpenBlock())
            case .elseTag:
                guard var block = open.popLast() else { continue }
                if !block.sawElse {
                    let content = trimmedContent(tokens[index])
                    if content.end > content.start { block.chainElse = index }
                } else if block.chainElse != nil, block.firstBranchEnd == nil {
                    block.firstBranchEnd = index
                }
                block.sawElse = true
                open.append(block)
            case .close:
                guard let block = open.popLast() else { continue }
                if block.chainElse != nil { ends[index] = block.firstBranchEnd ?? index }
            default: continue
            }
        }
        return ends
    }

    /// Whether a text ends with a line break followed only by whitespace (handlebars.js `/\r?\n\s*?$/`).
    private func endsWithNewlineAndSpace(_ text: Token) -> Bool {
        var end = text.end
        while true {
            let length = whitespaceLength(endingAt: end, notBefore: text.start)
            if length == 0 { return false }
            if length == 1, bytes[end - 1] == 0x0A { return true }
            end -= length
        }
    }

    /// `{{~` strips whitespace before the tag and `~}}` after it: JavaScript's `\s`, as handlebars.js strips,
    /// so a no-break space or a form feed goes too.
    private func applyStrip(_ tokens: inout [Token]) {
        for index in tokens.indices where tokens[index].kind != .text {
            if tokens[index].stripBefore, index > 0, tokens[index - 1].kind == .text {
                let text = tokens[index - 1]
                var end = text.end
                while true {
                    let length = whitespaceLength(endingAt: end, notBefore: text.start)
                    if length == 0 { break }
                    end -= length
                }
                tokens[index - 1].end = end
            }
            if tokens[index].stripAfter, index + 1 < tokens.count, tokens[index + 1].kind == .text {
                let text = tokens[index + 1]
                var start = text.start
                while true {
                    let length = whitespaceLength(startingAt: start, before: text.end)
                    if length == 0 { break }
                    start += length
                }
                tokens[index + 1].start = start
            }
        }
    }

    /// The UTF-8 length of the JavaScript whitespace character (`\s`) at `start`, or 0.
    private func whitespaceLength(startingAt start: Int, before end: Int) -> Int {
        for length in 1...3 where start + length <= end && isJavaScriptSpace(at: start, length: length) {
            return length
        }
        return 0
    }

    /// The UTF-8 length of the JavaScript whitespace character (`\s`) that ends at `end`, or 0.
    private func whitespaceLength(endingAt end: Int, notBefore start: Int) -> Int {
        for length in 1...3 where end - length >= start && isJavaScriptSpace(at: end - length, length: length) {
            return length
        }
        return 0
    }

    /// `\s` in JavaScript: ASCII tab to carriage return and space, U+00A0, U+1680, U+2000–U+200A,
    /// U+2028, U+2029, U+202F, U+205F, U+3000 and U+FEFF.
    private func isJavaScriptSpace(at start: Int, length: Int) -> Bool {
        let first = bytes[start]
        switch length {
        case 1: return (0x09...0x0D).contains(first) || first == 0x20
        case 2: return first == 0xC2 && bytes[start + 1] == 0xA0
        case 3:
            switch (first, bytes[start + 1], bytes[start + 2]) {
            case (0xE1, 0x9A, 0x80), (0xE2, 0x80, 0xA8), (0xE2, 0x80, 0xA9), (0xE2, 0x80, 0xAF), (0xE2, 0x81, 0x9F),
                (0xE3, 0x80, 0x80), (0xEF, 0xBB, 0xBF):
                return true
            case (0xE2, 0x80, let last): return (0x80...0x8A).contains(last)
            default: return false
            }
        default: return false
        }
    }
}
