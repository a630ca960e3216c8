import CNcurses

/// What the terminal reported.
enum InputEvent: Sendable, Hashable {
    case key(KeyEvent)
    case resize
}

/// Reads every pending key with `wget_wch` (non-blocking) and normalises it (tui.md P12, P13).
enum NcursesInput {
    static func drain(_ window: UnsafeMutablePointer<WINDOW>) -> [InputEvent] {
        var events: [InputEvent] = []
        while events.count < 512 {
            var code: wint_t = 0
            let result = wget_wch(window, &code)
            if result == ERR { break }
            if result == KEY_CODE_YES {
                if Int32(code) == KEY_RESIZE {
                    // ncurses queues one per SIGWINCH (and resizeterm adds another): keep one.
                    if events.last != .resize { events.append(.resize) }
                } else {
                    events.append(.key(functionKey(Int32(code))))
                }
                continue
            }
            if code == 27 {
                // Esc then a character within ESCDELAY is Alt+character.
                var next: wint_t = 0
                if wget_wch(window, &next) == OK, let scalar = Unicode.Scalar(next), next >= 32 {
                    events.append(.key(.alt(Character(scalar))))
                } else {
                    events.append(.key(.escape))
                }
                continue
            }
            events.append(.key(character(code)))
        }
        return events
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
