import CNcurses
import StudioModel
import Testing
@testable import StudioTUI

/// The grid is laid out with ``DisplayWidth`` (Unicode properties) and ncurses draws with the C
/// library's `wcwidth`: where they differ on a character, the rest of its row is drawn shifted.
struct DisplayWidthAgreementTests {
    @Test func everyCharacterIsAsWideAsNcursesDrawsIt() {
        #expect(TerminalLocale.ensureUTF8())
        var disagreements: [String] = []
        for value in UInt32(0x20)...0x10FFFF {
            guard let scalar = Unicode.Scalar(value) else { continue }
            let columns = cn_wcwidth(wchar_t(bitPattern: value))
            // A scalar that takes no column (a mark, a control) alone in a cell is drawn as a space.
            let drawn = columns > 0 ? min(2, Int(columns)) : 1
            if DisplayWidth.width(of: Character(scalar)) != drawn { disagreements.append("U+" + String(value, radix: 16)) }
        }
        #expect(disagreements.isEmpty, "\(disagreements.count): \(disagreements.prefix(20).joined(separator: " "))")
    }

    @Test func aMarkOrJoinerAfterACharacterAddsNoColumn() {
        #expect(DisplayWidth.width(of: "e\u{301}") == 1)
        #expect(DisplayWidth.width(of: "👩\u{200D}💻") == 2)
        #expect(DisplayWidth.width(of: "\u{1100}\u{1161}\u{11A8}") == 2)
    }
}
