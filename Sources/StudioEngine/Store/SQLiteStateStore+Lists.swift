import Foundation
import GRDB
import StudioModel

extension SQLiteStateStore {
    public func addToList(_ list: String, emails: [String]) throws -> Int {
        guard !emails.isEmpty else { return 0 }
        return try writer.write { db in
            let statement = try db.cachedStatement(
                sql: "INSERT INTO listMember (list, email, addedAt) VALUES (?, ?, ?) ON CONFLICT DO NOTHING")
            let now = Date().timeIntervalSince1970
            var added = 0
            for email in emails {
                try statement.execute(arguments: [list, email, now])
                added += db.changesCount
            }
            return added
        }
    }

    public func removeFromList(_ list: String, emails: [String]) throws -> Int {
        guard !emails.isEmpty else { return 0 }
        return try writer.write { db in
            let statement = try db.cachedStatement(sql: "DELETE FROM listMember WHERE list = ? AND email = ?")
            var removed = 0
            for email in emails {
                try statement.execute(arguments: [list, email])
                removed += db.changesCount
            }
            return removed
        }
    }

    public func listMembers(_ list: String, after email: String?, limit: Int) throws -> [String] {
        try writer.read { db in try Self.listMembers(list, after: email, limit: limit, in: db) }
    }

    static func listMembers(_ list: String, after email: String?, limit: Int, in db: Database) throws -> [String] {
        try String.fetchAll(
            db.cachedStatement(sql: "SELECT email FROM listMember WHERE list = ? AND email > ? ORDER BY email LIMIT ?"),
            arguments: [list, email ?? "", limit])
    }

    public func listNames() throws -> [String] {
        try writer.read { db in try String.fetchAll(db, sql: "SELECT DISTINCT list FROM listMember ORDER BY list") }
    }
}
