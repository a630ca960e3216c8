/// A key press, normalised from whatever the terminal sent.
public enum KeyEvent: Sendable, Hashable, CustomStringConvertible {
    case char(Character)
    /// Ctrl plus a letter, lower-cased: `.ctrl("c")`.
    case ctrl(Character)
    /// Esc followed quickly by a character.
    case alt(Character)
    case enter, escape, tab, backTab, backspace, delete
    case up, down, left, right, home, end, pageUp, pageDown
    case function(Int)
    /// A key code the studio has no name for.
    case unknown(Int32)

    /// The name shown in hints and help, and written to the event log.
    public var description: String { displayName(ascii: false) }

    public func displayName(ascii: Bool) -> String {
        switch self {
        case .char(" "): "Space"
        case .char(let c): String(c)
        case .ctrl(let c): "Ctrl+\(c.uppercased())"
        case .alt(let c): "Alt+\(c)"
        case .enter: ascii ? "Enter" : "⏎"
        case .escape: "Esc"
        case .tab: "Tab"
        case .backTab: "Shift+Tab"
        case .backspace: "Backspace"
        case .delete: "Del"
        case .up: ascii ? "Up" : "↑"
        case .down: ascii ? "Down" : "↓"
        case .left: ascii ? "Left" : "←"
        case .right: ascii ? "Right" : "→"
        case .home: "Home"
        case .end: "End"
        case .pageUp: "PgUp"
        case .pageDown: "PgDn"
        case .function(let n): "F\(n)"
        case .unknown(let code): "key(\(code))"
        }
    }
}
