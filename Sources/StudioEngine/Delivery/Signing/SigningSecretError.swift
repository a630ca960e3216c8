import Foundation

/// Why a Standard Webhooks signing secret was refused. Never carries the secret itself.
public struct SigningSecretError: Error, Sendable, Hashable, CustomStringConvertible {
    private enum Code: Sendable, Hashable {
        case empty
        case notBase64
        case wrongLength(Int)
    }

    private let code: Code

    /// No secret, or `whsec_` with nothing after it.
    public static let empty = Self(code: .empty)
    /// The part after `whsec_` is not base64.
    public static let notBase64 = Self(code: .notBase64)
    /// The key decodes to `byteCount` bytes, outside 24–64.
    public static func wrongLength(_ byteCount: Int) -> Self { Self(code: .wrongLength(byteCount)) }

    /// A short, stable label: `empty`, `not_base64` or `wrong_length`.
    public var label: String {
        switch code {
        case .empty: "empty"
        case .notBase64: "not_base64"
        case .wrongLength: "wrong_length"
        }
    }

    public var description: String {
        let expected = "expected whsec_ followed by base64 of 24 to 64 random bytes"
        return switch code {
        case .empty: "the signing secret is empty; \(expected)"
        case .notBase64: "the signing secret is not valid base64; \(expected)"
        case .wrongLength(let count): "the signing secret decodes to \(count) bytes; \(expected)"
        }
    }
}
