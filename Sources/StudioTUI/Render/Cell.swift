import StudioModel

/// One terminal cell: a grapheme, its display width and the theme token it is drawn with.
///
/// A wide grapheme occupies two cells: the first has `width == 2`, the second is a continuation
/// cell with `width == 0` and an empty grapheme.
public struct Cell: Sendable, Hashable {
    public var grapheme: String
    /// 1 or 2 for a visible cell, 0 for the right half of a wide cell.
    public var width: UInt8
    public var token: ThemeToken

    public init(grapheme: String, width: UInt8 = 1, token: ThemeToken = .foreground) {
        self.grapheme = grapheme
        self.width = width
        self.token = token
    }

    public static let blank = Cell(grapheme: " ")

    public var isContinuation: Bool { width == 0 }
}
