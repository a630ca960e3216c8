import CNcurses
import Foundation

/// An ncurses screen that writes to a file and reads from a file (`/dev/null` by default), for
/// backend and input contract tests without a TTY (tui.md P17). Not for production use; one at a
/// time, on one thread.
final class HeadlessScreen {
    let window: UnsafeMutablePointer<WINDOW>
    private let screen: OpaquePointer
    private let output: UnsafeMutablePointer<FILE>
    private let input: UnsafeMutablePointer<FILE>
    private var closed = false

    /// `inputPath` holds the bytes the keyboard sends, read as the studio reads them (keypad on,
    /// non-blocking).
    init?(term: String, outputPath: String, size: Size, inputPath: String = "/dev/null") {
        TerminalLocale.ensureUTF8()
        guard let output = fopen(outputPath, "w") else { return nil }
        guard let input = fopen(inputPath, "r") else {
            fclose(output)
            return nil
        }
        guard let screen = newterm(term, output, input) else {
            fclose(output)
            fclose(input)
            return nil
        }
        self.output = output
        self.input = input
        self.screen = screen
        _ = set_term(screen)
        _ = resizeterm(Int32(size.height), Int32(size.width))
        guard let window = cn_stdscr() else { return nil }
        self.window = window
        _ = keypad(window, true)
        _ = nodelay(window, true)
        _ = set_escdelay(25)
        if has_colors() {
            _ = start_color()
            _ = use_default_colors()
        }
    }

    var hasColors: Bool { has_colors() }

    /// The text and colour pair of the cell at (x, y) as ncurses holds it.
    func cell(x: Int, y: Int) -> (text: String, pair: Int16) {
        var cc = cchar_t()
        guard mvwin_wch(window, Int32(y), Int32(x), &cc) != ERR else { return ("", 0) }
        var characters = [wchar_t](repeating: 0, count: 8)
        var attributes: attr_t = 0
        var pair: Int16 = 0
        _ = getcchar(&cc, &characters, &attributes, &pair, nil)
        let text = String(String.UnicodeScalarView(characters.prefix { $0 != 0 }.compactMap { Unicode.Scalar(UInt32(bitPattern: $0)) }))
        return (text, pair)
    }

    func close() {
        guard !closed else { return }
        closed = true
        _ = endwin()
        delscreen(screen)
        fclose(output)
        fclose(input)
    }

    deinit { close() }
}
