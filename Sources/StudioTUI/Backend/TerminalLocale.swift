import CNcurses
import Foundation

/// The C locale ncurses draws under: it needs a UTF-8 `LC_CTYPE` to draw wide and combined
/// characters as ``DisplayWidth`` measures them (tui.md P5/E5).
enum TerminalLocale {
    /// Sets `LC_ALL` from the environment; if the codeset is not UTF-8, forces `C.UTF-8` for
    /// `LC_CTYPE`. Returns whether the codeset is UTF-8 afterwards.
    @discardableResult
    static func ensureUTF8() -> Bool {
        if !codesetIsUTF8() { _ = setlocale(LC_ALL, "") }
        if !codesetIsUTF8() { _ = setlocale(LC_CTYPE, "C.UTF-8") }
        return codesetIsUTF8()
    }

    static func codesetIsUTF8() -> Bool {
        guard let codeset = cn_codeset() else { return false }
        let name = String(cString: codeset).uppercased()
        return name == "UTF-8" || name == "UTF8"
    }
}
