import Foundation
import StudioModel
import Synchronization

/// Identifiers for deliveries: `msg_` followed by a ULID (time-ordered, 26 Crockford base32 chars),
/// sent as `webhook-id` and kept the same on every retry and replay.
public enum DeliveryID {
    private static let alphabet = Array("0123456789ABCDEFGHJKMNPQRSTVWXYZ")

    /// The random part's source, seeded once from the system: `SystemRandomNumberGenerator`
    /// costs a `getrandom(2)` call per draw, four per delivery.
    private static let generator = Mutex(SplitMix64(seed: UInt64.random(in: .min ... .max)))

    public static func make(at date: Date = Date()) -> String {
        "msg_" + ulid(at: date)
    }

    /// A ULID: 48 bits of milliseconds and 80 random bits, in 26 characters that sort by time.
    /// Also names journeys, where `UUID()` would read `/dev/urandom` through a file each time.
    public static func ulid(at date: Date = Date()) -> String {
        let (high, low) = generator.withLock { ($0.next(), $0.next()) }
        return ulid(at: date, random: (high, low))
    }

    private static func ulid(at date: Date, random: (UInt64, UInt64)) -> String {
        let milliseconds = UInt64(max(0, date.timeIntervalSince1970 * 1000))
        var characters = [Character](repeating: "0", count: 26)
        var time = milliseconds
        for index in stride(from: 9, through: 0, by: -1) {
            characters[index] = alphabet[Int(time & 31)]
            time >>= 5
        }
        // 80 random bits from two draws, five bits per character.
        var (high, low) = random
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
