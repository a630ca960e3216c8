import GRDB
import StudioModel

extension SQLiteStateStore {
    /// Migration `v8-lowercase-emails`: addresses are stored as ``EmailAddress/normalized(_:)``
    /// gives them (lowercase, as Iterable does), so a store written before has its addresses
    /// lowercased in every table that names a user by one. Addresses that differ only in case
    /// become one user:
    /// - `user`: the profiles are merged by top-level field. They are applied in byte order of
    ///   their stored address with the lowercase one last, each one's fields replacing the same
    ///   fields before it: on a conflict the profile already stored lowercase wins, then the
    ///   address later in byte order (`ADA@x.com` loses to `Ada@x.com`). A field only one holds is
    ///   kept. A profile that is not a JSON object (read as no user before) adds nothing.
    /// - `listMember`: one membership per list, added at the earliest time.
    /// - `journeyPruned`: the pruned journeys counted towards entry limits are added up.
    /// - `event`, `journey`, `delivery` and `attempt` keep every row; only the address changes.
    ///
    /// The tables with a unique key on an address (`user`, `listMember`, `journeyPruned`) are
    /// merged into the lowercase row rather than renamed, so no step can fail on a duplicate key.
    static func lowercaseEmails(_ db: Database) throws {
        // SQLite's lower() changes ASCII letters only; this is the same function the app uses.
        let lowercase = DatabaseFunction("hookline_lowercase_email", argumentCount: 1, pure: true) { values in
            String.fromDatabaseValue(values[0]).map(EmailAddress.normalized)
        }
        db.add(function: lowercase)
        defer { db.remove(function: lowercase) }
        try mergeUsersDifferingInCase(db)
        try db.execute(
            sql: """
                INSERT INTO listMember (list, email, addedAt)
                  SELECT list, hookline_lowercase_email(email), addedAt FROM listMember
                  WHERE email <> hookline_lowercase_email(email)
                  ON CONFLICT (list, email) DO UPDATE SET addedAt = min(addedAt, excluded.addedAt);
                DELETE FROM listMember WHERE email <> hookline_lowercase_email(email);
                INSERT INTO journeyPruned (workflowID, email, count)
                  SELECT workflowID, hookline_lowercase_email(email), count FROM journeyPruned
                  WHERE email <> hookline_lowercase_email(email)
                  ON CONFLICT (workflowID, email) DO UPDATE SET count = count + excluded.count;
                DELETE FROM journeyPruned WHERE email <> hookline_lowercase_email(email);
                UPDATE event SET email = hookline_lowercase_email(email) WHERE email <> hookline_lowercase_email(email);
                UPDATE journey SET email = hookline_lowercase_email(email) WHERE email <> hookline_lowercase_email(email);
                UPDATE delivery SET email = hookline_lowercase_email(email) WHERE email <> hookline_lowercase_email(email);
                UPDATE attempt SET userEmail = hookline_lowercase_email(userEmail)
                  WHERE userEmail <> hookline_lowercase_email(userEmail);
                """)
    }

    /// Stores each profile whose address is not lowercase under its lowercase address, merged as
    /// ``lowercaseEmails(_:)`` says with the profiles already there.
    private static func mergeUsersDifferingInCase(_ db: Database) throws {
        var variants: [String: [(email: String, profile: String)]] = [:]
        let rows = try Row.fetchCursor(
            db, sql: "SELECT email, profile FROM user WHERE email <> hookline_lowercase_email(email)")
        while let row = try rows.next() {
            let email: String = try row.stored("email", of: "user")
            variants[EmailAddress.normalized(email), default: []].append((email, try row.stored("profile", of: "user")))
        }
        let delete = try db.makeStatement(sql: "DELETE FROM user WHERE email = ?")
        let stored = try db.makeStatement(sql: "SELECT profile FROM user WHERE email = ?")
        let save = try db.makeStatement(sql: "INSERT OR REPLACE INTO user (email, profile) VALUES (?, ?)")
        for (address, rows) in variants {
            let ordered = rows.sorted { $0.email.utf8.lexicographicallyPrecedes($1.email.utf8) }.map(\.profile)
            var merged = JSONObject()
            for text in try ordered + String.fetchAll(stored, arguments: [address]) {
                guard let profile = try? JSONValue.parse(text).objectValue else { continue }
                for (key, value) in profile.pairs { merged[key] = value }
            }
            merged["email"] = .string(address)
            for row in rows { try delete.execute(arguments: [row.email]) }
            try save.execute(arguments: [address, JSONValue.object(merged).jsonText])
        }
    }
}
