import StudioModel

/// A run of text drawn with one token.
public struct Segment: Sendable, Hashable {
    public var text: String
    public var token: ThemeToken
    public init(_ text: String, _ token: ThemeToken) {
        self.text = text
        self.token = token
    }
}

extension CellGrid {
    /// Draws segments left to right from `at`, stopping at `maxWidth` columns; the last segment
    /// that does not fit is cut with an ellipsis. Returns the columns used.
    @discardableResult
    mutating func put(_ segments: [Segment], at point: Point, maxWidth: Int, ellipsis: String) -> Int {
        var used = 0
        // Measured as drawn: in ASCII mode `⏎` takes five columns.
        let texts = segments.map { displayed($0.text) }
        let total = texts.reduce(0) { $0 + DisplayWidth.width(of: $1) }
        for (segment, shown) in zip(segments, texts) {
            let room = maxWidth - used
            guard room > 0 else { break }
            let text = total > maxWidth ? DisplayWidth.truncate(shown, to: room, ellipsis: displayed(ellipsis)) : shown
            used += put(text, at: Point(x: point.x + used, y: point.y), token: segment.token, maxWidth: room)
        }
        return used
    }
}
