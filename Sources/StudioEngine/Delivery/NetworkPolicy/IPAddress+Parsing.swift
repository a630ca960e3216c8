extension IPAddress {
    /// Reads IPv4 the way `inet_aton` and the WHATWG URL host parser do, so a host that some
    /// resolver would treat as a number is never mistaken for a name.
    ///
    /// | parts | layout | example |
    /// |---|---|---|
    /// | 1 | 32 | `2130706433`, `0x7f000001`, `017700000001` |
    /// | 2 | 8.24 | `127.1` |
    /// | 3 | 8.8.16 | `127.0.1` |
    /// | 4 | 8.8.8.8 | `127.0.0.1`, `0177.0.0.01`, `0x7f.0.0.1` |
    static func parseIPv4(_ text: String) -> UInt32? {
        guard !text.isEmpty, text.utf8.count <= 64 else { return nil }
        var parts = text.split(separator: ".", omittingEmptySubsequences: false)
        // WHATWG: a single trailing dot is ignored ("127.0.0.1." is 127.0.0.1).
        if parts.count > 1, parts.last?.isEmpty == true { parts.removeLast() }
        guard (1...4).contains(parts.count) else { return nil }
        var numbers: [UInt64] = []
        for part in parts {
            guard let number = parseIPv4Number(part) else { return nil }
            numbers.append(number)
        }
        var result: UInt64 = 0
        for (index, number) in numbers.enumerated() {
            let isLast = index == numbers.count - 1
            if isLast {
                let remainingBits = UInt64(8 * (5 - numbers.count))
                guard number < (1 << remainingBits) else { return nil }
                result |= number
            } else {
                guard number <= 255 else { return nil }
                result |= number << UInt64(24 - 8 * index)
            }
        }
        return UInt32(exactly: result)
    }

    /// One IPv4 part: decimal, octal with a leading `0`, or hex with `0x`/`0X`.
    private static func parseIPv4Number(_ part: Substring) -> UInt64? {
        guard !part.isEmpty, part.allSatisfy(\.isASCII) else { return nil }
        var digits = part
        var radix = 10
        if digits.count >= 2, digits.hasPrefix("0x") || digits.hasPrefix("0X") {
            digits = digits.dropFirst(2)
            radix = 16
            // WHATWG treats a bare "0x" as zero.
            if digits.isEmpty { return 0 }
        } else if digits.count >= 2, digits.hasPrefix("0") {
            digits = digits.dropFirst()
            radix = 8
        }
        // Cap the length so the value cannot overflow before the range check.
        guard digits.count <= 32, digits.allSatisfy({ $0.isHexDigit }) else { return nil }
        return UInt64(digits, radix: radix)
    }

    /// Reads IPv6 text (RFC 4291 §2.2), with optional brackets; zone ids are refused.
    static func parseIPv6(_ text: String) -> UInt128? {
        var body = Substring(text)
        if body.hasPrefix("[") && body.hasSuffix("]") && body.count >= 2 {
            body = body.dropFirst().dropLast()
        }
        guard body.contains(":"), body.utf8.count <= 45,
            body.allSatisfy({ $0.isASCII && ($0.isHexDigit || $0 == ":" || $0 == ".") })
        else { return nil }

        let halves = body.split(separator: "::", omittingEmptySubsequences: false).map(String.init)
        guard halves.count <= 2 else { return nil }
        guard let head = parseIPv6Groups(halves[0], allowsIPv4Tail: halves.count == 1) else { return nil }
        var groups = head
        if halves.count == 2 {
            guard let tail = parseIPv6Groups(halves[1], allowsIPv4Tail: true) else { return nil }
            // "::" stands for at least one zero group.
            guard head.count + tail.count <= 7 else { return nil }
            groups += Array(repeating: 0, count: 8 - head.count - tail.count) + tail
        }
        guard groups.count == 8 else { return nil }
        return groups.reduce(UInt128(0)) { ($0 << 16) | UInt128($1) }
    }

    /// Colon-separated groups of one to four hex digits; the last may be a dotted IPv4 address.
    private static func parseIPv6Groups(_ text: String, allowsIPv4Tail: Bool) -> [UInt16]? {
        guard !text.isEmpty else { return [] }
        let pieces = text.split(separator: ":", omittingEmptySubsequences: false)
        var groups: [UInt16] = []
        for (index, piece) in pieces.enumerated() {
            if piece.contains(".") {
                guard allowsIPv4Tail, index == pieces.count - 1, let ipv4 = parseStrictDottedQuad(piece) else {
                    return nil
                }
                groups.append(UInt16(truncatingIfNeeded: ipv4 >> 16))
                groups.append(UInt16(truncatingIfNeeded: ipv4))
            } else {
                guard (1...4).contains(piece.count), let group = UInt16(piece, radix: 16) else { return nil }
                groups.append(group)
            }
        }
        return groups
    }

    /// Four decimal octets, as the tail of an IPv6 address must be (RFC 4291 §2.2, item 3).
    private static func parseStrictDottedQuad(_ text: Substring) -> UInt32? {
        let octets = text.split(separator: ".", omittingEmptySubsequences: false)
        guard octets.count == 4 else { return nil }
        var result: UInt32 = 0
        for octet in octets {
            guard (1...3).contains(octet.count), octet.allSatisfy({ $0.isASCII && $0.isNumber }),
                let value = UInt32(octet), value <= 255
            else { return nil }
            result = result << 8 | value
        }
        return result
    }
}
