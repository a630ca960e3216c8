/// Where frames go: the terminal, or memory in tests.
public protocol TerminalBackend: AnyObject {
    /// The screen size in cells.
    var size: Size { get }
    /// Shows `grid`, writing only what changed since the last frame.
    func present(_ grid: CellGrid)
    /// Makes the next `present` repaint every cell (after a resize, Ctrl+L or a resume).
    func invalidate()
}

/// A backend for tests: keeps the last frame and counts what was written.
public final class MemoryBackend: TerminalBackend {
    public var size: Size
    public private(set) var lastGrid: CellGrid?
    public private(set) var presentCount = 0
    /// Cells written by the last `present` (all of them after `invalidate`).
    public private(set) var lastChangeCount = 0
    private var previous: CellGrid?

    public init(size: Size) { self.size = size }

    public func present(_ grid: CellGrid) {
        lastChangeCount = grid.changes(since: previous).count
        previous = grid
        lastGrid = grid
        presentCount += 1
    }

    public func invalidate() { previous = nil }
}
