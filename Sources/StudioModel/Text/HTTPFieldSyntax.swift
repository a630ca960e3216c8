/// What RFC 9110 allows in a header field: the one check that validate (a header name in a
/// webhook file) and the request writer (a header about to be sent) share.
public enum HTTPFieldSyntax {
    /// RFC 9110 §5.6.2 `token`: letters, digits and ``tokenSymbols``, at least one.
    public static func isToken(_ name: String) -> Bool {
        !name.isEmpty
            && name.utf8.allSatisfy { byte in
                switch byte {
                case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                    UInt8(ascii: "0")...UInt8(ascii: "9"):
                    true
                default:
                    tokenSymbols.utf8.contains(byte)
                }
            }
    }

    /// The symbols a token may hold besides letters and digits.
    public static let tokenSymbols = "!#$%&'*+-.^_`|~"

    /// RFC 9110 §5.5: visible characters, spaces, tabs and obs-text; no other control character.
    public static func isFieldValue(_ value: String) -> Bool {
        value.utf8.allSatisfy { $0 == 0x09 || ($0 >= 0x20 && $0 != 0x7F) }
    }
}
