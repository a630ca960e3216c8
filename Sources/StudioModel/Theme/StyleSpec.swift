import Foundation

/// A colour as written in a theme: the terminal's own colour, one of the 16 ANSI colours, an
/// xterm-256 index or `#rrggbb`. Backends map it down to what the terminal supports.
public enum ColorSpec: Sendable, Hashable {
    /// The terminal's own foreground or background (`use_default_colors`).
    case terminalDefault
    /// 0–7 normal, 8–15 bright.
    case ansi(UInt8)
    /// An xterm-256 palette index.
    case indexed(UInt8)
    case rgb(UInt8, UInt8, UInt8)

    static let ansiNames = [
        "black", "red", "green", "yellow", "blue", "magenta", "cyan", "white",
    ]

    /// Parses `default`, an ANSI name (`red`, `bright-red`, `gray`), `0`–`255` or `#rrggbb`.
    public init?(parsing text: String) {
        let word = text.trimmingCharacters(in: .whitespaces).lowercased()
        if word == "default" || word == "none" {
            self = .terminalDefault
            return
        }
        if let index = Self.ansiNames.firstIndex(of: word) {
            self = .ansi(UInt8(index))
            return
        }
        for prefix in ["bright-", "bright_", "bright"] where word.hasPrefix(prefix) {
            if let index = Self.ansiNames.firstIndex(of: String(word.dropFirst(prefix.count))) {
                self = .ansi(UInt8(index + 8))
                return
            }
        }
        if word == "gray" || word == "grey" {
            self = .ansi(8)
            return
        }
        if let number = Int(word), (0...255).contains(number) {
            self = .indexed(UInt8(number))
            return
        }
        if word.hasPrefix("#"), word.count == 7, let value = UInt32(word.dropFirst(), radix: 16) {
            self = .rgb(UInt8((value >> 16) & 0xFF), UInt8((value >> 8) & 0xFF), UInt8(value & 0xFF))
            return
        }
        return nil
    }
}

/// Text attributes a style may combine with its colours.
public struct TextAttributes: OptionSet, Sendable, Hashable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    public static let bold = TextAttributes(rawValue: 1 << 0)
    public static let dim = TextAttributes(rawValue: 1 << 1)
    public static let underline = TextAttributes(rawValue: 1 << 2)
    public static let reverse = TextAttributes(rawValue: 1 << 3)
    public static let italic = TextAttributes(rawValue: 1 << 4)

    static let names: [(String, TextAttributes)] = [
        ("bold", .bold), ("dim", .dim), ("underline", .underline), ("reverse", .reverse), ("italic", .italic),
    ]

    public init?(name: String) {
        guard let match = Self.names.first(where: { $0.0 == name.lowercased() }) else { return nil }
        self = match.1
    }

    /// Attribute names in a fixed order, for snapshots and messages.
    public var names: [String] { Self.names.filter { contains($0.1) }.map(\.0) }
}

/// What a theme says about one token. A nil colour means "not set here" and is inherited from the
/// token's fallback; attributes are never inherited.
public struct StyleSpec: Sendable, Hashable {
    public var foreground: ColorSpec?
    public var background: ColorSpec?
    public var attributes: TextAttributes

    public init(foreground: ColorSpec? = nil, background: ColorSpec? = nil, attributes: TextAttributes = []) {
        self.foreground = foreground
        self.background = background
        self.attributes = attributes
    }
}
