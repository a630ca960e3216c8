import Foundation

/// Where bytes stop being UTF-8 text, so that a file that cannot be read as text is reported at
/// its first bad byte, like any other problem in it.
public enum InvalidUTF8 {
    /// The 1-based line and Character column of the first byte that is not UTF-8; nil when all are.
    public static func firstLocation(in data: Data) -> SourceLocation? {
        var bytes = data.makeIterator()
        var decoder = UTF8()
        var validCount = 0
        while true {
            switch decoder.decode(&bytes) {
            case .scalarValue(let scalar): validCount += UTF8.width(scalar)
            case .emptyInput: return nil
            case .error: return location(after: data.prefix(validCount))
            }
        }
    }

    private static func location(after valid: Data) -> SourceLocation {
        let text = String(decoding: valid, as: UTF8.self)
        let lines = text.unicodeScalars.split(separator: "\n", omittingEmptySubsequences: false)
        let lastLine = lines.last.map { String(String.UnicodeScalarView($0)) } ?? ""
        return SourceLocation(line: lines.count, column: lastLine.count + 1)
    }
}
