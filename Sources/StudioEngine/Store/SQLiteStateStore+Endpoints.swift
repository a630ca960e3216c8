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
}
