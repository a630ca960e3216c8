extension Unicode.Scalar {
    /// The scalar as Unicode writes it, for a message about a character that cannot be shown:
    /// `U+0000`, `U+FF58`, four hex digits or more.
    public var codePoint: String {
        let hex = String(value, radix: 16, uppercase: true)
        return "U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
    }

    /// Whether the scalar is a control character (C0, DEL, C1) or an invisible format character
    /// (a zero-width space, a bidirectional override): one a name or address must not hide.
    public var isControlOrFormat: Bool {
        switch properties.generalCategory {
        case .control, .format: true
        default: false
        }
    }
}
