import GRDB
import StudioModel

/// The project's profile fields (table `profileField`): each top-level field some profile was
/// stored with, and the type it keeps, as Iterable fixes a field's type for the whole project.
///
/// A row is written in the transaction that first stores the field for any user, with the type
/// of that value; a field first stored as null has a row without a type until a value gives it
/// one. A type is never changed afterwards. Every profile write of ``SQLiteStateStore`` keeps it,
/// so the ingest API reads one row per field it is sent instead of scanning the profiles.
/// `email` is every user's key, not a field of the project, and has no row.
struct ProfileFields {
    /// What the table holds for one field.
    enum Entry: Equatable {
        /// No user was ever stored with the field.
        case absent
        /// Stored as null only: known to the project, without a type yet.
        case untyped
        case typed(ProfileMerge.FieldType)

        var type: ProfileMerge.FieldType? {
            if case .typed(let type) = self { return type }
            return nil
        }
    }

    private let db: Database
    /// The entries read or written in this transaction, so a batch reads each field once.
    private var entries: [String: Entry] = [:]

    init(_ db: Database) {
        self.db = db
    }

    /// The table's entry for `field`.
    mutating func entry(_ field: String) throws -> Entry {
        if let entry = entries[field] { return entry }
        let entry: Entry
        if let row = try Row.fetchOne(
            db.cachedStatement(sql: "SELECT type FROM profileField WHERE name = ?"), arguments: [field])
        {
            let type: String? = row[0]
            entry = type.flatMap(ProfileMerge.FieldType.init(rawValue:)).map(Entry.typed) ?? .untyped
        } else {
            entry = .absent
        }
        entries[field] = entry
        return entry
    }

    /// Whether some user was ever stored with the top-level field `field` (`createNewFields`).
    mutating func isKnown(_ field: String) throws -> Bool {
        try entry(field) != .absent
    }

    /// The types the project keeps for those of `fields` that have one.
    mutating func types(of fields: some Sequence<String>) throws -> [String: ProfileMerge.FieldType] {
        var types: [String: ProfileMerge.FieldType] = [:]
        for field in fields where field != "email" {
            if let type = try entry(field).type { types[field] = type }
        }
        return types
    }

    /// Records that `value` was stored in the top-level field `field`: a new field gets a row with
    /// the value's type (none for null), an untyped one takes the value's type; a typed field
    /// keeps its type, whatever the value.
    mutating func record(_ field: String, _ value: JSONValue) throws {
        guard field != "email" else { return }
        let type = ProfileMerge.FieldType(of: value)
        switch try entry(field) {
        case .absent:
            try db.cachedStatement(sql: "INSERT INTO profileField (name, type) VALUES (?, ?)")
                .execute(arguments: [field, type?.rawValue])
        case .untyped:
            guard let type else { return }
            try db.cachedStatement(sql: "UPDATE profileField SET type = ? WHERE name = ?")
                .execute(arguments: [type.rawValue, field])
        case .typed:
            return
        }
        entries[field] = type.map(Entry.typed) ?? .untyped
    }

    /// ``record(_:_:)`` for each top-level field of `fields`.
    mutating func record(_ fields: JSONObject) throws {
        for (field, value) in fields.pairs { try record(field, value) }
    }

    /// Records the fields `profile` holds that `previous` did not hold with the same value: what
    /// a write of `profile` over `previous` stored.
    mutating func record(_ profile: JSONObject, over previous: JSONObject?) throws {
        for (field, value) in profile.pairs where previous?[field] != value { try record(field, value) }
    }
}

extension SQLiteStateStore {
    /// Migration `v9-profile-field-types`: creates `profileField` (``ProfileFields``) and fills it
    /// once from the stored profiles, with one pass of SQLite's `json_each` over them.
    ///
    /// Before it, a field's type was kept per user, so profiles may disagree on one. The field
    /// then keeps the type most profiles hold it with (on a tie, the first of array, boolean,
    /// number, object, string): the others' values stay as they are, and a later update of such
    /// a user must give the field's type, as for any user. A field only ever stored as null gets
    /// a row without a type. Text that is not a JSON object adds nothing.
    static func createProfileFields(_ db: Database) throws {
        try db.create(table: "profileField", options: .withoutRowID) { t in
            t.primaryKey("name", .text)
            t.column("type", .text)
        }
        let rows = try Row.fetchCursor(
            db,
            sql: """
                SELECT field.key AS name,
                  CASE field.type WHEN 'true' THEN 'boolean' WHEN 'false' THEN 'boolean'
                    WHEN 'integer' THEN 'number' WHEN 'real' THEN 'number' WHEN 'text' THEN 'string'
                    WHEN 'array' THEN 'array' WHEN 'object' THEN 'object' END AS type,
                  COUNT(*) AS holders
                FROM user,
                  json_each(CASE WHEN NOT json_valid(profile) THEN '{}'
                    WHEN json_type(profile) = 'object' THEN profile ELSE '{}' END) AS field
                WHERE field.key <> 'email'
                GROUP BY name, type
                ORDER BY name, type
                """)
        var chosen: [String: (type: String?, holders: Int)] = [:]
        var order: [String] = []
        while let row = try rows.next() {
            let name: String = try row.stored("name", of: "user")
            let type: String? = row["type"]
            let holders: Int = row["holders"] ?? 0
            guard let current = chosen[name] else {
                order.append(name)
                chosen[name] = (type, holders)
                continue
            }
            // Rows come in type order, null first: a typed row replaces none, and a later type
            // only one more profiles hold.
            if type != nil, current.type == nil || holders > current.holders { chosen[name] = (type, holders) }
        }
        let insert = try db.makeStatement(sql: "INSERT INTO profileField (name, type) VALUES (?, ?)")
        for name in order { try insert.execute(arguments: [name, chosen[name]?.type]) }
    }
}
