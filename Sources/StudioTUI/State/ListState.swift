/// Selection and scroll position of a list: the selected row and the first visible row.
public struct ListState: Sendable, Hashable {
    public var selected: Int
    public var offset: Int

    public init(selected: Int = 0, offset: Int = 0) {
        self.selected = selected
        self.offset = offset
    }

    /// Moves the selection by `delta` within `count` rows and scrolls it into a viewport of
    /// `height` rows.
    public mutating func move(by delta: Int, count: Int, height: Int) {
        guard count > 0 else {
            self = ListState()
            return
        }
        selected = min(max(0, selected + delta), count - 1)
        normalize(count: count, height: height)
    }

    /// Clamps the selection and keeps it visible.
    public mutating func normalize(count: Int, height: Int) {
        guard count > 0 else {
            self = ListState()
            return
        }
        selected = min(max(0, selected), count - 1)
        let height = max(1, height)
        if selected < offset { offset = selected }
        if selected >= offset + height { offset = selected - height + 1 }
        offset = min(max(0, offset), max(0, count - height))
    }
}
