/// Finds merge-parameter segments (`{{…}}`, and `{{{…}}}` for unescaped output) in template text.
///
/// An opening `{{` without a closing `}}` is not a segment: it stays ordinary text.
enum TemplateSegments {
    /// Where the segment that starts at `index` ends (just past its closing braces); nil when
    /// no segment starts there.
    static func end(ofSegmentAt index: String.Index, in text: Substring) -> String.Index? {
        let rest = text[index...]
        guard rest.hasPrefix("{{") else { return nil }
        let closing = rest.hasPrefix("{{{") ? "}}}" : "}}"
        let bodyStart = rest.index(rest.startIndex, offsetBy: closing.count)
        return rest[bodyStart...].firstRange(of: closing)?.upperBound
    }

    /// `text` with every segment removed: `Bearer {{secret.x}}` gives `Bearer `.
    static func removingSegments(from text: String) -> String {
        let text = Substring(text)
        var result = ""
        var index = text.startIndex
        while index < text.endIndex {
            if let end = end(ofSegmentAt: index, in: text) {
                index = end
            } else {
                result.append(text[index])
                index = text.index(after: index)
            }
        }
        return result
    }
}
