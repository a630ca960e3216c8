import Foundation

/// A response body as it is stored: the text when it is UTF-8 without NUL, otherwise its base64
/// with a flag (delivery.md §8.10), so that binary answers are kept exactly and every view can
/// show them. A NUL makes a body binary because SQLite's text, and every C string, ends at it.
struct StoredBody: Equatable {
    var text: String
    var isBase64: Bool

    /// - Parameter truncated: Whether `bytes` were cut at the size limit; a UTF-8 sequence cut
    ///   in half at the end is then dropped instead of making the body binary.
    init(_ bytes: some Collection<UInt8>, truncated: Bool) {
        guard !bytes.contains(0) else {
            self.init(text: Data(bytes).base64EncodedString(), isBase64: true)
            return
        }
        if let text = String(validating: bytes, as: UTF8.self) {
            self.init(text: text, isBase64: false)
            return
        }
        if truncated {
            for cut in 1...3 where bytes.count >= cut {
                if let text = String(validating: bytes.dropLast(cut), as: UTF8.self) {
                    self.init(text: text, isBase64: false)
                    return
                }
            }
        }
        self.init(text: Data(bytes).base64EncodedString(), isBase64: true)
    }

    init(text: String, isBase64: Bool) {
        self.text = text
        self.isBase64 = isBase64
    }
}
