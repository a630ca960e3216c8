/// The render output as UTF-8 bytes: appending byte arrays is a plain copy, cheaper than `String` appends.
struct TemplateOutputBuffer {
    var bytes: [UInt8] = []

    init(capacity: Int) { bytes.reserveCapacity(capacity) }

    /// Bytes written so far (UTF-8 offset of the next byte).
    var count: Int { bytes.count }

    var string: String { String(decoding: bytes, as: UTF8.self) }

    @inline(__always)
    static func += (buffer: inout TemplateOutputBuffer, text: String) {
        buffer.bytes.append(contentsOf: text.utf8)
    }

    @inline(__always)
    static func += (buffer: inout TemplateOutputBuffer, text: [UInt8]) {
        buffer.bytes.append(contentsOf: text)
    }

    @inline(__always)
    mutating func append(byte: UInt8) { bytes.append(byte) }

    mutating func append(_ scalar: Unicode.Scalar) {
        if scalar.isASCII {
            bytes.append(UInt8(scalar.value))
        } else {
            bytes.append(contentsOf: String(scalar).utf8)
        }
    }
}
