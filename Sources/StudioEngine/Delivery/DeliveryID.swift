import Foundation
import StudioModel
import Synchronization

/// Identifiers for deliveries: `msg_` followed by a ULID (time-ordered, 26 Crockford base32 chars),
/// sent as `webhook-id` and kept the same on every retry and replay.
public enum DeliveryID {
    /// Crockford's base32 digits, as bytes.
    private static let alphabet = Array("0123456789ABCDEFGHJKMNPQRSTVWXYZ".utf8)

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

    /// `count` ULIDs at `date` that follow each other by one (the ULID spec's monotonic form):
    /// they sort, and can be read back, in the order made, and the n-th is
    /// ``ulid(_:advancedBy:)`` of the first. The random part starts low enough never to overflow.
    public static func sequentialULIDs(count: Int, at date: Date = Date()) -> [String] {
        var digits = Array(ulid(at: date).utf8)
        // The top digit of the random part below 16: 2^75 values of headroom.
        digits[10] = alphabet[Int(value(of: digits[10]) & 15)]
        var ulids: [String] = []
        ulids.reserveCapacity(count)
        for _ in 0..<count {
            ulids.append(String(decoding: digits, as: UTF8.self))
            add(1, to: &digits)
        }
        return ulids
    }

    /// `ulid` plus `offset` in its 80-bit random part, carrying through the Crockford digits.
    public static func ulid(_ ulid: String, advancedBy offset: Int) -> String {
        var digits = Array(ulid.utf8)
        guard digits.count == 26, offset >= 0 else { return ulid }
        add(offset, to: &digits)
        return String(decoding: digits, as: UTF8.self)
    }

    /// A Crockford digit's value, from a table rather than a search of the alphabet.
    private static let values: [UInt8] = {
        var table = [UInt8](repeating: 0, count: 256)
        for (value, byte) in alphabet.enumerated() { table[Int(byte)] = UInt8(value) }
        return table
    }()

    private static func value(of digit: UInt8) -> UInt8 { values[Int(digit)] }

    private static func add(_ offset: Int, to digits: inout [UInt8]) {
        var carry = offset
        var index = 25
        while carry > 0, index >= 10 {
            let sum = Int(value(of: digits[index])) + carry
            digits[index] = alphabet[sum & 31]
            carry = sum >> 5
            index -= 1
        }
    }

    private static func ulid(at date: Date, random: (UInt64, UInt64)) -> String {
        let milliseconds = UInt64(max(0, date.timeIntervalSince1970 * 1000))
        var digits = [UInt8](repeating: alphabet[0], count: 26)
        var time = milliseconds
        for index in stride(from: 9, through: 0, by: -1) {
            digits[index] = alphabet[Int(time & 31)]
            time >>= 5
        }
        // 80 random bits from two draws, five bits per character.
        var (high, low) = random
        for index in 10..<26 {
            if index < 22 {
                digits[index] = alphabet[Int(high & 31)]
                high >>= 5
            } else {
                digits[index] = alphabet[Int(low & 31)]
                low >>= 5
            }
        }
        return String(decoding: digits, as: UTF8.self)
    }
}
