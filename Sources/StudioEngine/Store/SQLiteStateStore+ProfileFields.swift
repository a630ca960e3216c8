import GRDB
import StudioModel

/// The project's profile fields (table `profileField`): each top-level field some profile was
/// stored with, and the type it keeps, as Iterable fixes a field's type for the whole project;
/// or, with ``Scope/event(_:)``, the top-level `dataFields` of one event name (table
/// `eventField`), whose types Iterable fixes as well.
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

    /// Whose fields these are.
    enum Scope: Equatable {
        case profile
        /// The data fields of events of this name.
        case event(String)
    }

    private let db: Database
    private let scope: Scope
    /// The entries read or written in this transaction, so a batch reads each field once.
    private var entries: [String: Entry] = [:]

    init(_ db: Database, scope: Scope = .profile) {
        self.db = db
        self.scope = scope
    }

    /// The table's key columns after `name`, and their values, in the statements below.
    private var scopeColumn: (condition: String, columns: String, placeholders: String, values: [String]) {
        switch scope {
        case .profile: ("", "", "", [])
        case .event(let name): (" AND eventName = ?", ", eventName", ", ?", [name])
        }
    }

    private var table: String { scope == .profile ? "profileField" : "eventField" }

    /// The table's entry for `field`.
    mutating func entry(_ field: String) throws -> Entry {
        if let entry = entries[field] { return entry }
        let entry: Entry
        let key = scopeColumn
        if let row = try Row.fetchOne(
            db.cachedStatement(sql: "SELECT type FROM \(table) WHERE name = ?\(key.condition)"),
            arguments: StatementArguments([field] + key.values))
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
        guard field != "email" || scope != .profile else { return }
        let type = ProfileMerge.FieldType(of: value)
        let key = scopeColumn
        switch try entry(field) {
        case .absent:
            try insert(field, type: type?.rawValue)
        case .untyped:
            guard let type else { return }
            try db.cachedStatement(sql: "UPDATE \(table) SET type = ? WHERE name = ?\(key.condition)")
                .execute(arguments: StatementArguments([type.rawValue, field] + key.values))
        case .typed:
            return
        }
        entries[field] = type.map(Entry.typed) ?? .untyped
    }

    /// Adds the row of a field the table does not hold.
    mutating func insert(_ field: String, type: String?) throws {
        let key = scopeColumn
        try db.cachedStatement(sql: "INSERT INTO \(table) (name, type\(key.columns)) VALUES (?, ?\(key.placeholders))")
            .execute(arguments: StatementArguments(([field, type] as [(any DatabaseValueConvertible)?]) + key.values))
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
        try fillFieldTypes(db, from: "user", column: "profile", scope: nil)
    }

    /// Migration `v10-event-field-types`: creates `eventField` (``ProfileFields`` of
    /// ``ProfileFields/Scope/event(_:)``) and fills it from the stored events as v9 fills
    /// `profileField` from the profiles, per event name.
    static func createEventFields(_ db: Database) throws {
        try db.create(table: "eventField", options: .withoutRowID) { t in
            t.column("eventName", .text).notNull()
            t.column("name", .text).notNull()
            t.column("type", .text)
            t.primaryKey(["eventName", "name"])
        }
        try fillFieldTypes(db, from: "event", column: "dataFields", scope: "name")
    }

    /// Fills `profileField` (`scope` nil) or `eventField` (per the value of the `scope` column)
    /// with the type most rows of `table` hold each top-level field of their JSON `column` with.
    private static func fillFieldTypes(_ db: Database, from table: String, column: String, scope: String?) throws {
        let rows = try Row.fetchCursor(
            db,
            sql: """
                SELECT \(scope.map { "\(table).\($0)" } ?? "''") AS fieldScope, field.key AS fieldName,
                  CASE field.type WHEN 'true' THEN 'boolean' WHEN 'false' THEN 'boolean'
                    WHEN 'integer' THEN 'number' WHEN 'real' THEN 'number' WHEN 'text' THEN 'string'
                    WHEN 'array' THEN 'array' WHEN 'object' THEN 'object' END AS fieldType,
                  COUNT(*) AS holders
                FROM \(table),
                  json_each(CASE WHEN NOT json_valid(\(column)) THEN '{}'
                    WHEN json_type(\(column)) = 'object' THEN \(column) ELSE '{}' END) AS field
                WHERE \(scope == nil ? "field.key <> 'email'" : "1")
                GROUP BY fieldScope, fieldName, fieldType
                ORDER BY fieldScope, fieldName, fieldType
                """)
        struct Field: Hashable {
            var scope: String
            var name: String
        }
        var chosen: [Field: (type: String?, holders: Int)] = [:]
        var order: [Field] = []
        while let row = try rows.next() {
            let field = Field(scope: row["fieldScope"] ?? "", name: try row.stored("fieldName", of: table))
            let type: String? = row["fieldType"]
            let holders: Int = row["holders"] ?? 0
            guard let current = chosen[field] else {
                order.append(field)
                chosen[field] = (type, holders)
                continue
            }
            // Rows come in type order, null first: a typed row replaces none, and a later type
            // only one more rows hold.
            if type != nil, current.type == nil || holders > current.holders { chosen[field] = (type, holders) }
        }
        for field in order {
            var fields = ProfileFields(db, scope: scope == nil ? .profile : .event(field.scope))
            try fields.insert(field.name, type: chosen[field]?.type)
        }
    }
}
