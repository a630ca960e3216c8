import Foundation
import GRDB
import StudioModel

/// The embedded store: one SQLite file per workspace (`.hookline/state.sqlite`), in WAL mode.
///
/// ```swift
/// let store = try SQLiteStateStore(path: ".hookline/state.sqlite")
/// try store.saveUsers(profiles)
/// let stored = try store.recordAttempts(attempts)
/// ```
public final class SQLiteStateStore: StateStore {
    let writer: StoreWriter
    /// The file; nil for an in-memory store.
    public let path: String?
    /// The file as opened: the store writes nothing once another file, or none, is at ``path``.
    private let openedFile: StoreFileIdentity?
    /// Whether the file was there and empty (0 bytes) when opened, and so became a new store.
    public let wasEmptyFile: Bool

    /// Opens the store at `path`, creating it and its folder if needed, migrated to this version.
    ///
    /// Before anything else is read or written, the file is checked: a store written by a newer
    /// Hookline, one lacking tables or columns this version writes, one shorter than its own
    /// header says (cut short) or that SQLite finds damaged, an empty file beside a write-ahead
    /// log that is not, and a file or folder this user cannot write are refused with a
    /// ``StoreError`` naming the file and what to do.
    ///
    /// - Parameter readonly: Open it for reading only (`hookline logs`, `watch`, `validate`), so
    ///   that a store this user may read but not write can be read. No file, or an empty one, is
    ///   then left as it is and refused (``StoreError/isNothingStored``) rather than made a new
    ///   store. A store an older Hookline wrote is still migrated first, which needs it writable.
    ///   Default: false.
    public init(path: String, readonly: Bool = false) throws {
        self.path = path
        let opening = try Self.openStore(path: path, readonly: readonly)
        writer = StoreWriter(opening.database, path: path)
        wasEmptyFile = opening.wasEmptyFile
        openedFile = StoreFileIdentity(path: path)
        if !readonly, let openedFile {
            // What a process writes into a removed store is lost with it: refused, so that
            // nothing is answered as stored that is not (`hookline serve` answers 500 then).
            writer.database.add(
                transactionObserver: StoreFileGuard(path: path, opened: openedFile), extent: .databaseLifetime)
        }
    }

    /// An in-memory store for tests.
    public init() throws {
        let database = try DatabaseQueue()
        try Self.migrator.migrate(database)
        writer = StoreWriter(database, path: ":memory:")
        path = nil
        openedFile = nil
        wasEmptyFile = false
    }

    /// Why what is written to the store from now on would be lost or wrong, or nil while it is
    /// sound: its file was removed or replaced since it was opened (looked at now), or SQLite
    /// found it damaged (kept from the first time). Nil for an in-memory store.
    public var problem: StoreError? {
        if let path, let openedFile {
            switch StoreFileIdentity(path: path) {
            case nil: return .removed(path)
            case let identity? where identity != openedFile: return .replaced(path)
            default: break
            }
        }
        return writer.damage
    }

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.create(table: "user") { t in
                t.primaryKey("email", .text)
                t.column("profile", .text).notNull()
            }
            try db.create(table: "event") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("email", .text).notNull()
                t.column("name", .text).notNull()
                t.column("dataFields", .text).notNull()
                t.column("createdAt", .datetime).notNull()
            }
            try db.create(table: "journey") { t in
                t.primaryKey("id", .text)
                t.column("workflowID", .text).notNull()
                t.column("email", .text).notNull()
                t.column("nodeID", .text)
                t.column("status", .text).notNull()
                t.column("wakeAt", .datetime)
                t.column("updatedAt", .datetime).notNull()
            }
            try db.create(table: "attempt") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("startedAt", .datetime).notNull()
                t.column("deliveryID", .text).notNull().indexed()
                t.column("attempt", .integer).notNull()
                t.column("workflowID", .text)
                t.column("nodeID", .text)
                t.column("webhookID", .text)
                t.column("userEmail", .text)
                t.column("method", .text).notNull()
                t.column("url", .text).notNull()
                t.column("requestHeaders", .text).notNull()
                t.column("requestBody", .text).notNull()
                t.column("status", .integer)
                t.column("responseHeaders", .text).notNull()
                t.column("responseBody", .text).notNull()
                t.column("responseTruncated", .boolean).notNull()
                t.column("latencyMs", .double).notNull()
                t.column("errorClass", .text)
                t.column("errorMessage", .text)
            }
        }
        migrator.registerMigration("v2-outbox") { db in
            try db.alter(table: "journey") { t in
                t.add(column: "triggerName", .text)
                t.add(column: "triggerData", .text)
                t.add(column: "triggerAt", .datetime)
            }
            try db.create(index: "journey_on_status", on: "journey", columns: ["status"])
            try db.alter(table: "attempt") { t in
                t.add(column: "trigger", .text).notNull().defaults(to: AttemptTrigger.scheduled.rawValue)
                t.add(column: "responseBodyBase64", .boolean).notNull().defaults(to: false)
            }
            try db.create(table: "delivery") { t in
                t.primaryKey("id", .text)
                t.column("kind", .text).notNull()
                t.column("journeyID", .text).indexed()
                t.column("workflowID", .text)
                t.column("nodeID", .text)
                t.column("webhookID", .text).notNull()
                t.column("email", .text)
                t.column("snapshot", .text).notNull()
                t.column("status", .text).notNull()
                t.column("attempts", .integer).notNull()
                // Unix seconds: cheaper to bind than GRDB's date text, and ordered the same.
                t.column("nextAttemptAt", .double).notNull()
                t.column("leaseOwner", .text)
                t.column("leaseUntil", .double)
                t.column("createdAt", .double).notNull()
                t.column("updatedAt", .double).notNull()
            }
            try db.create(index: "delivery_on_status", on: "delivery", columns: ["status", "nextAttemptAt"])
            try db.create(table: "endpointPause") { t in
                t.primaryKey("endpoint", .text)
                t.column("reason", .text).notNull()
                t.column("pausedAt", .double).notNull()
            }
        }
        migrator.registerMigration("v3-journey-pages") { db in
            // Resume reads unfinished journeys a page at a time, in id order, per status.
            try db.create(index: "journey_on_status_id", on: "journey", columns: ["status", "id"])
            try db.drop(index: "journey_on_status")
        }
        migrator.registerMigration("v4-entry-limits") { db in
            // A workflow's entry limits count one user's journeys in it.
            try db.create(index: "journey_on_email_workflow", on: "journey", columns: ["email", "workflowID"])
            // Retention deletes finished journeys; what they counted towards a lifetime limit stays.
            try db.create(table: "journeyPruned", options: .withoutRowID) { t in
                t.column("workflowID", .text).notNull()
                t.column("email", .text).notNull()
                t.column("count", .integer).notNull()
                t.primaryKey(["workflowID", "email"])
            }
        }
        migrator.registerMigration("v5-lists") { db in
            // Static lists (Iterable's List Membership): filled by nodes and imports, read by list starts.
            try db.create(table: "listMember", options: .withoutRowID) { t in
                t.column("list", .text).notNull()
                t.column("email", .text).notNull()
                t.column("addedAt", .double).notNull()
                t.primaryKey(["list", "email"])
            }
        }
        migrator.registerMigration("v6-response-version") { db in
            try db.alter(table: "attempt") { t in t.add(column: "responseVersion", .text) }
        }
        migrator.registerMigration("v7-event-id") { db in
            // Iterable's event id: one stored event per id, so a client's retry starts nothing twice.
            try db.alter(table: "event") { t in t.add(column: "eventID", .text) }
            try db.execute(sql: "CREATE UNIQUE INDEX event_on_eventID ON event(eventID) WHERE eventID IS NOT NULL")
        }
        migrator.registerMigration("v8-lowercase-emails", migrate: lowercaseEmails)
        migrator.registerMigration("v9-profile-field-types", migrate: createProfileFields)
        migrator.registerMigration("v10-event-field-types", migrate: createEventFields)
        migrator.registerMigration("v11-response-reason") { db in
            try db.alter(table: "attempt") { t in t.add(column: "responseReason", .text) }
        }
        // A 429's hold on its host outlives the process, as an endpoint's pause does.
        migrator.registerMigration("v12-host-hold") { db in
            try db.create(table: "hostHold") { t in
                t.primaryKey("host", .text)
                t.column("until", .double).notNull()
            }
        }
        // "What did we send to this user?" (`--user` of `hookline logs` and `hookline watch`) read
        // every attempt of the store without it: 0.85 s for 1,000,000. Each index costs every
        // attempt's insert; webhooks and workflows are few, so the newest attempts of one are
        // found near the end without one, and their filters stay unindexed.
        migrator.registerMigration("v13-attempt-user-index") { db in
            try db.create(index: "attempt_on_userEmail", on: "attempt", columns: ["userEmail"])
        }
        return migrator
    }

    public func saveUsers(_ profiles: [JSONObject]) throws {
        try writer.write { db in
            let statement = try db.cachedStatement(sql: "INSERT OR REPLACE INTO user (email, profile) VALUES (?, ?)")
            var fields = ProfileFields(db)
            for profile in profiles {
                guard let email = profile["email"]?.stringValue else { continue }
                try statement.execute(arguments: [email, JSONValue.object(profile).jsonText])
                try fields.record(profile)
            }
        }
    }

    @discardableResult
    public func mergeUsers(
        _ updates: [JSONObject], mergeNestedObjects: Bool, keepingTypes: Bool = false, createNewFields: Bool = true
    ) throws -> (created: Int, updated: Int) {
        let merged = try merge(
            updates.map { ProfileUpdate(fields: $0, mergeNestedObjects: mergeNestedObjects) },
            conflicts: keepingTypes ? .refuseAll : .ignore, createNewFields: createNewFields)
        return (merged.created, merged.updated)
    }

    public func mergeUsersKeepingTypes(_ updates: [ProfileUpdate], createNewFields: Bool) throws -> KeptTypesMerge {
        try merge(updates, conflicts: .leaveOut, createNewFields: createNewFields).report
    }

    /// What ``merge(_:conflicts:createNewFields:)`` does with an update that gives a field a value
    /// of another type than the field keeps.
    private enum TypeConflicts {
        /// Merge it all the same (fixtures, the demo's users).
        case ignore
        /// Throw the conflict: nothing of any update is stored.
        case refuseAll
        /// Leave that update out, whole, and store the others.
        case leaveOut
    }

    /// ``mergeUsers(_:mergeNestedObjects:keepingTypes:createNewFields:)`` and
    /// ``mergeUsersKeepingTypes(_:createNewFields:)``: one transaction that reads each user's
    /// profile once, merges its updates in order, and writes it once.
    private func merge(_ updates: [ProfileUpdate], conflicts: TypeConflicts, createNewFields: Bool) throws
        -> (created: Int, updated: Int, report: KeptTypesMerge)
    {
        try writer.write { db in
            let read = try db.cachedStatement(sql: "SELECT profile FROM user WHERE email = ?")
            let save = try db.cachedStatement(sql: "INSERT OR REPLACE INTO user (email, profile) VALUES (?, ?)")
            var profiles: [String: JSONObject] = [:]
            var stored = Set<String>()
            var order: [String] = []
            var seen = Set<String>()
            var report = KeptTypesMerge()
            // Read and written in this transaction, so a field another request added meanwhile
            // counts, and one an earlier update of this batch added counts for the later ones.
            var fields = ProfileFields(db)
            for (index, given) in updates.enumerated() {
                guard let email = given.fields["email"]?.stringValue else { continue }
                var update = given.fields
                if seen.insert(email).inserted {
                    order.append(email)
                    if let text = try String.fetchOne(read, arguments: [email]), let profile = try? JSONValue.parse(text).objectValue {
                        profiles[email] = profile
                        stored.insert(email)
                    }
                }
                let current = profiles[email]
                if !createNewFields {
                    for key in update.keys where key != "email" && current?[key] == nil {
                        guard try !fields.isKnown(key) else { continue }
                        update[key] = nil
                        if !report.filteredOutFields.contains(key) { report.filteredOutFields.append(key) }
                    }
                }
                let fieldTypes = conflicts == .ignore ? [:] : try fields.types(of: update.keys)
                if conflicts != .ignore {
                    update = ProfileMerge.coercing(update, toTypesOf: current ?? JSONObject(), fieldTypes: fieldTypes)
                }
                if conflicts != .ignore,
                    var conflict = ProfileMerge.typeConflict(in: update, with: current ?? JSONObject(), fieldTypes: fieldTypes)
                {
                    conflict.user = email
                    conflict.update = index
                    guard conflicts == .leaveOut else { throw conflict }
                    // Before anything of it is recorded: a field only it would add stays unknown.
                    report.leftOut.append(conflict)
                    continue
                }
                let merged =
                    current.map { ProfileMerge.merge(update, into: $0, mergeNestedObjects: given.mergeNestedObjects) } ?? update
                for key in update.keys where key != "email" && current?[key] == nil {
                    if try !fields.isKnown(key) { report.createdFields.append(key) }
                }
                try fields.record(merged, over: current)
                profiles[email] = merged
            }
            var (created, updated) = (0, 0)
            for email in order {
                guard let profile = profiles[email] else { continue }
                try save.execute(arguments: [email, JSONValue.object(profile).jsonText])
                if stored.contains(email) { updated += 1 } else { created += 1 }
            }
            return (created, updated, report)
        }
    }

    public func mergeKeepingTypes(_ update: JSONObject, intoUser email: String, mergeNestedObjects: Bool) throws
        -> (profile: JSONObject, refused: [ProfileMerge.FieldTypeConflict])
    {
        var refused: [ProfileMerge.FieldTypeConflict] = []
        var fieldTypes: [String: ProfileMerge.FieldType] = [:]
        let profile = try modifyUser(email: email, reading: { fields in fieldTypes = try fields.types(of: update.keys) }) {
            profile in
            (profile, refused) = ProfileMerge.mergeKeepingTypes(
                update, into: profile, mergeNestedObjects: mergeNestedObjects, fieldTypes: fieldTypes)
        }
        return (profile, refused)
    }

    public func profileFieldTypes() throws -> [String: ProfileMerge.FieldType] {
        try writer.read { db in
            var types: [String: ProfileMerge.FieldType] = [:]
            let rows = try Row.fetchCursor(db, sql: "SELECT name, type FROM profileField WHERE type IS NOT NULL")
            while let row = try rows.next() {
                let name: String = try row.stored("name", of: "profileField")
                let type: String = try row.stored("type", of: "profileField")
                types[name] = ProfileMerge.FieldType(rawValue: type)
            }
            return types
        }
    }

    public func setFieldsKeepingTypes(_ values: [(field: String, value: JSONValue)], ofUser email: String) throws
        -> (profile: JSONObject, refused: [ProfileMerge.FieldTypeConflict])
    {
        var refused: [ProfileMerge.FieldTypeConflict] = []
        var fieldTypes: [String: ProfileMerge.FieldType] = [:]
        let topLevelNames = values.map { String($0.field.prefix { $0 != "." }) }
        let profile = try modifyUser(email: email, reading: { fields in fieldTypes = try fields.types(of: topLevelNames) }) {
            profile in
            (profile, refused) = ProfileMerge.settingKeepingTypes(values, in: profile, fieldTypes: fieldTypes)
        }
        return (profile, refused)
    }

    /// Reads user `email`'s profile (the address alone for a user not stored), calls `read` with
    /// the project's fields, lets `change` alter the profile and writes it back, in one
    /// transaction, so that what another request changed meanwhile is kept; returns the profile written.
    private func modifyUser(
        email: String, reading read: (inout ProfileFields) throws -> Void, _ change: (inout JSONObject) -> Void
    ) throws -> JSONObject {
        try writer.write { db in
            let text = try String.fetchOne(db.cachedStatement(sql: "SELECT profile FROM user WHERE email = ?"), arguments: [email])
            let previous = text.flatMap { try? JSONValue.parse($0).objectValue }
            var profile = previous ?? JSONObject([("email", .string(email))])
            var fields = ProfileFields(db)
            try read(&fields)
            change(&profile)
            try db.cachedStatement(sql: "INSERT OR REPLACE INTO user (email, profile) VALUES (?, ?)")
                .execute(arguments: [email, JSONValue.object(profile).jsonText])
            try fields.record(profile, over: previous)
            return profile
        }
    }

    public func user(email: String) throws -> JSONObject? {
        try writer.read { db in
            try String.fetchOne(db.cachedStatement(sql: "SELECT profile FROM user WHERE email = ?"), arguments: [email])
        }.flatMap { try? JSONValue.parse($0).objectValue }
    }

    /// Profiles of `emails` read in one transaction with one cached statement; a profile that
    /// is not a JSON object counts as unknown, as in ``user(email:)``.
    public func users(emails: [String]) throws -> [String: JSONObject] {
        guard !emails.isEmpty else { return [:] }
        let texts = try writer.read { db -> [(String, String)] in
            let statement = try db.cachedStatement(sql: "SELECT profile FROM user WHERE email = ?")
            var found: [(String, String)] = []
            found.reserveCapacity(emails.count)
            for email in emails {
                if let text = try String.fetchOne(statement, arguments: [email]) { found.append((email, text)) }
            }
            return found
        }
        var profiles: [String: JSONObject] = [:]
        profiles.reserveCapacity(texts.count)
        for (email, text) in texts {
            if let profile = try? JSONValue.parse(text).objectValue { profiles[email] = profile }
        }
        return profiles
    }

    public func userEmails(after email: String?, limit: Int) throws -> [String] {
        try writer.read { db in try Self.userEmails(after: email, limit: limit, in: db) }
    }

    static func userEmails(after email: String?, limit: Int, in db: Database) throws -> [String] {
        try String.fetchAll(
            db, sql: "SELECT email FROM user WHERE email > ? ORDER BY email LIMIT ?", arguments: [email ?? "", limit])
    }

    public func userEmails(before email: String?, limit: Int) throws -> [String] {
        try writer.read { db in
            // Walked backwards along the primary key's index, so the page costs `limit` rows
            // wherever it lies, then put back in address order.
            let descending: [String]
            if let email {
                descending = try String.fetchAll(
                    db, sql: "SELECT email FROM user WHERE email < ? ORDER BY email DESC LIMIT ?", arguments: [email, limit])
            } else {
                descending = try String.fetchAll(db, sql: "SELECT email FROM user ORDER BY email DESC LIMIT ?", arguments: [limit])
            }
            return descending.reversed()
        }
    }

    public func userCount() throws -> Int {
        try writer.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM user") ?? 0 }
    }

    /// Stores an event and, as Iterable's track does, creates its user when the address is new —
    /// in one statement that never replaces a profile written meanwhile.
    static func insert(_ event: TrackedEvent, in db: Database) throws {
        try recordFieldTypes(of: event, in: db)
        try createUser(of: event, in: db)
        try db.execute(
            sql: "INSERT INTO event (email, name, dataFields, createdAt, eventID) VALUES (?, ?, ?, ?, ?)",
            arguments: [
                event.email, event.name, JSONValue.object(event.dataFields).jsonText, event.createdAt.storedDatabaseValue,
                event.id,
            ])
    }

    /// Records the types of `event`'s top-level data fields for its name, as a profile write
    /// records a profile's: a field new to the name gets its value's type.
    /// - Throws: ``EventFieldTypeConflict`` when a field has another type than it keeps for the
    ///   name (Iterable refuses such an event); nothing of the transaction is then stored.
    private static func recordFieldTypes(of event: TrackedEvent, in db: Database) throws {
        var fields = ProfileFields(db, scope: .event(event.name))
        let types = try fields.types(of: event.dataFields.keys)
        if let conflict = ProfileMerge.typeConflict(in: event.dataFields, with: JSONObject(), fieldTypes: types) {
            throw EventFieldTypeConflict(eventName: event.name, conflict: conflict)
        }
        try fields.record(event.dataFields)
    }

    public func eventFieldTypes(_ eventName: String, of fields: some Sequence<String>) throws -> [String: ProfileMerge.FieldType] {
        try writer.read { db in
            var table = ProfileFields(db, scope: .event(eventName))
            return try table.types(of: fields)
        }
    }

    /// Creates `event`'s user, with its address alone, when no user has that address; a stored
    /// profile is never replaced.
    private static func createUser(of event: TrackedEvent, in db: Database) throws {
        try db.execute(
            sql: "INSERT OR IGNORE INTO user (email, profile) VALUES (?, ?)",
            arguments: [event.email, JSONValue.object(JSONObject([("email", .string(event.email))])).jsonText])
    }

    /// Updates the stored event with `event`'s ``TrackedEvent/id`` to `event`; false when no event
    /// has that id, or `event` has none. An event sent again under another address moves to it,
    /// and that address becomes a user, as any event's does.
    static func updateStoredEvent(to event: TrackedEvent, in db: Database) throws -> Bool {
        guard let id = event.id else { return false }
        try recordFieldTypes(of: event, in: db)
        try db.execute(
            sql: "UPDATE event SET email = ?, name = ?, dataFields = ?, createdAt = ? WHERE eventID = ?",
            arguments: [
                event.email, event.name, JSONValue.object(event.dataFields).jsonText, event.createdAt.storedDatabaseValue,
                id,
            ])
        guard db.changesCount > 0 else { return false }
        try createUser(of: event, in: db)
        return true
    }

    public func saveJourneys(_ journeys: [JourneyRecord]) throws {
        guard !journeys.isEmpty else { return }
        // Made before the transaction, so that the store's one writer is held only to bind and step.
        let rows = journeys.map(Self.row(of:))
        try writer.write { db in try Self.writeJourneys(rows, in: db) }
    }

    public func journeyAddresses(from first: String, through last: String) throws -> [(id: String, email: String)] {
        try writer.read { db in
            try Row.fetchAll(
                db, sql: "SELECT id, email FROM journey WHERE id BETWEEN ? AND ? ORDER BY id", arguments: [first, last])
        }.compactMap { row in
            guard let id: String = row["id"], let email: String = row["email"] else { return nil }
            return (id, email)
        }
    }

    /// Inserts or updates journeys' rows, made by ``row(of:)``.
    static func writeJourneys(_ rows: [StatementArguments], in db: Database) throws {
        let statement = try db.cachedStatement(
            sql: """
                INSERT INTO journey (id, workflowID, email, nodeID, status, wakeAt, updatedAt,
                  triggerName, triggerData, triggerAt)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT(id) DO UPDATE SET nodeID = excluded.nodeID, status = excluded.status,
                  wakeAt = excluded.wakeAt, updatedAt = excluded.updatedAt
                """)
        for row in rows { try statement.execute(arguments: row) }
    }

    /// The values of `journey`'s row, in the order ``writeJourneys(_:in:)`` binds them.
    static func row(of journey: JourneyRecord) -> StatementArguments {
        [
            journey.id, journey.workflowID, journey.email, journey.nodeID, journey.status.rawValue,
            journey.wakeAt.storedDatabaseValue, journey.updatedAt.storedDatabaseValue, journey.trigger?.name,
            journey.trigger.map { JSONValue.object($0.dataFields).jsonText },
            journey.trigger?.createdAt.storedDatabaseValue,
        ]
    }

    public func recordAttempts(_ attempts: consuming [AttemptRecord], settling settlements: [DeliverySettlement]) throws
        -> [AttemptRecord]
    {
        guard !attempts.isEmpty || !settlements.isEmpty else { return [] }
        // Handed over by the caller, so the ids are set in place instead of in a copy of every record.
        var stored = consume attempts
        // Made before the transaction, so that the store's one writer is held only to bind and step.
        let settlementRows = Self.rows(settling: settlements)
        let attemptRows = stored.map(Self.row(of:))
        try writer.write { db in
            try Self.settle(settlementRows, in: db)
            let statement = try db.cachedStatement(
                sql: """
                    INSERT INTO attempt (startedAt, deliveryID, attempt, workflowID, nodeID, webhookID, userEmail,
                      method, url, requestHeaders, requestBody, status, responseHeaders, responseBody,
                      responseTruncated, latencyMs, errorClass, errorMessage, trigger, responseBodyBase64, responseVersion,
                      responseReason)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """)
            for (index, row) in attemptRows.enumerated() {
                try statement.execute(arguments: row)
                stored[index].id = db.lastInsertedRowID
            }
        }
        return stored
    }

    /// The values of `attempt`'s row, in the order ``recordAttempts(_:settling:)`` inserts them.
    private static func row(of attempt: AttemptRecord) -> StatementArguments {
        var errorMessage: String?
        if case .failed(_, let message) = attempt.outcome { errorMessage = message }
        return [
            attempt.startedAt.storedDatabaseValue, attempt.deliveryID, attempt.attempt, attempt.workflowID,
            attempt.nodeID, attempt.webhookID, attempt.userEmail, attempt.method, attempt.url,
            encode(attempt.requestHeaders), attempt.requestBody, attempt.status, encode(attempt.responseHeaders),
            attempt.responseBody, attempt.responseTruncated, attempt.latencyMilliseconds, attempt.outcome.errorClass,
            errorMessage, attempt.trigger.rawValue, attempt.responseBodyIsBase64, attempt.responseVersion,
            attempt.responseReason,
        ]
    }

    public func recentAttempts(limit: Int) throws -> [AttemptRecord] {
        try writer.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM attempt ORDER BY id DESC LIMIT ?", arguments: [limit]).reversed()
                .map(Self.attempt(from:))
        }
    }

    public func attemptCount() throws -> Int {
        try writer.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM attempt") ?? 0 }
    }

    /// `[[name, value], …]` as compact JSON, the same text as building the `JSONValue`. Written as
    /// bytes and made a string once: appending to a `String` piece by piece cost twice as much.
    private static func encode(_ headers: [HeaderField]) -> String {
        guard !headers.isEmpty else { return "[]" }
        var out: [UInt8] = []
        out.reserveCapacity(headers.reduce(2) { $0 + $1.name.utf8.count + $1.value.utf8.count + 8 })
        out.append(UInt8(ascii: "["))
        for (index, header) in headers.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            out.append(UInt8(ascii: "["))
            JSONValue.writeQuoted(header.name, to: &out)
            out.append(UInt8(ascii: ","))
            JSONValue.writeQuoted(header.value, to: &out)
            out.append(UInt8(ascii: "]"))
        }
        out.append(UInt8(ascii: "]"))
        return String(decoding: out, as: UTF8.self)
    }

    private static func decodeHeaders(_ text: String) -> [HeaderField] {
        guard let pairs = try? JSONValue.parse(text).arrayValue else { return [] }
        return pairs.compactMap { pair in
            guard let items = pair.arrayValue, items.count == 2, let name = items[0].stringValue,
                let value = items[1].stringValue
            else { return nil }
            return HeaderField(name, value)
        }
    }

    /// The attempt a row of `attempt` holds.
    /// - Throws: ``StoredRowError`` when a column is missing or holds what this version never
    ///   writes there (a store changed by another version or by hand), instead of stopping.
    static func attempt(from row: Row) throws -> AttemptRecord {
        func value<Value: DatabaseValueConvertible>(_ column: String) throws -> Value {
            try row.stored(column, of: "attempt")
        }
        func optional<Value: DatabaseValueConvertible>(_ column: String) throws -> Value? {
            try row.storedIfPresent(column, of: "attempt")
        }
        let status: Int? = try optional("status")
        let errorClass: String? = try optional("errorClass")
        let outcome: AttemptOutcome
        if let errorClass, errorClass != "http" {
            outcome = .failed(errorClass: errorClass, message: try optional("errorMessage") ?? "")
        } else if let status, (200..<300).contains(status) {
            outcome = .success
        } else {
            outcome = .httpError
        }
        return AttemptRecord(
            id: try value("id"), startedAt: try value("startedAt"), deliveryID: try value("deliveryID"),
            attempt: try value("attempt"), workflowID: try optional("workflowID"), nodeID: try optional("nodeID"),
            webhookID: try optional("webhookID"), userEmail: try optional("userEmail"), method: try value("method"),
            url: try value("url"), requestHeaders: decodeHeaders(try value("requestHeaders")),
            requestBody: try value("requestBody"), status: status, responseVersion: try optional("responseVersion"),
            responseReason: try optional("responseReason"),
            responseHeaders: decodeHeaders(try value("responseHeaders")), responseBody: try value("responseBody"),
            responseTruncated: try value("responseTruncated"),
            responseBodyIsBase64: try optional("responseBodyBase64") ?? false, latencyMilliseconds: try value("latencyMs"),
            outcome: outcome, trigger: AttemptTrigger(rawValue: try optional("trigger") ?? "") ?? .scheduled)
    }

    // MARK: - Field names

    public func userFieldNames() throws -> Set<String> {
        try topLevelKeys(column: "profile", table: "user")
    }

    public func eventFieldNames() throws -> Set<String> {
        try topLevelKeys(column: "dataFields", table: "event")
    }

    /// The distinct top-level keys of the JSON objects in `table.column`, read by SQLite's `json_each`
    /// without decoding any document in Swift. Text that is not a JSON object contributes nothing.
    private func topLevelKeys(column: String, table: String) throws -> Set<String> {
        let sql = """
            SELECT DISTINCT field.key FROM \(table),
              json_each(CASE WHEN NOT json_valid(\(column)) THEN '{}'
                WHEN json_type(\(column)) = 'object' THEN \(column) ELSE '{}' END)
                AS field
            """
        return try writer.read { db in Set(try String.fetchAll(db, sql: sql)) }
    }
}

extension Date {
    /// The instants, in seconds since 1970, that the store writes as text of its own and so reads
    /// back: 1970 to the end of 9999. Others are left to GRDB's formatter, whose text for a year
    /// outside them does not read back as a date.
    static let storableSeconds: Range<Double> = 0..<253_402_300_800

    private static let storedTextLimit = storableSeconds.upperBound * 1000

    /// The text GRDB stores a date as, `yyyy-MM-dd HH:mm:ss.SSS` in UTC to the nearest
    /// millisecond, written digit by digit instead of through GRDB's `DateFormatter`. Stored rows
    /// read and sort as before; dates before 1970 or after 9999 take GRDB's own path.
    var storedDatabaseValue: DatabaseValue {
        let milliseconds = (timeIntervalSince1970 * 1000).rounded()
        guard milliseconds >= 0, milliseconds < Self.storedTextLimit else { return databaseValue }
        return Self.storedText(milliseconds: Int(milliseconds)).databaseValue
    }

    /// `yyyy-MM-dd HH:mm:ss.SSS` of a non-negative count of milliseconds since 1970, in UTC.
    private static func storedText(milliseconds: Int) -> String {
        let (days, millisecondOfDay) = milliseconds.quotientAndRemainder(dividingBy: 86_400_000)
        let (year, month, day) = civilDate(daysSince1970: days)
        let seconds = millisecondOfDay / 1000
        return String(unsafeUninitializedCapacity: 23) { text in
            func put(_ value: Int, digits: Int, at offset: Int) {
                var value = value
                for position in (offset..<offset + digits).reversed() {
                    text[position] = UInt8(ascii: "0") + UInt8(value % 10)
                    value /= 10
                }
            }
            put(year, digits: 4, at: 0)
            text[4] = UInt8(ascii: "-")
            put(month, digits: 2, at: 5)
            text[7] = UInt8(ascii: "-")
            put(day, digits: 2, at: 8)
            text[10] = UInt8(ascii: " ")
            put(seconds / 3600, digits: 2, at: 11)
            text[13] = UInt8(ascii: ":")
            put(seconds / 60 % 60, digits: 2, at: 14)
            text[16] = UInt8(ascii: ":")
            put(seconds % 60, digits: 2, at: 17)
            text[19] = UInt8(ascii: ".")
            put(millisecondOfDay % 1000, digits: 3, at: 20)
            return 23
        }
    }

    /// The proleptic Gregorian year, month and day of a day count from 1970-01-01 (not negative),
    /// by Howard Hinnant's `civil_from_days`.
    private static func civilDate(daysSince1970 days: Int) -> (year: Int, month: Int, day: Int) {
        let shifted = days + 719_468
        let era = shifted / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthFromMarch = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthFromMarch + 2) / 5 + 1
        let month = monthFromMarch < 10 ? monthFromMarch + 3 : monthFromMarch - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}

extension Optional<Date> {
    /// ``Foundation/Date/storedDatabaseValue``, or NULL.
    var storedDatabaseValue: DatabaseValue { map(\.storedDatabaseValue) ?? .null }
}
