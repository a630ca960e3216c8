/// Escapers for each output mode. Each has a fast path that appends the string whole when nothing needs escaping.
enum TemplateEncoding {
    /// Handlebars HTML escaping: `& < > " ' \` =`.
    static func appendHTMLEscaped(_ string: String, to out: inout TemplateOutputBuffer) {
        var needsEscape = false
        for byte in string.utf8 {
            switch byte {
            case UInt8(ascii: "&"), UInt8(ascii: "<"), UInt8(ascii: ">"), UInt8(ascii: "\""), UInt8(ascii: "'"),
                UInt8(ascii: "`"), UInt8(ascii: "="):
                needsEscape = true
            default: continue
            }
            break
        }
        guard needsEscape else {
            out += string
            return
        }
        for scalar in string.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#x27;"
            case "`": out += "&#x60;"
            case "=": out += "&#x3D;"
            default: out.append(scalar)
            }
        }
    }

    /// The inside of a JSON string literal.
    @inline(__always)
    static func appendJSONStringEscaped(_ string: String, to out: inout TemplateOutputBuffer) {
        let copied: Bool? = string.utf8.withContiguousStorageIfAvailable { utf8 in
            for byte in utf8 where needsJSONEscapeCheck(byte) { return false }
            out.append(utf8)
            return true
        }
        if copied == true { return }
        if copied == nil, !string.utf8.contains(where: needsJSONEscapeCheck) {
            out += string
            return
        }
        var escaped = ""
        JSONValue.escapeForJSONString(string, to: &escaped)
        out += escaped
    }

    /// Control characters, quote and backslash need escaping; 0xE2 starts U+2028/U+2029, which are escaped too.
    @inline(__always)
    private static func needsJSONEscapeCheck(_ byte: UInt8) -> Bool {
        byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") || byte == 0xE2
    }

    /// A value as JSON text: strings quoted, numbers and booleans typed, missing as `null`.
    @inline(__always)
    static func appendTypedJSON(_ value: JSONValue?, to out: inout TemplateOutputBuffer) {
        switch value {
        case .none, .null?: out += "null"
        case .bool(let flag)?: out += flag ? "true" : "false"
        case .int(let number)?: out.append(decimal: number)
        case .string(let string)?:
            out += "\""
            appendJSONStringEscaped(string, to: &out)
            out += "\""
        case let other?: out += other.jsonText
        }
    }

    private static let hexDigits: [UInt8] = Array("0123456789ABCDEF".utf8)

    /// WHATWG `application/x-www-form-urlencoded`: space as `+`, keeps `*-._` and ASCII alphanumerics.
    static func appendFormEncoded(_ string: String, to out: inout TemplateOutputBuffer) {
        appendPercentEncoded(string, to: &out, spaceAsPlus: true) { byte in
            isAlphanumeric(byte) || byte == UInt8(ascii: "*") || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ".")
                || byte == UInt8(ascii: "_")
        }
    }

    /// RFC 3986: keeps unreserved `A-Za-z0-9-._~`, percent-encodes the rest (space as `%20`).
    static func appendUnreservedEncoded(_ string: String, to out: inout TemplateOutputBuffer) {
        appendPercentEncoded(string, to: &out, spaceAsPlus: false) { byte in
            isAlphanumeric(byte) || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "_")
                || byte == UInt8(ascii: "~")
        }
    }

    static func formEncoded(_ string: String) -> String {
        var out = TemplateOutputBuffer(capacity: string.utf8.count)
        appendFormEncoded(string, to: &out)
        return out.string
    }

    private static func isAlphanumeric(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
            || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
    }

    static func appendPercentEncoded(
        _ string: String, to out: inout TemplateOutputBuffer, spaceAsPlus: Bool, keep: (UInt8) -> Bool
    ) {
        for byte in string.utf8 {
            if keep(byte) {
                out.append(byte: byte)
            } else if spaceAsPlus, byte == UInt8(ascii: " ") {
                out += "+"
            } else {
                out.append(byte: UInt8(ascii: "%"))
                out.append(byte: hexDigits[Int(byte >> 4)])
                out.append(byte: hexDigits[Int(byte & 0x0F)])
            }
        }
    }

    /// True when a header value would break the header block.
    static func hasHeaderBreak(_ string: String) -> Bool {
        string.utf8.contains { $0 == 0x0D || $0 == 0x0A || $0 == 0x00 }
    }
}
