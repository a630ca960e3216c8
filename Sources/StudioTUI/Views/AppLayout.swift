/// Where each part of the main screen goes for a terminal size; shared by the views and the
/// reducer (which needs page heights).
///
/// ```
/// row 0            ┌ header ───────────────────────────┐
/// row 1            ├ Workflows ─────┬ <workflow> ──────┤
/// rows 2..         │ list           │ tree             │   panes
///                  ├ Traffic ───────┴──────────────────┤
///                  │ traffic rows                      │
///                  ├───────────────────────────────────┤
/// row h-2          │ hint bar                          │
/// row h-1          └───────────────────────────────────┘
/// ```
public struct AppLayout: Sendable, Hashable {
    public static let minimumSize = Size(width: 80, height: 24)

    public var size: Size
    /// Column of the vertical line between the two upper panes.
    public var splitX: Int
    public var paneSeparatorY: Int
    /// Inner rectangles (inside the frame lines).
    public var workflows: Rect
    public var workflow: Rect
    public var trafficSeparatorY: Int
    public var traffic: Rect
    public var hintSeparatorY: Int
    public var hint: Rect

    public var isTooSmall: Bool {
        size.width < Self.minimumSize.width || size.height < Self.minimumSize.height
    }

    public static func compute(size: Size) -> AppLayout {
        let width = max(size.width, minimumSize.width)
        let height = max(size.height, minimumSize.height)
        let available = height - 6
        let trafficRows = max(3, available * 2 / 5)
        let paneRows = available - trafficRows
        let leftWidth = min(32, max(20, width / 4))
        let splitX = leftWidth + 1
        return AppLayout(
            size: size,
            splitX: splitX,
            paneSeparatorY: 1,
            workflows: Rect(x: 1, y: 2, width: leftWidth, height: paneRows),
            workflow: Rect(x: splitX + 1, y: 2, width: width - splitX - 2, height: paneRows),
            trafficSeparatorY: 2 + paneRows,
            traffic: Rect(x: 1, y: 3 + paneRows, width: width - 2, height: trafficRows),
            hintSeparatorY: 3 + paneRows + trafficRows,
            hint: Rect(x: 1, y: height - 2, width: width - 2, height: 1)
        )
    }

    /// Rows visible in a pane.
    public func height(of pane: Pane) -> Int {
        switch pane {
        case .workflows: workflows.height
        case .workflow: workflow.height
        case .traffic: traffic.height
        }
    }
}
