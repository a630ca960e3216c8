import Crypto
import Foundation

/// Iterable's encoding and hashing helpers: `base64`, `hexEncode`, `toUrlEncodedJson`, `md5`, `sha1`,
/// `sha256`, `hmacSHA1` and `hmacSHA256`. Text is taken as its UTF-8 bytes; digests are lowercase hex.
///
/// Iterable's HMAC helpers sign with a key set in the project's settings; here the key is the second
/// parameter, usually a secret: `{{hmacSHA256 email secret.hmac_key}}`.
extension TemplateRenderer {
    mutating func callEncodingHelper(_ call: TemplateCall) throws(TemplateError) -> JSONValue? {
        switch call.helper {
        case .base64: return try mapText(call, Self.base64)
        case .hexEncode: return try mapText(call) { Self.hex(Array($0.utf8)) }
        case .toUrlEncodedJson:
            return .string(TemplateEncoding.formEncoded((try evaluate(call.params[0]) ?? .null).jsonText))
        case .md5: return try mapText(call) { Self.hex(Insecure.MD5.hash(data: Array($0.utf8))) }
        case .sha1: return try mapText(call) { Self.hex(Insecure.SHA1.hash(data: Array($0.utf8))) }
        case .sha256: return try mapText(call) { Self.hex(SHA256.hash(data: Array($0.utf8))) }
        case .hmacSHA1, .hmacSHA256:
            let key = SymmetricKey(data: Array(try text(call.params[1]).utf8))
            if call.helper == .hmacSHA1 {
                return try mapText(call) { Self.hex(HMAC<Insecure.SHA1>.authenticationCode(for: Array($0.utf8), using: key)) }
            }
            return try mapText(call) { Self.hex(HMAC<SHA256>.authenticationCode(for: Array($0.utf8), using: key)) }
        default:
            throw error(call.offset, "'\(call.helper.rawValue)' is not an encoding helper")
        }
    }

    /// Standard Base64 (RFC 4648 §4, padded) of `text`'s UTF-8 bytes.
    static func base64(_ text: String) -> String {
        Data(text.utf8).base64EncodedString()
    }

    private static func hex(_ bytes: some Sequence<UInt8>) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 15)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
