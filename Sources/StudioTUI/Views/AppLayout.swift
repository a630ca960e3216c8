/// Where each part of a screen goes for a terminal size; shared by the views and the reducer
/// (which needs page heights).
///
/// ```
/// row 0            ┌ header ───────────────────────────┐
/// row 1            │ 1 Workflows  2 Webhooks  …        │   tabs
/// row 2            ├ Workflows ─────┬ <workflow> ──────┤
/// rows 3..         │ list           │ details          │   panes
///                  ├ Traffic ───────┴──────────────────┤
///                  │ traffic rows                      │
///                  ├───────────────────────────────────┤
/// row h-2          │ hint bar                          │
/// row h-1          └───────────────────────────────────┘
/// ```
/// The Traffic screen gives the traffic every row between the tabs and the hint bar.
public struct AppLayout: Sendable, Hashable {
    public static let minimumSize = Size(width: 80, height: 24)

    public var size: Size
    public var screen: Screen
    public var tabsY: Int
    /// Column of the vertical line between the list and the details.
    public var splitX: Int
    public var paneSeparatorY: Int
    /// Inner rectangles (inside the frame lines); `list` and `details` are empty on the Traffic screen.
    public var list: Rect
    public var details: Rect
    /// The line above the traffic: its title. On the Traffic screen, the pane separator.
    public var trafficSeparatorY: Int
    public var traffic: Rect
    public var hintSeparatorY: Int
    public var hint: Rect

    public var isTooSmall: Bool {
        size.width < Self.minimumSize.width || size.height < Self.minimumSize.height
    }

    public static func compute(size: Size, screen: Screen = .workflows) -> AppLayout {
        let width = max(size.width, minimumSize.width)
        let height = max(size.height, minimumSize.height)
        let hintSeparatorY = height - 3
        // Addresses are long: the Users screen gives its list more room.
        let leftWidth = screen == .users ? min(44, max(32, width * 2 / 5)) : min(32, max(20, width / 4))
        let splitX = leftWidth + 1
        let paneSeparatorY = 2
        let hint = Rect(x: 1, y: height - 2, width: width - 2, height: 1)
        guard screen.hasListAndDetails else {
            return AppLayout(
                size: size, screen: screen, tabsY: 1, splitX: splitX, paneSeparatorY: paneSeparatorY,
                list: Rect(x: 1, y: 3, width: 0, height: 0), details: Rect(x: splitX + 1, y: 3, width: 0, height: 0),
                trafficSeparatorY: paneSeparatorY,
                traffic: Rect(x: 1, y: paneSeparatorY + 1, width: width - 2, height: hintSeparatorY - paneSeparatorY - 1),
                hintSeparatorY: hintSeparatorY, hint: hint)
        }
        let available = height - 7
        let trafficRows = max(3, available * 2 / 5)
        let paneRows = available - trafficRows
        return AppLayout(
            size: size,
            screen: screen,
            tabsY: 1,
            splitX: splitX,
            paneSeparatorY: paneSeparatorY,
            list: Rect(x: 1, y: 3, width: leftWidth, height: paneRows),
            details: Rect(x: splitX + 1, y: 3, width: width - splitX - 2, height: paneRows),
            trafficSeparatorY: 3 + paneRows,
            traffic: Rect(x: 1, y: 4 + paneRows, width: width - 2, height: trafficRows),
            hintSeparatorY: hintSeparatorY,
            hint: hint
        )
    }

    /// The layout of the screen `state` shows.
    public static func compute(_ state: AppState) -> AppLayout {
        compute(size: state.size, screen: state.screen)
    }

    /// Rows visible in a pane.
    public func height(of pane: Pane) -> Int {
        switch pane {
        case .workflows, .webhooks, .systemWebhooks, .users: list.height
        case .workflow, .webhook, .systemWebhook, .user: details.height
        case .traffic: traffic.height
        }
    }
}
