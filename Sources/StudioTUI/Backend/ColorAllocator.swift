import CNcurses
import StudioModel

/// Maps theme colours to ncurses colour numbers and (fg, bg) pairs to pair numbers (tui.md P7,
/// P8): degrades RGB to the 256 palette, 256 to 16 and 16 to 8 as the terminal requires, and
/// never repaints the terminal's palette.
final class ColorAllocator {
    private let enabled: Bool
    private let colorCount: Int
    private let pairLimit: Int
    private var pairs: [PairKey: Int16] = [:]
    private var nextPair: Int16 = 1

    private struct PairKey: Hashable {
        var foreground: Int32
        var background: Int32
    }

    /// - Parameter enabled: false when the terminal has no colours or colour is turned off.
    init(enabled: Bool) {
        self.enabled = enabled
        colorCount = enabled ? Int(cn_colors()) : 0
        pairLimit = enabled ? min(Int(cn_color_pairs()) - 1, Int(Int16.max)) : 0
    }

    /// Whether a colour is drawn as text or behind it: a foreground must never become the
    /// black most terminals have as their background.
    enum Role { case foreground, background }

    /// The pair number for a style's colours; 0 (the terminal's default) when colours are off or
    /// the pairs ran out.
    func pair(for style: Style) -> Int16 {
        guard enabled else { return 0 }
        let key = PairKey(
            foreground: number(for: style.foreground, role: .foreground),
            background: number(for: style.background, role: .background))
        if key.foreground == -1, key.background == -1 { return 0 }
        if let pair = pairs[key] { return pair }
        guard Int(nextPair) <= pairLimit else { return 0 }
        let pair = nextPair
        guard init_extended_pair(Int32(pair), key.foreground, key.background) == OK else { return 0 }
        nextPair += 1
        pairs[key] = pair
        return pair
    }

    /// The ncurses colour number, -1 for the terminal default.
    func number(for color: ColorSpec, role: Role) -> Int32 {
        switch color {
        case .terminalDefault: return -1
        case .ansi(let index): return Int32(Self.degrade(Int(index), colorCount: colorCount, role: role))
        case .indexed(let index): return Int32(Self.degrade(Int(index), colorCount: colorCount, role: role))
        case .rgb(let r, let g, let b):
            let index = Palette.nearestIndex(r: Int(r), g: Int(g), b: Int(b))
            return Int32(Self.degrade(index, colorCount: colorCount, role: role))
        }
    }

    /// A 256-palette index as one the terminal has (-1: its default colour).
    ///
    /// - 256 colours or more: as it is.
    /// - 16: the nearest of the 16 by RGB distance; never black (0) for a foreground.
    /// - 8: an ANSI index keeps its hue (bright red → red). From the cube, a grey (little
    ///   difference between its channels) is the terminal's own foreground, or black or white
    ///   behind text by its lightness; any other colour is the nearest of the six hues
    ///   (red … cyan), so 71 is green and 240 is never black text (QA F1).
    static func degrade(_ index: Int, colorCount: Int, role: Role = .foreground) -> Int {
        if colorCount >= 256 { return index }
        if colorCount >= 16 {
            if index < 16 { return index }
            return Palette.nearest(to: Palette.rgb(of: index), among: role == .foreground ? 1..<16 : 0..<16)
        }
        let rgb = Palette.rgb(of: index)
        let isGrey = index == 0 || index == 7 || index == 8 || index == 15 || index >= 16 && Palette.isGrey(rgb)
        if index < 16, !isGrey { return index % 8 }
        guard isGrey else { return Palette.nearest(to: rgb, among: 1..<7) }
        if index == 0 || index == 7 || index == 15 { return index % 8 }
        switch role {
        case .foreground: return -1
        case .background: return (rgb.0 + rgb.1 + rgb.2) / 3 < 128 ? 0 : 7
        }
    }
}

/// The xterm-256 palette, for mapping colours down.
enum Palette {
    static let levels = [0, 95, 135, 175, 215, 255]
    static let ansi16: [(Int, Int, Int)] = [
        (0, 0, 0), (205, 0, 0), (0, 205, 0), (205, 205, 0), (0, 0, 238), (205, 0, 205), (0, 205, 205), (229, 229, 229),
        (127, 127, 127), (255, 0, 0), (0, 255, 0), (255, 255, 0), (92, 92, 255), (255, 0, 255), (0, 255, 255),
        (255, 255, 255),
    ]

    static func rgb(of index: Int) -> (Int, Int, Int) {
        if index < 16 { return ansi16[max(0, index)] }
        if index >= 232 {
            let grey = 8 + 10 * (index - 232)
            return (grey, grey, grey)
        }
        let cube = index - 16
        return (levels[cube / 36], levels[(cube / 6) % 6], levels[cube % 6])
    }

    static func nearestIndex(r: Int, g: Int, b: Int) -> Int {
        func level(_ value: Int) -> Int { levels.enumerated().min { abs($0.1 - value) < abs($1.1 - value) }?.0 ?? 0 }
        let cube = 16 + 36 * level(r) + 6 * level(g) + level(b)
        let greyIndex = 232 + min(23, max(0, (((r + g + b) / 3) - 8) / 10))
        return distance(rgb(of: cube), (r, g, b)) <= distance(rgb(of: greyIndex), (r, g, b)) ? cube : greyIndex
    }

    /// The index in `candidates` (ANSI 0–15) whose colour is nearest to `target`.
    static func nearest(to target: (Int, Int, Int), among candidates: Range<Int>) -> Int {
        candidates.min { distance(ansi16[$0], target) < distance(ansi16[$1], target) } ?? 7
    }

    /// Channels within 48 of each other: a grey to the eye, though the cube has no exact grey there.
    static func isGrey(_ rgb: (Int, Int, Int)) -> Bool {
        max(rgb.0, rgb.1, rgb.2) - min(rgb.0, rgb.1, rgb.2) < 48
    }

    static func distance(_ a: (Int, Int, Int), _ b: (Int, Int, Int)) -> Int {
        let dr = a.0 - b.0, dg = a.1 - b.1, db = a.2 - b.2
        return dr * dr + dg * dg + db * db
    }
}
