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

    /// The first of `count` ULIDs at `date` that follow each other by one (the ULID spec's
    /// monotonic form), so the n-th is ``ulid(_:advancedBy:)`` of it and a run of them sorts, and
    /// can be read back, in the order made. The random part starts low enough never to overflow.
    public static func firstOfSequentialULIDs(at date: Date = Date()) -> String {
        var characters = Array(ulid(at: date))
        // The top character of the random part below 16: 2^75 values of headroom.
        if let value = alphabet.firstIndex(of: characters[10]) { characters[10] = alphabet[value & 15] }
        return String(characters)
    }

    /// `ulid` plus `offset` in its 80-bit random part, carrying through the Crockford digits.
    public static func ulid(_ ulid: String, advancedBy offset: Int) -> String {
        var characters = Array(ulid)
        guard characters.count == 26, offset >= 0 else { return ulid }
        var carry = offset
        var index = 25
        while carry > 0, index >= 10 {
            let digit = (alphabet.firstIndex(of: characters[index]) ?? 0) + carry
            characters[index] = alphabet[digit & 31]
            carry = digit >> 5
            index -= 1
        }
        return String(characters)
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
