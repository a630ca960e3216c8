import Foundation
import GRDB
import Testing

@testable import StudioEngine

/// The store writes dates digit by digit; the text must be exactly what GRDB's own formatter
/// writes, so that rows stored before and after read and sort the same.
struct StoredDateTextTests {
    /// Instants around now, on day, month, year and leap-day edges, near and on half milliseconds.
    static let dates: [Date] = {
        var seconds: [Double] = [
            0, 0.0009, 0.001, 59.9999, 86_399.999_9, 951_782_400, 951_868_799.999_5, 1_709_164_800.5,
            1_735_689_599.999, 1_735_689_600, 4_102_444_800.123, 253_402_300_799.998,
        ]
        // Halfway between two milliseconds once multiplied by 1000.
        for base in [0.0, 1_700_000_000, 1_764_390_000] {
            for half in stride(from: 0.0005, to: 0.02, by: 0.001) { seconds.append(base + half) }
        }
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<2000 { seconds.append(Double.random(in: 0..<4_102_444_800, using: &generator)) }
        let now = Date().timeIntervalSince1970
        for _ in 0..<2000 { seconds.append(now + Double.random(in: -86_400...86_400, using: &generator)) }
        return seconds.map(Date.init(timeIntervalSince1970:))
    }()

    @Test func storedTextIsGRDBsText() {
        for date in Self.dates {
            #expect(date.storedDatabaseValue == date.databaseValue, "\(date.timeIntervalSince1970)")
        }
    }

    @Test func datesOutsideTheFastRangeUseGRDB() {
        for seconds: Double in [-1.5, -86_400 * 400, 253_402_300_800, 300_000_000_000] {
            let date = Date(timeIntervalSince1970: seconds)
            #expect(date.storedDatabaseValue == date.databaseValue)
        }
        #expect(Date?.none.storedDatabaseValue == .null)
    }
}
