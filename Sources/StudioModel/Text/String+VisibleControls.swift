extension String {
    /// This text with each control character written as its code point (`a<U+0009>b`), so that
    /// quoting it in a message cannot break the line or drive the terminal.
    public var showingControlCharacters: String {
        guard unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else { return self }
        var text = ""
        for scalar in unicodeScalars {
            if scalar.properties.generalCategory == .control {
                text += "<" + scalar.codePoint + ">"
            } else {
                text.unicodeScalars.append(scalar)
            }
        }
        return text
    }
}
