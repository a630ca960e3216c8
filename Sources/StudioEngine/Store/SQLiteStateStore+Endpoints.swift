import Foundation
import GRDB

extension SQLiteStateStore {
    public func pausedEndpoints() throws -> [String: String] {
        try writer.read { db in
            Dictionary(
                try Row.fetchAll(db, sql: "SELECT endpoint, reason FROM endpointPause").map { row in
                    (try row.stored("endpoint", of: "endpointPause"), try row.stored("reason", of: "endpointPause"))
                },
                uniquingKeysWith: { first, _ in first })
        }
    }

    public func setEndpointPause(_ endpoint: String, reason: String?) throws {
        try writer.write { db in
            if let reason {
                try db.execute(
                    sql: "INSERT OR REPLACE INTO endpointPause (endpoint, reason, pausedAt) VALUES (?, ?, ?)",
                    arguments: [endpoint, reason, Date().timeIntervalSince1970])
            } else {
                try db.execute(sql: "DELETE FROM endpointPause WHERE endpoint = ?", arguments: [endpoint])
            }
        }
    }

    public func hostHolds(after now: Date) throws -> [String: Date] {
        try writer.read { db in
            Dictionary(
                try Row.fetchAll(
                    db, sql: "SELECT host, until FROM hostHold WHERE until > ?", arguments: [now.timeIntervalSince1970]
                ).map { row in
                    let until: Double = try row.stored("until", of: "hostHold")
                    return (try row.stored("host", of: "hostHold") as String, Date(timeIntervalSince1970: until))
                },
                uniquingKeysWith: max)
        }
    }

    public func setHostHold(_ host: String, until: Date) throws {
        try writer.write { db in
            try db.execute(sql: "DELETE FROM hostHold WHERE until <= ?", arguments: [Date().timeIntervalSince1970])
            try db.execute(
                sql: "INSERT INTO hostHold (host, until) VALUES (?, ?) ON CONFLICT(host) DO UPDATE SET until = max(until, excluded.until)",
                arguments: [host, until.timeIntervalSince1970])
        }
    }
}
