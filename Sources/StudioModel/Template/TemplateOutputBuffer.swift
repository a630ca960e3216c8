/// The render output as UTF-8 bytes in one growable allocation: appends are a bounds check and a `memcpy`.
struct TemplateOutputBuffer {
    /// Bytes written so far (UTF-8 offset of the next byte).
    private(set) var count = 0
    private var storage: Storage

    /// One allocation; immutable, so reading its pointer needs no exclusivity check. Growing replaces it.
    private final class Storage {
        let pointer: UnsafeMutablePointer<UInt8>
        let capacity: Int

        init(capacity: Int) {
            self.capacity = max(capacity, 16)
            pointer = .allocate(capacity: self.capacity)
        }

        deinit { pointer.deallocate() }
    }

    init(capacity: Int) { storage = Storage(capacity: capacity) }

    var string: String { String(decoding: UnsafeBufferPointer(start: storage.pointer, count: count), as: UTF8.self) }

    @inline(__always)
    private mutating func reserve(_ extra: Int) -> UnsafeMutablePointer<UInt8> {
        if count + extra > storage.capacity {
            let grown = Storage(capacity: max(storage.capacity * 2, count + extra))
            grown.pointer.update(from: storage.pointer, count: count)
            storage = grown
        }
        return storage.pointer + count
    }

    @inline(__always)
    mutating func append(_ text: UnsafeBufferPointer<UInt8>) {
        guard let base = text.baseAddress, !text.isEmpty else { return }
        reserve(text.count).update(from: base, count: text.count)
        count += text.count
    }

    @inline(__always)
    static func += (buffer: inout TemplateOutputBuffer, text: String) {
        var text = text
        text.withUTF8 { buffer.append($0) }
    }

    @inline(__always)
    static func += (buffer: inout TemplateOutputBuffer, text: [UInt8]) {
        text.withUnsafeBufferPointer { buffer.append($0) }
    }

    @inline(__always)
    mutating func append(byte: UInt8) {
        reserve(1).initialize(to: byte)
        count += 1
    }

    mutating func append(_ scalar: Unicode.Scalar) {
        if scalar.isASCII {
            append(byte: UInt8(scalar.value))
        } else {
            self += String(scalar)
        }
    }

    /// Appends the decimal digits of `number`, as `String(number)` spells it.
    mutating func append(decimal number: Int) {
        if number < 0 { append(byte: UInt8(ascii: "-")) }
        var magnitude = number.magnitude
        // Digits are written backwards into a 24-byte scratch area (an Int has at most 19 digits).
        var scratch: (UInt64, UInt64, UInt64) = (0, 0, 0)
        var length = 0
        withUnsafeMutableBytes(of: &scratch) { digits in
            repeat {
                digits[23 - length] = UInt8(ascii: "0") + UInt8(truncatingIfNeeded: magnitude % 10)
                magnitude /= 10
                length += 1
            } while magnitude > 0
            let destination = UnsafeMutableRawPointer(reserve(length))
            destination.copyMemory(from: UnsafeRawPointer(digits.baseAddress.unsafelyUnwrapped) + 24 - length, byteCount: length)
        }
        count += length
    }
}
