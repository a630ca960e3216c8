import CNcurses
import Glibc

/// What the terminal reported.
enum InputEvent: Sendable, Hashable {
    case key(KeyEvent)
    case resize
    /// Text pasted in a terminal that brackets pastes (`ESC[200~ … ESC[201~`, enabled by
    /// ``TerminalSession``): its characters are text, never commands.
    case paste(String)
}

/// Reads every pending key with `wget_wch` (non-blocking) and normalises it (tui.md P12, P13).
/// A bracketed paste may arrive over several reads: what has come so far, and how much of its
/// end marker, are kept until the marker is complete.
struct NcursesInput {
    /// A paste whose end marker has not come yet.
    private struct Paste {
        var text: [Unicode.Scalar] = []
        /// How many characters of ``NcursesInput/pasteEnd`` the last ones were.
        var endMatched = 0
        /// The last character kept was a CR: an LF right after it ends the same line.
        var afterCR = false
        var lastInput = ContinuousClock.now

        /// CR, LF and CRLF each end a line (a terminal sends CR for Enter, pasted files hold LF).
        mutating func keep(_ scalar: Unicode.Scalar) {
            defer { afterCR = scalar == "\r" }
            guard text.count < NcursesInput.longestPaste else { return }
            switch scalar {
            case "\r": text.append("\n")
            case "\n": if !afterCR { text.append("\n") }
            default: text.append(scalar)
            }
        }
    }

    private var paste: Paste?
    /// Characters kept of one paste; beyond this they are dropped until its end (never taken for keys).
    static let longestPaste = 1 << 20
    /// A paste whose end marker has not come after this long is taken as it is: a terminal
    /// that lost the marker must not swallow every later key.
    static let pasteIdleLimit = Duration.seconds(1)

    static let pasteEnd = Array("\u{1B}[201~".unicodeScalars)

    mutating func drain(_ window: UnsafeMutablePointer<WINDOW>) -> [InputEvent] {
        var events: [InputEvent] = []
        if let paste, ContinuousClock.now - paste.lastInput > Self.pasteIdleLimit {
            events.append(.paste(Self.text(of: paste)))
            self.paste = nil
        }
        // A terminal resized and then typed into sends SIGWINCH before the keys, but ncurses
        // learns of it only when the signal lands, maybe on another thread after the keys are read
        // (QA: a key right after growing back from "too small" was read at the old size and lost).
        var rows: Int32 = 0
        var columns: Int32 = 0
        if cn_terminal_size(STDOUT_FILENO, &rows, &columns) == 0, is_term_resized(rows, columns) {
            _ = resizeterm(rows, columns)
            events.append(.resize)
        }
        // A key read right after Esc that was no Alt+character: handled as the next key.
        var pending: (result: Int32, code: wint_t)?
        while events.count < 512 || pending != nil {
            var code: wint_t = 0
            let result: Int32
            if let (held, heldCode) = pending {
                (result, code, pending) = (held, heldCode, nil)
            } else {
                result = wget_wch(window, &code)
            }
            if result == ERR { break }
            if result == KEY_CODE_YES {
                if Int32(code) == KEY_RESIZE {
                    // ncurses queues one per SIGWINCH (and resizeterm adds another): keep one.
                    if events.last != .resize { events.append(.resize) }
                } else if paste == nil {
                    events.append(.key(Self.functionKey(Int32(code))))
                }
                // Other keys inside a paste (an escape sequence ncurses took for a key) are dropped.
                continue
            }
            guard let scalar = Unicode.Scalar(code) else { continue }
            if paste != nil {
                if let ended = take(scalar) { events.append(.paste(ended)) }
                continue
            }
            if code == 27 {
                // Esc then a character within ESCDELAY is Alt+character; Esc [ and Esc O start a
                // sequence ncurses did not decode, Esc [200~ a paste.
                var next: wint_t = 0
                let nextResult = wget_wch(window, &next)
                guard nextResult == OK, let second = Unicode.Scalar(next), next >= 32 else {
                    // Esc, then Esc, Enter, an arrow or a resize: both count.
                    events.append(.key(.escape))
                    if nextResult != ERR { pending = (nextResult, next) }
                    continue
                }
                guard second == "[" || second == "O" else {
                    events.append(.key(.alt(Character(second))))
                    continue
                }
                switch Self.readSequence(introducer: second, from: window) {
                case .pasteStart: paste = Paste()
                case .key(let key): events.append(.key(key))
                case .dropped: break
                case .alt: events.append(.key(.alt(Character(second))))
                }
                continue
            }
            events.append(.key(Self.character(code)))
        }
        return events
    }

    /// Adds one character to the paste; returns its text when it completes the end marker.
    /// The paste is changed where it is stored (never copied out and back): a copy per character
    /// made a large paste take minutes.
    private mutating func take(_ scalar: Unicode.Scalar) -> String? {
        guard let matched = paste?.endMatched else { return nil }
        paste?.lastInput = .now
        if scalar == Self.pasteEnd[matched] {
            paste?.endMatched = matched + 1
            guard matched + 1 == Self.pasteEnd.count, let ended = paste else { return nil }
            paste = nil
            return Self.text(of: ended)
        }
        // Not the marker after all: what looked like its start is text.
        paste?.endMatched = 0
        for character in Self.pasteEnd.prefix(matched) { paste?.keep(character) }
        if scalar == Self.pasteEnd[0] {
            paste?.endMatched = 1
        } else {
            paste?.keep(scalar)
        }
        return nil
    }

    private static func text(of paste: Paste) -> String {
        var view = String.UnicodeScalarView()
        view.append(contentsOf: paste.text)
        return String(view)
    }

    /// What an escape sequence ncurses did not decode (its terminfo does not list it) stands for.
    enum Sequence: Equatable {
        case pasteStart
        case key(KeyEvent)
        /// A whole sequence with no key the studio uses (a modified arrow, Insert, a focus
        /// report): read to its end and left out, so no part of it is typed.
        case dropped
        /// Esc and the introducer with nothing after them: Alt+[ or Alt+O.
        case alt
    }

    /// The longest sequence read; a longer one is taken as ended there.
    static let longestSequence = 32

    /// Reads the rest of a CSI (`ESC [` parameters 0x30–0x3F, intermediates 0x20–0x2F, a final
    /// byte 0x40–0x7E) or SS3 (`ESC O` and one byte) sequence from what is already waiting, so
    /// that a terminal whose keys are not in `$TERM`'s terminfo (End as `ESC[4~` in tmux with
    /// TERM=xterm-256color, Ctrl+→ as `ESC[1;5C` with TERM=screen) never types its tail (QA F2).
    private static func readSequence(introducer: Unicode.Scalar, from window: UnsafeMutablePointer<WINDOW>) -> Sequence {
        var body: [Unicode.Scalar] = []
        while body.count < longestSequence {
            var code: wint_t = 0
            guard wget_wch(window, &code) == OK, let scalar = Unicode.Scalar(code) else { break }
            body.append(scalar)
            if (0x40...0x7E).contains(scalar.value) { break }
        }
        return decode(introducer: introducer, body)
    }

    /// The key of a sequence after `ESC` and its introducer (`[` or `O`), final byte included.
    static func decode(introducer: Unicode.Scalar, _ body: [Unicode.Scalar]) -> Sequence {
        guard let final = body.last else { return .alt }
        guard (0x40...0x7E).contains(final.value) else { return .dropped }
        let parameters = String(String.UnicodeScalarView(body.dropLast()))
        if introducer == "[", parameters == "200", final == "~" { return .pasteStart }
        // `1;5C`: a modifier (Shift, Alt, Ctrl) the studio has no key for.
        if parameters.contains(";") { return .dropped }
        if final == "~" {
            switch parameters {
            case "1", "7": return .key(.home)
            case "4", "8": return .key(.end)
            case "3": return .key(.delete)
            case "5": return .key(.pageUp)
            case "6": return .key(.pageDown)
            default: return .dropped
            }
        }
        guard parameters.isEmpty || parameters == "1" else { return .dropped }
        switch final {
        case "A": return .key(.up)
        case "B": return .key(.down)
        case "C": return .key(.right)
        case "D": return .key(.left)
        case "H": return .key(.home)
        case "F": return .key(.end)
        case "Z" where introducer == "[": return .key(.backTab)
        case "M" where introducer == "O": return .key(.enter)
        case "P", "Q", "R", "S": return .key(.function(Int(final.value) - 0x4F))
        default: return .dropped
        }
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
