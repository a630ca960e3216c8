/// How the Standard Webhooks reference verifier, the project's Python library (`standardwebhooks`
/// 1.1.0, `Webhook.verify`), reads `webhook-timestamp` and the signatures of `webhook-signature`,
/// so that a receiver here accepts and refuses exactly what it does. The spec says only "integer
/// unix timestamp" and "base64 encoded signature"; the library is what senders are tested against.
///
/// ```swift
/// ReferenceHeaderParsing.timestampMicroseconds(" 1614265330.5")   // 1_614_265_330_500_000
/// ReferenceHeaderParsing.base64Decoded("g0hM…1OE=junk"[...])        // the 32 bytes: the rest is ignored
/// ```
enum ReferenceHeaderParsing {
    /// A `webhook-timestamp` in microseconds since 1970, as `datetime.fromtimestamp(float(text))`
    /// reads it: Python's `float` syntax (``pythonFloat(_:)``), then whole microseconds rounded
    /// half to even, within years 1–9999. Nil for what the library refuses ("Invalid Signature
    /// Headers"): text `float` refuses, NaN, the infinities and dates outside that range.
    ///
    /// The library signs the timestamp it read, in whole seconds rounded down, not the header's
    /// text: `1614265330.9` is verified as `1614265330`.
    static func timestampMicroseconds(_ text: String) -> Int64? {
        guard let value = pythonFloat(text), value.isFinite else { return nil }
        // CPython's `_PyTime_DoubleToDenominator`: the fraction of `modf`, scaled, then rounded.
        var whole = value.rounded(.towardZero)
        var fraction = ((value - whole) * 1_000_000).rounded(.toNearestOrEven)
        if fraction >= 1_000_000 {
            fraction -= 1_000_000
            whole += 1
        } else if fraction < 0 {
            fraction += 1_000_000
            whole -= 1
        }
        // 0001-01-01T00:00:00Z to 9999-12-31T23:59:59Z, `datetime`'s years.
        guard whole >= -62_135_596_800, whole <= 253_402_300_799 else { return nil }
        return Int64(whole) * 1_000_000 + Int64(fraction)
    }

    /// Python's `float(text)`, for finite values and the text it refuses (nil): ASCII and
    /// Unicode whitespace around the number, `_` between two digits, the decimal digits of any
    /// script, an optional sign, fraction and exponent (`.5`, `5.`, `1.6e9`); no hexadecimal.
    /// `inf` and `nan`, which `float` takes, give nil too: the timestamp check refuses them.
    static func pythonFloat(_ text: String) -> Double? {
        // `_PyUnicode_TransformDecimalAndSpaceToASCII`: ASCII below DEL stays, other whitespace
        // becomes a space, a decimal digit its ASCII digit; anything else fails.
        var ascii: [UInt8] = []
        ascii.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            if scalar.value < 127 {
                ascii.append(UInt8(scalar.value))
            } else if pythonSpaces.contains(scalar.value) {
                ascii.append(UInt8(ascii: " "))
            } else if scalar.properties.numericType == .decimal, let digit = scalar.properties.numericValue,
                digit >= 0, digit <= 9
            {
                ascii.append(UInt8(ascii: "0") + UInt8(digit))
            } else {
                return nil
            }
        }
        // `_Py_string_to_number_with_underscores`: each `_` between two digits, then dropped.
        var number: [UInt8] = []
        var previous: UInt8 = 0
        for byte in ascii {
            if byte == UInt8(ascii: "_") {
                guard isDigit(previous) else { return nil }
            } else {
                guard previous != UInt8(ascii: "_") || isDigit(byte) else { return nil }
                number.append(byte)
            }
            previous = byte
        }
        guard previous != UInt8(ascii: "_") else { return nil }
        // `Py_ISSPACE`: space, tab, LF, VT, FF and CR; 0x1C–0x1F are not stripped.
        let isSpace = { (byte: UInt8) in byte == UInt8(ascii: " ") || (0x09...0x0D).contains(byte) }
        guard let first = number.firstIndex(where: { !isSpace($0) }),
            let last = number.lastIndex(where: { !isSpace($0) })
        else { return nil }
        let trimmed = Array(number[first...last])
        guard isDecimalLiteral(trimmed) else { return nil }
        return Double(String(decoding: trimmed, as: UTF8.self))
    }

    /// `[sign] (digits ["." [digits]] | "." digits) [("e" | "E") [sign] digits]`.
    private static func isDecimalLiteral(_ bytes: [UInt8]) -> Bool {
        var index = 0
        func skipSign() {
            if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
        }
        func digits() -> Int {
            let start = index
            while index < bytes.count, isDigit(bytes[index]) { index += 1 }
            return index - start
        }
        skipSign()
        var mantissaDigits = digits()
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            mantissaDigits += digits()
        }
        guard mantissaDigits > 0 else { return false }
        if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
            index += 1
            skipSign()
            guard digits() > 0 else { return false }
        }
        return index == bytes.count
    }

    private static func isDigit(_ byte: UInt8) -> Bool { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) }

    /// The code points Python's `str.isspace` holds above DEL (Unicode 14, Python 3.11).
    private static let pythonSpaces: Set<UInt32> = [
        0x85, 0xA0, 0x1680, 0x2000, 0x2001, 0x2002, 0x2003, 0x2004, 0x2005, 0x2006, 0x2007, 0x2008, 0x2009, 0x200A,
        0x2028, 0x2029, 0x202F, 0x205F, 0x3000,
    ]

    /// A signature's bytes as Python's `base64.b64decode(text)` reads them (CPython's
    /// `binascii.a2b_base64`, not strict): characters outside the base64 alphabet are skipped,
    /// and decoding stops at the padding that completes a group, whatever follows it. Nil where
    /// it raises: a character that is not ASCII anywhere in the text (checked before decoding),
    /// or a last group left incomplete.
    static func base64Decoded(_ text: Substring) -> [UInt8]? {
        guard text.utf8.allSatisfy({ $0 < 0x80 }) else { return nil }
        var bytes: [UInt8] = []
        var position = 0
        var carried: UInt8 = 0
        var pads = 0
        for byte in text.utf8 {
            if byte == UInt8(ascii: "=") {
                if position >= 2 {
                    pads += 1
                    if position + pads >= 4 { return bytes }
                }
                continue
            }
            guard let value = base64Value(byte) else { continue }
            pads = 0
            switch position {
            case 0:
                carried = value
            case 1:
                bytes.append(carried << 2 | value >> 4)
                carried = value & 0x0F
            case 2:
                bytes.append(carried << 4 | value >> 2)
                carried = value & 0x03
            default:
                bytes.append(carried << 6 | value)
            }
            position = (position + 1) % 4
        }
        return position == 0 ? bytes : nil
    }

    private static func base64Value(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"): byte - UInt8(ascii: "A")
        case UInt8(ascii: "a")...UInt8(ascii: "z"): byte - UInt8(ascii: "a") + 26
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0") + 52
        case UInt8(ascii: "+"): 62
        case UInt8(ascii: "/"): 63
        default: nil
        }
    }
}
