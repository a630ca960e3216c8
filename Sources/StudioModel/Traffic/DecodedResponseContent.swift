/// A stored response body decoded from its `Content-Encoding`, as an HTTP Archive gives it
/// (HAR 1.2 `content`: "the decoded text", its `size` "the length of the returned content").
///
/// Made by the engine, which has the decompressor; ``AttemptHAR`` only writes it.
public struct DecodedResponseContent: Sendable, Hashable {
    /// The decoded bytes as UTF-8 text, or their base64 when they are not text.
    public var text: String
    public var isBase64: Bool
    /// How many decoded bytes `text` holds.
    public var byteCount: Int
    /// Whether the decoded body was cut: at the size limit, or where what was kept of the coded
    /// body ends (itself cut, or ended early).
    public var truncated: Bool

    /// What a display says above the decoded text: `(decoded from its Content-Encoding: 141 bytes)`.
    public var label: String { "(decoded from its Content-Encoding: \(byteCount) bytes)" }

    public init(text: String, isBase64: Bool, byteCount: Int, truncated: Bool) {
        self.text = text
        self.isBase64 = isBase64
        self.byteCount = byteCount
        self.truncated = truncated
    }
}
