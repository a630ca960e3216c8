import NIOCore

/// Generates, chunk by chunk, a valid gzip stream (RFC 1952) that inflates to `expandsTo` zero bytes.
///
/// The deflate data (RFC 1951) is one fixed-Huffman block: a literal 0, then back-references of
/// length 258 at distance 1 (13 bits each, so about 1:160), then literals for the remainder.
/// The CRC-32 of n zero bytes comes from the zero-byte operator raised to the n-th power, so
/// nothing of the inflated size is ever computed or held.
struct GzipBomb {
    let expandsTo: Int
    private var matchesLeft: Int
    private var literalsLeft: Int
    private var phase = Phase.header
    private var bits: UInt64 = 0
    private var bitCount = 0

    private enum Phase { case header, data, trailer, done }

    init(expandsTo: Int) {
        self.expandsTo = max(1, expandsTo)
        matchesLeft = (self.expandsTo - 1) / 258
        literalsLeft = (self.expandsTo - 1) % 258
    }

    /// The next piece of the stream, about `size` bytes; `nil` once finished.
    mutating func next(size: Int = 64 * 1024) -> ByteBuffer? {
        var buffer = ByteBuffer()
        buffer.reserveCapacity(size + 16)
        while buffer.readableBytes < size {
            switch phase {
            case .header:
                // ID1 ID2 CM=deflate FLG=0 MTIME=0 XFL=0 OS=255 (unknown)
                buffer.writeBytes([0x1F, 0x8B, 0x08, 0x00, 0, 0, 0, 0, 0x00, 0xFF])
                put(1, count: 1)  // BFINAL
                put(1, count: 2)  // BTYPE = 01, fixed Huffman
                putCode(0x30, length: 8)  // literal 0
                phase = .data
            case .data:
                if matchesLeft > 0 {
                    let batch = min(matchesLeft, 4096)
                    for _ in 0..<batch {
                        putCode(0xC5, length: 8)  // length symbol 285 = 258, no extra bits
                        putCode(0, length: 5)  // distance symbol 0 = 1
                        flush(into: &buffer)
                    }
                    matchesLeft -= batch
                } else if literalsLeft > 0 {
                    putCode(0x30, length: 8)
                    literalsLeft -= 1
                } else {
                    putCode(0, length: 7)  // end of block (256)
                    if bitCount % 8 != 0 { put(0, count: 8 - bitCount % 8) }
                    phase = .trailer
                }
                flush(into: &buffer)
            case .trailer:
                buffer.writeInteger(Self.crc32OfZeros(count: expandsTo), endianness: .little, as: UInt32.self)
                buffer.writeInteger(UInt32(truncatingIfNeeded: expandsTo), endianness: .little, as: UInt32.self)
                phase = .done
            case .done:
                return buffer.readableBytes > 0 ? buffer : nil
            }
        }
        return buffer
    }

    /// Appends `count` bits of `value`, least significant first (how deflate packs header fields).
    private mutating func put(_ value: UInt64, count: Int) {
        bits |= value << UInt64(bitCount)
        bitCount += count
    }

    /// Appends a Huffman code, most significant bit first (RFC 1951 §3.1.1).
    private mutating func putCode(_ code: UInt64, length: Int) {
        var reversed: UInt64 = 0
        for index in 0..<length where code & (1 << UInt64(length - 1 - index)) != 0 {
            reversed |= 1 << UInt64(index)
        }
        put(reversed, count: length)
    }

    private mutating func flush(into buffer: inout ByteBuffer) {
        while bitCount >= 8 {
            buffer.writeInteger(UInt8(truncatingIfNeeded: bits))
            bits >>= 8
            bitCount -= 8
        }
    }

    /// CRC-32 (IEEE, as gzip uses it) of `count` zero bytes.
    static func crc32OfZeros(count: Int) -> UInt32 {
        // The register update for one zero input bit is linear over GF(2); as a 32×32 matrix,
        // column i is the image of bit i.
        var oneBit = [UInt32](repeating: 0, count: 32)
        oneBit[0] = 0xEDB8_8320
        for index in 1..<32 { oneBit[index] = 1 << UInt32(index - 1) }
        var power = oneBit
        for _ in 0..<3 { power = multiply(power, power) }  // 8 bits: one zero byte
        var register: UInt32 = 0xFFFF_FFFF
        var remaining = count
        while remaining > 0 {
            if remaining & 1 == 1 { register = apply(power, register) }
            remaining >>= 1
            if remaining > 0 { power = multiply(power, power) }
        }
        return register ^ 0xFFFF_FFFF
    }

    private static func apply(_ matrix: [UInt32], _ vector: UInt32) -> UInt32 {
        var result: UInt32 = 0
        for index in 0..<32 where vector & (1 << UInt32(index)) != 0 { result ^= matrix[index] }
        return result
    }

    private static func multiply(_ left: [UInt32], _ right: [UInt32]) -> [UInt32] {
        right.map { apply(left, $0) }
    }
}
