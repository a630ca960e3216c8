/// Checks that text is one JSON document, accepting exactly what ``JSONValue/parse(_:)-(String)``
/// accepts, without building any value. Used where only validity matters (rendered bodies); the
/// error, with its position, still comes from the parser.
enum JSONValidator {
    /// Whether `JSONValue.parse(text)` would succeed.
    static func isValid(_ text: String) -> Bool {
        if let valid = text.utf8.withContiguousStorageIfAvailable({ isValid($0) }) { return valid }
        return Array(text.utf8).withUnsafeBufferPointer { isValid($0) }
    }

    static func isValid(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var scanner = Scanner(bytes: bytes)
        scanner.skipWhitespace()
        guard scanner.skipValue() else { return false }
        scanner.skipWhitespace()
        return scanner.index == bytes.count
    }

    private struct Scanner {
        let bytes: UnsafeBufferPointer<UInt8>
        var index = 0
        var depth = 0

        init(bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

        mutating func skipWhitespace() {
            while index < bytes.count {
                switch bytes[index] {
                case 0x20, 0x0A, 0x0D, 0x09: index += 1
                default: return
                }
            }
        }

        mutating func skipValue() -> Bool {
            guard index < bytes.count else { return false }
            switch bytes[index] {
            case UInt8(ascii: "{"): return skipContainer(close: UInt8(ascii: "}"), keyed: true)
            case UInt8(ascii: "["): return skipContainer(close: UInt8(ascii: "]"), keyed: false)
            case UInt8(ascii: "\""): return skipString()
            case UInt8(ascii: "t"): return skipWord("true")
            case UInt8(ascii: "f"): return skipWord("false")
            case UInt8(ascii: "n"): return skipWord("null")
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return skipNumber()
            default: return false
            }
        }

        private mutating func skipWord(_ word: StaticString) -> Bool {
            let count = word.utf8CodeUnitCount
            guard index + count <= bytes.count else { return false }
            let matches = word.withUTF8Buffer { utf8 in
                (0..<count).allSatisfy { bytes[index + $0] == utf8[$0] }
            }
            guard matches else { return false }
            index += count
            return true
        }

        /// Skips an object (`keyed`, entries `"key": value`) or an array, up to its `close` byte.
        private mutating func skipContainer(close: UInt8, keyed: Bool) -> Bool {
            depth += 1
            defer { depth -= 1 }
            if depth > 512 { return false }
            index += 1
            skipWhitespace()
            if index < bytes.count, bytes[index] == close {
                index += 1
                return true
            }
            while true {
                skipWhitespace()
                if keyed {
                    guard index < bytes.count, bytes[index] == UInt8(ascii: "\""), skipString() else { return false }
                    skipWhitespace()
                    guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { return false }
                    index += 1
                    skipWhitespace()
                }
                guard skipValue() else { return false }
                skipWhitespace()
                guard index < bytes.count else { return false }
                if bytes[index] == UInt8(ascii: ",") {
                    index += 1
                    continue
                }
                if bytes[index] == close {
                    index += 1
                    return true
                }
                return false
            }
        }

        private mutating func skipString() -> Bool {
            index += 1
            while index < bytes.count {
                let byte = bytes[index]
                if byte == UInt8(ascii: "\"") {
                    index += 1
                    return true
                }
                if byte < 0x20 { return false }
                if byte == UInt8(ascii: "\\") {
                    index += 1
                    guard index < bytes.count else { return false }
                    let escape = bytes[index]
                    index += 1
                    switch escape {
                    case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
                        UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
                        continue
                    case UInt8(ascii: "u"):
                        guard let code = skipHex4() else { return false }
                        // A high surrogate followed by `\u` must be followed by four hex digits too.
                        if (0xD800...0xDBFF).contains(code), index + 1 < bytes.count,
                            bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u")
                        {
                            index += 2
                            guard skipHex4() != nil else { return false }
                        }
                        continue
                    default:
                        return false
                    }
                }
                index += 1
            }
            return false
        }

        private mutating func skipHex4() -> UInt32? {
            guard index + 4 <= bytes.count else { return nil }
            var value: UInt32 = 0
            for _ in 0..<4 {
                guard let digit = hexDigitValue(bytes[index]) else { return nil }
                value = value * 16 + digit
                index += 1
            }
            return value
        }

        private func isDigit(_ position: Int) -> Bool {
            position < bytes.count && (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[position])
        }

        /// The grammar of numbers, and the parser's range: it reads any number that matches and a
        /// double holds (as Int or Double).
        private mutating func skipNumber() -> Bool {
            let start = index
            if bytes[index] == UInt8(ascii: "-") { index += 1 }
            guard isDigit(index) else { return false }
            if bytes[index] == UInt8(ascii: "0") {
                index += 1
            } else {
                while isDigit(index) { index += 1 }
            }
            if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
                index += 1
                guard isDigit(index) else { return false }
                while isDigit(index) { index += 1 }
            }
            if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
                index += 1
                if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
                guard isDigit(index) else { return false }
                while isDigit(index) { index += 1 }
            }
            // Only a number with an exponent or of over 300 digits can leave a double's range:
            // the rest is not converted, as the delivery path validates every rendered body.
            let exponent = bytes[start..<index].contains { $0 | 0x20 == UInt8(ascii: "e") }
            guard exponent || index - start > 300 else { return true }
            return Double(String(decoding: bytes[start..<index], as: UTF8.self))?.isFinite ?? false
        }
    }
}
