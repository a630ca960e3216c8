/// The characters a frame and its decorations are drawn with: Unicode box drawing, or plain
/// ASCII for `--ascii` and terminals without a UTF-8 locale.
public struct Glyphs: Sendable, Hashable {
    public var border: BorderSet
    /// `└▶ ` before a node that follows another.
    public var treeLast: String
    /// `├ ` and `└ ` before a named branch.
    public var branchMiddle: String
    public var branchLast: String
    /// `│  ` continuing a branch guide.
    public var treeGuide: String
    public var arrow: String
    public var bullet: String
    public var hollowBullet: String
    public var ellipsis: String
    public var selectedMarker: String
    public var dot: String
    /// Before a check that passed, and one that failed.
    public var check: String
    public var cross: String

    public static let unicode = Glyphs(
        border: .unicode, treeLast: "└▶ ", branchMiddle: "├ ", branchLast: "└ ", treeGuide: "│  ",
        arrow: "▶", bullet: "●", hollowBullet: "○", ellipsis: "…", selectedMarker: "▶", dot: "·", check: "✓", cross: "✗")

    public static let ascii = Glyphs(
        border: .ascii, treeLast: "`-> ", branchMiddle: "|- ", branchLast: "`- ", treeGuide: "|  ",
        arrow: ">", bullet: "*", hollowBullet: "o", ellipsis: "...", selectedMarker: ">", dot: "-", check: "ok:", cross: "error:")
}

/// Box-drawing characters for frames.
public struct BorderSet: Sendable, Hashable {
    public var horizontal: String
    public var vertical: String
    public var topLeft: String
    public var topRight: String
    public var bottomLeft: String
    public var bottomRight: String
    public var teeLeft: String
    public var teeRight: String
    public var teeDown: String
    public var teeUp: String

    public static let unicode = BorderSet(
        horizontal: "─", vertical: "│", topLeft: "┌", topRight: "┐", bottomLeft: "└", bottomRight: "┘",
        teeLeft: "├", teeRight: "┤", teeDown: "┬", teeUp: "┴")

    public static let ascii = BorderSet(
        horizontal: "-", vertical: "|", topLeft: "+", topRight: "+", bottomLeft: "+", bottomRight: "+",
        teeLeft: "+", teeRight: "+", teeDown: "+", teeUp: "+")
}
