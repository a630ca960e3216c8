import Foundation

/// Identifiers for deliveries: `msg_` followed by a ULID (time-ordered, 26 Crockford base32 chars),
/// sent as `webhook-id` and kept the same on every retry and replay.
public enum DeliveryID {
    private static let alphabet = Array("0123456789ABCDEFGHJKMNPQRSTVWXYZ")

    public static func make(at date: Date = Date()) -> String {
        var generator = SystemRandomNumberGenerator()
        return make(at: date, using: &generator)
    }

    public static func make(at date: Date, using generator: inout some RandomNumberGenerator) -> String {
        "msg_" + ulid(at: date, using: &generator)
    }

    /// A ULID: 48 bits of milliseconds and 80 random bits, in 26 characters that sort by time.
    /// Also names journeys, where `UUID()` would read `/dev/urandom` through a file each time.
    public static func ulid(at date: Date = Date()) -> String {
        var generator = SystemRandomNumberGenerator()
        return ulid(at: date, using: &generator)
    }

    static func ulid(at date: Date, using generator: inout some RandomNumberGenerator) -> String {
        let milliseconds = UInt64(max(0, date.timeIntervalSince1970 * 1000))
        var characters = [Character](repeating: "0", count: 26)
        var time = milliseconds
        for index in stride(from: 9, through: 0, by: -1) {
            characters[index] = alphabet[Int(time & 31)]
            time >>= 5
        }
        // 80 random bits from two draws, five bits per character.
        var high = generator.next()
        var low = generator.next()
        for index in 10..<26 {
            if index < 22 {
                characters[index] = alphabet[Int(high & 31)]
                high >>= 5
            } else {
                characters[index] = alphabet[Int(low & 31)]
                low >>= 5
            }
        }
        return String(characters)
    }
}
