import CNcurses

/// What the terminal reported.
enum InputEvent: Sendable, Hashable {
    case key(KeyEvent)
    case resize
    /// Text pasted in a terminal that brackets pastes (`ESC[200~ … ESC[201~`, enabled by
    /// ``TerminalSession``): its characters are text, never commands.
    case paste(String)
}

/// Reads every pending key with `wget_wch` (non-blocking) and normalises it (tui.md P12, P13).
/// A bracketed paste may arrive over several reads: what has come so far is kept until its end.
struct NcursesInput {
    /// The text of a paste whose end has not arrived yet.
    private var pasting: String.UnicodeScalarView?
    /// The last character of the paste was a CR: an LF right after it ends the same line.
    private var pastedCR = false
    /// A paste that never ends (a terminal that lost the end marker) is given up here.
    static let longestPaste = 1 << 20

    static let pasteStart = Array("[200~".unicodeScalars)
    static let pasteEnd = Array("[201~".unicodeScalars)

    mutating func drain(_ window: UnsafeMutablePointer<WINDOW>) -> [InputEvent] {
        var events: [InputEvent] = []
        while events.count < 512 {
            var code: wint_t = 0
            let result = wget_wch(window, &code)
            if result == ERR { break }
            if result == KEY_CODE_YES {
                // Keys inside a paste (rare escape sequences ncurses took for keys) are dropped.
                guard pasting == nil else { continue }
                if Int32(code) == KEY_RESIZE {
                    // ncurses queues one per SIGWINCH (and resizeterm adds another): keep one.
                    if events.last != .resize { events.append(.resize) }
                } else {
                    events.append(.key(Self.functionKey(Int32(code))))
                }
                continue
            }
            if var text = pasting {
                if code == 27 {
                    let after = Self.read(Self.pasteEnd.count, from: window)
                    if after == Self.pasteEnd {
                        events.append(.paste(String(text)))
                        pasting = nil
                        continue
                    }
                    text.append("\u{1B}")
                    text.append(contentsOf: after)
                } else if code == 13 || code == 10 {
                    // CR, LF and CRLF all end a line (the terminal sends CR for Enter, pasted files have LF).
                    if !(code == 10 && pastedCR) { text.append("\n") }
                } else if let scalar = Unicode.Scalar(code) {
                    text.append(scalar)
                }
                pastedCR = code == 13
                if text.count >= Self.longestPaste {
                    events.append(.paste(String(text)))
                    pasting = nil
                } else {
                    pasting = text
                }
                continue
            }
            if code == 27 {
                // Esc then a character within ESCDELAY is Alt+character; Esc [200~ starts a paste.
                var next: wint_t = 0
                guard wget_wch(window, &next) == OK, let scalar = Unicode.Scalar(next), next >= 32 else {
                    events.append(.key(.escape))
                    continue
                }
                guard scalar == "[" else {
                    events.append(.key(.alt(Character(scalar))))
                    continue
                }
                let rest = Self.read(Self.pasteStart.count - 1, from: window)
                if [scalar] + rest == Self.pasteStart {
                    pasting = String.UnicodeScalarView()
                } else {
                    events.append(.key(.alt("[")))
                    events += rest.map { .key(Self.character(wint_t($0.value))) }
                }
                continue
            }
            events.append(.key(Self.character(code)))
        }
        return events
    }

    /// Up to `count` characters that are already waiting.
    private static func read(_ count: Int, from window: UnsafeMutablePointer<WINDOW>) -> [Unicode.Scalar] {
        var scalars: [Unicode.Scalar] = []
        while scalars.count < count {
            var code: wint_t = 0
            guard wget_wch(window, &code) == OK, let scalar = Unicode.Scalar(code) else { break }
            scalars.append(scalar)
        }
        return scalars
    }

    static func character(_ code: wint_t) -> KeyEvent {
        switch code {
        case 9: return .tab
        case 10, 13: return .enter
        case 8, 127: return .backspace
        case 1...26:
            guard let scalar = Unicode.Scalar(code + 96) else { return .unknown(Int32(code)) }
            return .ctrl(Character(scalar))
        default:
            guard let scalar = Unicode.Scalar(code), code >= 32 else { return .unknown(Int32(bitPattern: code)) }
            return .char(Character(scalar))
        }
    }

    static func functionKey(_ code: Int32) -> KeyEvent {
        switch code {
        case KEY_UP: return .up
        case KEY_DOWN: return .down
        case KEY_LEFT: return .left
        case KEY_RIGHT: return .right
        case KEY_HOME: return .home
        case KEY_END: return .end
        case KEY_PPAGE: return .pageUp
        case KEY_NPAGE: return .pageDown
        case KEY_BTAB: return .backTab
        case KEY_BACKSPACE: return .backspace
        case KEY_DC: return .delete
        case KEY_ENTER: return .enter
        case cn_KEY_F(1)...cn_KEY_F(24): return .function(Int(code - cn_KEY_F(0)))
        default: return .unknown(code)
        }
    }
}
