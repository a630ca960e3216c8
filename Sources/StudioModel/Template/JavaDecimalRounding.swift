import Foundation

/// Rounds a `Double` to a number of fraction digits as `java.text.DecimalFormat` does, which Iterable's
/// `numberFormat` runs on: on the exact binary value of the double, not on its shortest decimal text.
///
/// Foundation's `NumberFormatter` (ICU) rounds the shortest text: 2.675 is "2.675", a tie, which half-even
/// makes 2.68; but the double is 2.67499999999999982236431605997495353221893310546875, which Java rounds to
/// 2.67. A true tie (0.125, exactly representable) goes by the rounding mode.
///
/// | value | "0.00", half-even: ICU | Java (and this) |
/// |---|---|---|
/// | 0.005 | 0.00 | 0.01 |
/// | 0.025 | 0.02 | 0.03 |
/// | 2.675 | 2.68 | 2.67 |
/// | 8.345 | 8.34 | 8.35 |
/// | 0.125 (exact) | 0.12 | 0.12 |
///
/// As in Java (`DigitList`), nothing is rounded when the shortest text already fits the digits: 0.1 with
/// `roundingMode=up` is 0.10, not the 0.11 its binary value (0.1000000000000000055…) would round to.
enum JavaDecimalRounding {
    /// `value` rounded to `fractionDigits` as Java would, or nil when no rounding is needed (the shortest
    /// text has no more fraction digits) or `value` is not finite.
    static func rounded(_ value: Double, fractionDigits: Int, mode: NumberFormatter.RoundingMode) -> Double? {
        guard value.isFinite, fractionDigits >= 0, shortestFractionDigits(value) > fractionDigits else { return nil }
        guard let (integer, fraction) = exactDigits(of: value.magnitude), fraction.count > fractionDigits else {
            return nil
        }
        return rounded(integer: integer, fraction: fraction, fractionDigits: fractionDigits, negative: value.sign == .minus, mode: mode)
    }

    /// `value` rounded to `significantDigits` as Java rounds the mantissa of a pattern in scientific
    /// notation (`0.###E0` keeps 4: `DigitList` gets the integer digits and the fraction digits of the
    /// pattern), or nil when no rounding is needed or `value` is zero or not finite. 10.235 is
    /// 10.2349999999999994315658…, so `0.###E0` writes it 1.023E1, where ICU rounds the tie of its
    /// shortest text to 1.024E1.
    static func rounded(_ value: Double, significantDigits: Int, mode: NumberFormatter.RoundingMode) -> Double? {
        guard value.isFinite, value != 0, significantDigits > 0, shortestSignificantDigits(value) > significantDigits,
            let (integer, fraction) = exactDigits(of: value.magnitude)
        else { return nil }
        let integerDigits = integer.drop { $0 == 0 }.count
        // Below 1, the zeros after the point come before the first significant digit.
        let fractionDigits =
            integerDigits > 0 ? significantDigits - integerDigits : significantDigits + fraction.prefix { $0 == 0 }.count
        guard fraction.count > fractionDigits else { return nil }
        return rounded(integer: integer, fraction: fraction, fractionDigits: fractionDigits, negative: value.sign == .minus, mode: mode)
    }

    /// The exact digits of a value, `integer` then `fraction`, rounded in `mode` to `fractionDigits`
    /// after the point; a negative count rounds the integer part (-2 to hundreds).
    private static func rounded(
        integer: [UInt8], fraction: [UInt8], fractionDigits: Int, negative: Bool, mode: NumberFormatter.RoundingMode
    ) -> Double? {
        let digits = integer + fraction
        let keptCount = integer.count + fractionDigits
        guard keptCount >= 0 else { return nil }
        var kept = Array(digits.prefix(keptCount))
        let dropped = digits.dropFirst(keptCount)
        let first = dropped.first ?? 0
        let restNonZero = dropped.dropFirst().contains { $0 != 0 }
        let anyNonZero = first != 0 || restNonZero
        let lastKeptOdd = (kept.last ?? 0) % 2 == 1
        let up: Bool
        if mode == .up {
            up = anyNonZero
        } else if mode == .down {
            up = false
        } else if mode == .ceiling {
            up = anyNonZero && !negative
        } else if mode == .floor {
            up = anyNonZero && negative
        } else if mode == .halfUp {
            up = first >= 5
        } else if mode == .halfDown {
            up = first > 5 || (first == 5 && restNonZero)
        } else {
            up = first > 5 || (first == 5 && (restNonZero || lastKeptOdd))
        }
        if up {
            var index = kept.count - 1
            while index >= 0 {
                if kept[index] == 9 {
                    kept[index] = 0
                    index -= 1
                } else {
                    kept[index] += 1
                    break
                }
            }
            if index < 0 { kept.insert(1, at: 0) }
        }
        var characters = kept.map { Character(String($0)) }
        if fractionDigits < 0 { characters += Array(repeating: "0", count: -fractionDigits) }
        let fractionCount = max(0, fractionDigits)
        let integerPart = String(characters.dropLast(fractionCount))
        let fractionPart = String(characters.suffix(fractionCount))
        let text = (negative ? "-" : "") + (integerPart.isEmpty ? "0" : integerPart)
            + (fractionPart.isEmpty ? "" : "." + fractionPart)
        return Double(text)
    }

    /// How many significant digits the shortest text that reads back as `value` has: 5 for 10.235,
    /// 1 for 1e-07 and for 100.
    static func shortestSignificantDigits(_ value: Double) -> Int {
        let mantissa = value.magnitude.description.split(separator: "e", maxSplits: 1).first ?? ""
        let digits = mantissa.filter { $0 != "." }.drop { $0 == "0" }
        return digits.reversed().drop { $0 == "0" }.count
    }

    /// How many fraction digits the shortest text that reads back as `value` has (Swift's `description`,
    /// as Java's `Double.toString`): 3 for 2.675, 7 for 1e-07, 0 for 1e+22.
    static func shortestFractionDigits(_ value: Double) -> Int {
        let text = value.magnitude.description
        let parts = text.split(separator: "e", maxSplits: 1)
        let mantissa = parts.first ?? Substring(text)
        let exponent = parts.count > 1 ? Int(parts[1]) ?? 0 : 0
        var fraction = mantissa.split(separator: ".", maxSplits: 1).dropFirst().first.map(String.init) ?? ""
        while fraction.hasSuffix("0") { fraction.removeLast() }
        return max(0, fraction.count - exponent)
    }

    /// The exact decimal digits of a finite, non-negative double: its integer part and all its fraction
    /// digits (a double is m × 2^e, so it has at most 1074 of them), the digits of m × 5^-e with -e of them
    /// after the point; for a double of 2^52 or more, which is whole, the digits of m × 2^e and no fraction.
    static func exactDigits(of value: Double) -> (integer: [UInt8], fraction: [UInt8])? {
        guard value.isFinite, value >= 0 else { return nil }
        let exponentBits = Int(value.exponentBitPattern)
        let significandBits = value.significandBitPattern
        let significand = exponentBits == 0 ? significandBits : significandBits | (1 << 52)
        let exponent = (exponentBits == 0 ? 1 : exponentBits) - 1075
        // m × 5^-e, or m × 2^e, in base 10^9 limbs, least significant first.
        let base: UInt64 = 1_000_000_000
        var limbs: [UInt64] = [significand % base, (significand / base) % base, significand / (base * base)]
        for _ in 0..<abs(exponent) {
            var carry: UInt64 = 0
            for index in limbs.indices {
                let product = limbs[index] * (exponent < 0 ? 5 : 2) + carry
                limbs[index] = product % base
                carry = product / base
            }
            if carry > 0 { limbs.append(carry) }
        }
        while limbs.count > 1, limbs.last == 0 { limbs.removeLast() }
        var text = String(limbs.last ?? 0)
        for limb in limbs.dropLast().reversed() {
            let part = String(limb)
            text += String(repeating: "0", count: 9 - part.count) + part
        }
        var digits = Array(text.utf8).map { $0 &- 48 }
        guard exponent < 0 else { return (digits, []) }
        let fractionCount = -exponent
        if digits.count < fractionCount + 1 {
            digits.insert(contentsOf: [UInt8](repeating: 0, count: fractionCount + 1 - digits.count), at: 0)
        }
        return (Array(digits.dropLast(fractionCount)), Array(digits.suffix(fractionCount)))
    }
}
