import Foundation

/// Errors from reading JSON text, with the 1-based line and column where parsing stopped.
public struct JSONParseError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public var line: Int
    public var column: Int
    public var offset: Int

    public var description: String { "\(line):\(column): \(message)" }
}

extension JSONValue {
    /// Parses JSON text, keeping integers as integers and object keys in order.
    public static func parse(_ text: String) throws(JSONParseError) -> JSONValue {
        var parser = JSONTextParser(bytes: Array(text.utf8))
        return try parser.parseDocument()
    }

    /// ``parse(_:)-(String)``, refusing a `\u` escape of a lone UTF-16 surrogate (`"\ud800"`)
    /// when `refusingLoneSurrogates` is true, rather than reading it as U+FFFD.
    ///
    /// RFC 8259 §8.2 leaves such text's meaning unpredictable; where it would be stored as data
    /// (the ingest API), changing it without a word is worse than refusing it.
    public static func parse(_ text: String, refusingLoneSurrogates: Bool) throws(JSONParseError) -> JSONValue {
        var parser = JSONTextParser(bytes: Array(text.utf8))
        parser.refusesLoneSurrogates = refusingLoneSurrogates
        return try parser.parseDocument()
    }

    /// Parses UTF-8 JSON bytes.
    public static func parse(_ data: Data) throws(JSONParseError) -> JSONValue {
        var parser = JSONTextParser(bytes: Array(data))
        return try parser.parseDocument()
    }

    /// Compact JSON text; strings escaped per RFC 8259.
    public var jsonText: String {
        var out: [UInt8] = []
        appendJSON(to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Appends the UTF-8 of ``jsonText`` to `out`, for writers that embed a value in a larger document.
    public func appendJSON(to out: inout [UInt8]) {
        switch self {
        case .null: out += "null".utf8
        case .bool(let value): out += (value ? "true" : "false").utf8
        case .int(let value): out += String(value).utf8
        case .double(let value): out += (value.isFinite ? JSONValue.format(value) : "null").utf8
        case .string(let value): JSONValue.writeQuoted(value, to: &out)
        case .array(let values):
            out.append(UInt8(ascii: "["))
            for (index, value) in values.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                value.appendJSON(to: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .object(let object): object.appendJSON(to: &out)
        }
    }

    /// Indented JSON text for people to read.
    public var prettyJSONText: String { prettyJSONText(nestedAt: 0) }

    /// ``prettyJSONText`` for a value written `level` levels deep in an indented document: its
    /// lines after the first are indented as they would be there.
    public func prettyJSONText(nestedAt level: Int) -> String {
        var out = ""
        writePretty(to: &out, indent: "  ", level: level)
        return out
    }

    private func writePretty(to out: inout String, indent: String, level: Int) {
        switch self {
        case .array(let values):
            if values.isEmpty { out += "[]"; return }
            out += "["
            for (index, value) in values.enumerated() {
                if index > 0 { out += "," }
                out += "\n" + String(repeating: indent, count: level + 1)
                value.writePretty(to: &out, indent: indent, level: level + 1)
            }
            out += "\n" + String(repeating: indent, count: level) + "]"
        case .object(let object):
            if object.isEmpty { out += "{}"; return }
            out += "{"
            for (index, pair) in object.pairs.enumerated() {
                if index > 0 { out += "," }
                out += "\n" + String(repeating: indent, count: level + 1)
                JSONValue.writeQuoted(pair.key, to: &out)
                out += ": "
                pair.value.writePretty(to: &out, indent: indent, level: level + 1)
            }
            out += "\n" + String(repeating: indent, count: level) + "}"
        case .null, .bool, .int, .double, .string:
            out += jsonText
        }
    }

    /// Appends `string` as the inside of a JSON string literal (without the quotes).
    public static func escapeForJSONString(_ string: String, to out: inout String) {
        let utf8 = string.utf8
        var runStart = utf8.startIndex
        var index = utf8.startIndex
        // Unescaped stretches are appended whole, byte for byte (a slice may end inside a grapheme,
        // before a combining mark); only the characters that need it are rewritten.
        while index != utf8.endIndex {
            let byte = utf8[index]
            let replacement: String
            var width = 1
            switch byte {
            case UInt8(ascii: "\""): replacement = "\\\""
            case UInt8(ascii: "\\"): replacement = "\\\\"
            case UInt8(ascii: "\n"): replacement = "\\n"
            case UInt8(ascii: "\r"): replacement = "\\r"
            case UInt8(ascii: "\t"): replacement = "\\t"
            case 0x08: replacement = "\\b"
            case 0x0C: replacement = "\\f"
            case 0x00..<0x20:
                let hex = String(byte, radix: 16)
                replacement = "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            case 0xE2:
                // U+2028 and U+2029 (E2 80 A8, E2 80 A9) are escaped; other characters pass.
                let second = utf8.index(after: index)
                guard second != utf8.endIndex, utf8[second] == 0x80 else {
                    index = utf8.index(after: index)
                    continue
                }
                let third = utf8.index(after: second)
                guard third != utf8.endIndex, utf8[third] == 0xA8 || utf8[third] == 0xA9 else {
                    index = utf8.index(after: index)
                    continue
                }
                replacement = utf8[third] == 0xA8 ? "\\u2028" : "\\u2029"
                width = 3
            default:
                index = utf8.index(after: index)
                continue
            }
            if runStart != index { out += Substring(utf8[runStart..<index]) }
            out += replacement
            index = utf8.index(index, offsetBy: width)
            runStart = index
        }
        if runStart == utf8.startIndex {
            out += string
        } else if runStart != utf8.endIndex {
            out += Substring(utf8[runStart...])
        }
    }

    /// Appends `string`'s UTF-8 as the inside of a JSON string literal, escaped exactly as
    /// ``escapeForJSONString(_:to:)-(String,String)`` does, to a byte buffer.
    public static func escapeForJSONString(_ string: String, to out: inout [UInt8]) {
        if let done: Void = string.utf8.withContiguousStorageIfAvailable({ escape($0, to: &out) }) { return done }
        Array(string.utf8).withUnsafeBufferPointer { escape($0, to: &out) }
    }

    /// Appends `"string"`, escaped, to a byte buffer.
    public static func writeQuoted(_ string: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        escapeForJSONString(string, to: &out)
        out.append(UInt8(ascii: "\""))
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    /// Whether a UTF-8 byte may need escaping: `"`, `\`, controls, and 0xE2 (which starts U+2028
    /// and U+2029). One load per byte instead of a chain of comparisons.
    private static let mayNeedEscape: [Bool] = (0...255).map { byte in
        byte < 0x20 || byte == Int(UInt8(ascii: "\"")) || byte == Int(UInt8(ascii: "\\")) || byte == 0xE2
    }

    private static func escape(_ bytes: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) {
        let count = bytes.count
        var runStart = 0
        var index = 0
        mayNeedEscape.withUnsafeBufferPointer { mayNeedEscape in
            while index < count {
                // Bytes that pass unchanged are copied in runs.
                while index < count, !mayNeedEscape[Int(bytes[index])] { index += 1 }
                guard index < count else { break }
                let byte = bytes[index]
                if byte == 0xE2, !isLineOrParagraphSeparator(bytes, at: index) {
                    index += 1
                    continue
                }
                out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<index]))
                switch byte {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"): appendEscape(byte, to: &out)
                case UInt8(ascii: "\n"): appendEscape(UInt8(ascii: "n"), to: &out)
                case UInt8(ascii: "\r"): appendEscape(UInt8(ascii: "r"), to: &out)
                case UInt8(ascii: "\t"): appendEscape(UInt8(ascii: "t"), to: &out)
                case 0x08: appendEscape(UInt8(ascii: "b"), to: &out)
                case 0x0C: appendEscape(UInt8(ascii: "f"), to: &out)
                case 0xE2:
                    out.append(contentsOf: "\\u202".utf8)
                    out.append(bytes[index + 2] == 0xA8 ? UInt8(ascii: "8") : UInt8(ascii: "9"))
                    index += 2
                default:
                    out.append(contentsOf: [
                        UInt8(ascii: "\\"), UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"),
                        hexDigits[Int(byte >> 4)], hexDigits[Int(byte & 0x0F)],
                    ])
                }
                index += 1
                runStart = index
            }
        }
        out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<count]))
    }

    /// Whether U+2028 or U+2029 (E2 80 A8, E2 80 A9) starts at `index`: the only characters
    /// beginning with 0xE2 that are escaped.
    @inline(__always)
    private static func isLineOrParagraphSeparator(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int) -> Bool {
        index + 2 < bytes.count && bytes[index + 1] == 0x80 && (bytes[index + 2] == 0xA8 || bytes[index + 2] == 0xA9)
    }

    /// Appends a backslash and `letter`.
    @inline(__always)
    private static func appendEscape(_ letter: UInt8, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\\"))
        out.append(letter)
    }

    static func writeQuoted(_ string: String, to out: inout String) {
        out += "\""
        escapeForJSONString(string, to: &out)
        out += "\""
    }
}

/// A small recursive-descent JSON reader that reports line and column.
struct JSONTextParser {
    let bytes: [UInt8]
    var index = 0
    var depth = 0
    /// Throw at a `\u` escape of a lone surrogate instead of reading it as U+FFFD.
    var refusesLoneSurrogates = false

    init(bytes: [UInt8]) { self.bytes = bytes }

    mutating func parseDocument() throws(JSONParseError) -> JSONValue {
        skipWhitespace()
        let value = try parseValue()
        skipWhitespace()
        if index < bytes.count { throw error("unexpected text after the JSON value") }
        return value
    }

    private func error(_ message: String) -> JSONParseError {
        var line = 1
        var lineStart = 0
        var i = 0
        while i < min(index, bytes.count) {
            if bytes[i] == UInt8(ascii: "\n") { line += 1; lineStart = i + 1 }
            i += 1
        }
        let column = String(decoding: bytes[lineStart..<min(index, bytes.count)], as: UTF8.self).count + 1
        return JSONParseError(message: message, line: line, column: column, offset: index)
    }

    private mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x0A, 0x0D, 0x09: index += 1
            default: return
            }
        }
    }

    private mutating func parseValue() throws(JSONParseError) -> JSONValue {
        guard index < bytes.count else { throw error("expected a JSON value but the text ended") }
        switch bytes[index] {
        case UInt8(ascii: "{"): return try parseObject()
        case UInt8(ascii: "["): return try parseArray()
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"): try expectWord("true"); return .bool(true)
        case UInt8(ascii: "f"): try expectWord("false"); return .bool(false)
        case UInt8(ascii: "n"): try expectWord("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try parseNumber()
        default:
            let found = String(decoding: [bytes[index]], as: UTF8.self)
            throw error("expected a JSON value, found '\(found)'")
        }
    }

    private mutating func expectWord(_ word: String) throws(JSONParseError) {
        let utf8 = Array(word.utf8)
        guard index + utf8.count <= bytes.count, Array(bytes[index..<index + utf8.count]) == utf8 else {
            throw error("expected '\(word)'")
        }
        index += utf8.count
    }

    private mutating func enter() throws(JSONParseError) {
        depth += 1
        if depth > 512 { throw error("JSON nested more than 512 levels deep") }
    }

    private mutating func parseObject() throws(JSONParseError) -> JSONValue {
        try enter()
        defer { depth -= 1 }
        index += 1
        var object = JSONObject()
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "}") { index += 1; return .object(object) }
        while true {
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else {
                throw error("expected a quoted object key")
            }
            let key = try parseString()
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { throw error("expected ':' after key") }
            index += 1
            skipWhitespace()
            object[key] = try parseValue()
            skipWhitespace()
            guard index < bytes.count else { throw error("expected ',' or '}' but the text ended") }
            if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
            if bytes[index] == UInt8(ascii: "}") { index += 1; return .object(object) }
            throw error("expected ',' or '}' in object")
        }
    }

    private mutating func parseArray() throws(JSONParseError) -> JSONValue {
        try enter()
        defer { depth -= 1 }
        index += 1
        var values: [JSONValue] = []
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "]") { index += 1; return .array(values) }
        while true {
            skipWhitespace()
            values.append(try parseValue())
            skipWhitespace()
            guard index < bytes.count else { throw error("expected ',' or ']' but the text ended") }
            if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
            if bytes[index] == UInt8(ascii: "]") { index += 1; return .array(values) }
            throw error("expected ',' or ']' in array")
        }
    }

    private mutating func parseString() throws(JSONParseError) -> String {
        index += 1
        // Most strings hold no escape: decode them in one go.
        var end = index
        while end < bytes.count {
            let byte = bytes[end]
            if byte == UInt8(ascii: "\"") {
                let text = String(decoding: bytes[index..<end], as: UTF8.self)
                index = end + 1
                return text
            }
            if byte < 0x20 || byte == UInt8(ascii: "\\") { break }
            end += 1
        }
        var scalars = String.UnicodeScalarView()
        var runStart = index
        func flush(_ end: Int) {
            if end > runStart { scalars.append(contentsOf: String(decoding: bytes[runStart..<end], as: UTF8.self).unicodeScalars) }
        }
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                flush(index)
                index += 1
                return String(scalars)
            }
            if byte < 0x20 { throw error("control character in string; escape it as \\u\(String(format: "%04x", byte))") }
            if byte == UInt8(ascii: "\\") {
                flush(index)
                index += 1
                guard index < bytes.count else { break }
                let escape = bytes[index]
                index += 1
                switch escape {
                case UInt8(ascii: "\""): scalars.append("\"")
                case UInt8(ascii: "\\"): scalars.append("\\")
                case UInt8(ascii: "/"): scalars.append("/")
                case UInt8(ascii: "b"): scalars.append("\u{08}")
                case UInt8(ascii: "f"): scalars.append("\u{0C}")
                case UInt8(ascii: "n"): scalars.append("\n")
                case UInt8(ascii: "r"): scalars.append("\r")
                case UInt8(ascii: "t"): scalars.append("\t")
                case UInt8(ascii: "u"):
                    let escapeStart = index - 2
                    var code = try parseHex4()
                    if (0xD800...0xDBFF).contains(code), index + 1 < bytes.count,
                        bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u")
                    {
                        let lowStart = index
                        index += 2
                        let low = try parseHex4()
                        if (0xDC00...0xDFFF).contains(low) {
                            code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                        } else {
                            // Not a pair: the high surrogate stands alone, and the next escape is
                            // read on its own rather than lost.
                            index = lowStart
                        }
                    }
                    if refusesLoneSurrogates, Unicode.Scalar(code) == nil {
                        index = escapeStart
                        throw error(
                            "\\u\(String(format: "%04x", code)) is a lone UTF-16 surrogate, not a Unicode character: "
                                + "JSON text must be valid Unicode")
                    }
                    scalars.append(Unicode.Scalar(code) ?? "\u{FFFD}")
                default:
                    index -= 1
                    throw error("invalid escape in string")
                }
                runStart = index
                continue
            }
            index += 1
        }
        throw error("unterminated string")
    }

    private mutating func parseHex4() throws(JSONParseError) -> UInt32 {
        guard index + 4 <= bytes.count else { throw error("expected four hex digits after \\u") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            guard let digit = hexDigitValue(bytes[index]) else { throw error("expected four hex digits after \\u") }
            value = value * 16 + digit
            index += 1
        }
        return value
    }

    private mutating func parseNumber() throws(JSONParseError) -> JSONValue {
        let start = index
        var isInteger = true
        if bytes[index] == UInt8(ascii: "-") { index += 1 }
        guard index < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) else {
            throw error("expected a digit")
        }
        if bytes[index] == UInt8(ascii: "0") {
            index += 1
        } else {
            while index < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) { index += 1 }
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            isInteger = false
            index += 1
            guard index < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) else {
                throw error("expected a digit after '.'")
            }
            while index < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) { index += 1 }
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
            isInteger = false
            index += 1
            if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
            guard index < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) else {
                throw error("expected a digit in the exponent")
            }
            while index < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) { index += 1 }
        }
        let text = String(decoding: bytes[start..<index], as: UTF8.self)
        if isInteger, let value = Int(text) { return .int(value) }
        // `Double` reads a number past its range as infinity, which JSON cannot write back.
        guard let value = Double(text), value.isFinite else { throw error("number out of range") }
        return .double(value)
    }
}

/// The value of one hexadecimal digit, or nil.
func hexDigitValue(_ byte: UInt8) -> UInt32? {
    switch byte {
    case UInt8(ascii: "0")...UInt8(ascii: "9"): UInt32(byte - UInt8(ascii: "0"))
    case UInt8(ascii: "a")...UInt8(ascii: "f"): UInt32(byte - UInt8(ascii: "a") + 10)
    case UInt8(ascii: "A")...UInt8(ascii: "F"): UInt32(byte - UInt8(ascii: "A") + 10)
    default: nil
    }
}
