import Foundation
import GRDB
import StudioModel

extension SQLiteStateStore {
    public func enqueueDeliveries(_ deliveries: [OutboxDelivery], journeys: [JourneyRecord]) throws {
        guard !deliveries.isEmpty || !journeys.isEmpty else { return }
        // Made before the transaction: the store's one writer, which every sender and recorder
        // waits for, is held only to bind and step.
        let journeyRows = journeys.map(Self.row(of:))
        let deliveryRows = deliveries.map(Self.row(of:))
        try writer.write { db in
            try Self.writeJourneys(journeyRows, in: db)
            let statement = try db.cachedStatement(
                sql: """
                    INSERT INTO delivery (id, kind, journeyID, workflowID, nodeID, webhookID, email, snapshot, status,
                      attempts, nextAttemptAt, leaseOwner, leaseUntil, createdAt, updatedAt)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """)
            for row in deliveryRows { try statement.execute(arguments: row) }
        }
    }

    /// The values of `delivery`'s row, in the order ``enqueueDeliveries(_:journeys:)`` inserts them.
    private static func row(of delivery: OutboxDelivery) -> StatementArguments {
        [
            delivery.id, delivery.kind.rawValue, delivery.journeyID, delivery.workflowID, delivery.nodeID,
            delivery.webhookID, delivery.email, delivery.snapshot.jsonText, delivery.status.rawValue,
            delivery.attempts, delivery.nextAttemptAt.unixSeconds, delivery.leaseOwner,
            delivery.leaseUntil?.unixSeconds, delivery.createdAt.unixSeconds, delivery.createdAt.unixSeconds,
        ]
    }

    /// Applies settlements; a settled delivery gives up its lease. A delivery cancelled (by
    /// another process, while an attempt of it was in flight here) is not made unsettled again
    /// by that attempt's retry: it stays cancelled, and the retry is not made.
    /// - Parameter rows: ``rows(settling:)``, made before the transaction.
    static func settle(_ rows: [StatementArguments], in db: Database) throws {
        guard !rows.isEmpty else { return }
        let cancelled = OutboxDelivery.Status.cancelled.rawValue
        let statement = try db.cachedStatement(
            sql: """
                UPDATE delivery SET
                  status = CASE WHEN status = '\(cancelled)' AND NOT ?4 THEN status ELSE ?1 END,
                  attempts = ?2, nextAttemptAt = COALESCE(?3, nextAttemptAt),
                  leaseUntil = CASE WHEN ?4 OR status = '\(cancelled)' THEN NULL ELSE COALESCE(?5, leaseUntil) END,
                  leaseOwner = CASE WHEN ?4 OR status = '\(cancelled)' THEN NULL ELSE leaseOwner END, updatedAt = ?6
                WHERE id = ?7
                """)
        for row in rows { try statement.execute(arguments: row) }
    }

    /// The values ``settle(_:in:)`` binds for each of `settlements`, stamped now.
    static func rows(settling settlements: [DeliverySettlement]) -> [StatementArguments] {
        let now = Date().unixSeconds
        return settlements.map { settlement in
            [
                settlement.status.rawValue, settlement.attempts, settlement.nextAttemptAt?.unixSeconds,
                settlement.status.isSettled, settlement.leaseUntil?.unixSeconds, now, settlement.deliveryID,
            ]
        }
    }

    public func delivery(id: String) throws -> OutboxDelivery? {
        try writer.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM delivery WHERE id = ?", arguments: [id])
        }.flatMap(Self.delivery(from:))
    }

    public func deliveries(journeyID: String) throws -> [OutboxDelivery] {
        try writer.read { db in
            try Row.fetchAll(
                db, sql: "SELECT * FROM delivery WHERE journeyID = ? ORDER BY createdAt, rowid", arguments: [journeyID])
        }.compactMap(Self.delivery(from:))
    }

    public func deliveries(journeyIDs: [String]) throws -> [String: [OutboxDelivery]] {
        guard !journeyIDs.isEmpty else { return [:] }
        let rows = try writer.read { db in
            try Row.fetchAll(
                db,
                sql: "SELECT * FROM delivery WHERE journeyID IN (\(databaseQuestionMarks(count: journeyIDs.count))) ORDER BY createdAt, rowid",
                arguments: StatementArguments(journeyIDs))
        }
        return Dictionary(grouping: rows.compactMap(Self.delivery(from:)), by: { $0.journeyID ?? "" })
    }

    public func deliveries(matching filter: DeliveryFilter) throws -> [OutboxDelivery] {
        var conditions: [String] = []
        var arguments: StatementArguments = []
        if let webhookID = filter.webhookID {
            conditions.append("webhookID = ?")
            arguments += [webhookID]
        }
        if !filter.statuses.isEmpty {
            conditions.append("status IN (\(Array(repeating: "?", count: filter.statuses.count).joined(separator: ",")))")
            arguments += StatementArguments(filter.statuses.map(\.rawValue).sorted())
        }
        if let since = filter.since {
            conditions.append("createdAt >= ?")
            arguments += [since.unixSeconds]
        }
        if let until = filter.until {
            conditions.append("createdAt < ?")
            arguments += [until.unixSeconds]
        }
        let whereClause = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        return try writer.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM delivery \(whereClause) ORDER BY createdAt, rowid", arguments: arguments)
        }.compactMap(Self.delivery(from:))
    }

    public func deliveriesCancelled(since instant: Date) throws -> [String] {
        try writer.read { db in
            try String.fetchAll(
                db, sql: "SELECT id FROM delivery WHERE status = ? AND updatedAt >= ?",
                arguments: [OutboxDelivery.Status.cancelled.rawValue, instant.unixSeconds])
        }
    }

    public func claimUnsettledDeliveries(owner: String, leaseUntil: Date, now: Date) throws -> [OutboxDelivery] {
        let unsettled = OutboxDelivery.Status.unsettled.map { "'\($0.rawValue)'" }.joined(separator: ",")
        return try writer.write { db in
            let rows = try Row.fetchAll(
                db, sql: "SELECT * FROM delivery WHERE status IN (\(unsettled)) ORDER BY nextAttemptAt, rowid")
            let update = try db.cachedStatement(sql: "UPDATE delivery SET leaseOwner = ?, leaseUntil = ? WHERE id = ?")
            let leaseLength = leaseUntil.timeIntervalSince(now)
            var claimed: [OutboxDelivery] = []
            // Asked once per owner: it signals the process and may read /proc.
            var exited: [String: Bool] = [:]
            func hasExited(_ holder: String) -> Bool {
                if let known = exited[holder] { return known }
                let answer = LeaseOwner(holder)?.hasExited == true
                exited[holder] = answer
                return answer
            }
            for row in rows {
                guard var delivery = Self.delivery(from: row) else { continue }
                let free =
                    delivery.leaseOwner == nil || (delivery.leaseUntil ?? .distantPast) <= now
                    || hasExited(delivery.leaseOwner ?? "")
                guard free else { continue }
                delivery.leaseOwner = owner
                delivery.leaseUntil = max(leaseUntil, delivery.nextAttemptAt.addingTimeInterval(leaseLength))
                try update.execute(arguments: [owner, delivery.leaseUntil?.unixSeconds, delivery.id])
                claimed.append(delivery)
            }
            return claimed
        }
    }

    public func claimHeldDeliveries(webhookID: String, owner: String, leaseUntil: Date, now: Date) throws
        -> [OutboxDelivery]
    {
        try writer.write { db in
            let rows = try Row.fetchAll(
                db, sql: "SELECT * FROM delivery WHERE webhookID = ? AND status = ? ORDER BY createdAt, rowid",
                arguments: [webhookID, OutboxDelivery.Status.held.rawValue])
            let update = try db.cachedStatement(
                sql: "UPDATE delivery SET status = ?, nextAttemptAt = ?, leaseOwner = ?, leaseUntil = ?, updatedAt = ? WHERE id = ?")
            return try rows.compactMap(Self.delivery(from:)).map { held in
                var delivery = held
                // Pending when no attempt was made before the hold, else retrying: as any delivery due now.
                delivery.status = delivery.attempts > 0 ? .retrying : .pending
                delivery.nextAttemptAt = now
                delivery.leaseOwner = owner
                delivery.leaseUntil = leaseUntil
                try update.execute(arguments: [
                    delivery.status.rawValue, now.unixSeconds, owner, leaseUntil.unixSeconds, now.unixSeconds, delivery.id,
                ])
                return delivery
            }
        }
    }

    public func releaseLeases(owner: String) throws {
        // Settling a delivery already gives up its lease, so only unsettled rows (indexed by status) can hold one.
        let unsettled = OutboxDelivery.Status.unsettled.map { "'\($0.rawValue)'" }.joined(separator: ",")
        try writer.write { db in
            try db.execute(
                sql: "UPDATE delivery SET leaseOwner = NULL, leaseUntil = NULL WHERE status IN (\(unsettled)) AND leaseOwner = ?",
                arguments: [owner])
        }
    }

    public func unfinishedJourneys() throws -> [JourneyRecord] {
        try writer.read { db in
            try Row.fetchAll(
                db, sql: "SELECT * FROM journey WHERE status IN ('running', 'waiting') ORDER BY updatedAt, rowid")
        }.compactMap(Self.journey(from:))
    }

    public func journeys(email: String, limit: Int) throws -> [JourneyRecord] {
        try writer.read { db in
            try Row.fetchAll(
                // Without the trigger's data: the screen shows where a journey is, not what started it.
                db,
                sql: """
                    SELECT id, workflowID, email, nodeID, status, wakeAt, updatedAt FROM journey
                    WHERE email = ? ORDER BY updatedAt DESC, rowid DESC LIMIT ?
                    """,
                arguments: [email, limit])
        }.compactMap(Self.journey(from:))
    }

    /// Read in one transaction with one cached statement, as ``users(emails:)`` are: a batch of
    /// admitted journeys may be larger than SQLite takes arguments in one `IN`.
    public func journeys(ids: [String]) throws -> [String: JourneyRecord] {
        guard !ids.isEmpty else { return [:] }
        let rows = try writer.read { db -> [Row] in
            let statement = try db.cachedStatement(sql: "SELECT * FROM journey WHERE id = ?")
            return try ids.compactMap { try Row.fetchOne(statement, arguments: [$0]) }
        }
        var journeys: [String: JourneyRecord] = [:]
        journeys.reserveCapacity(rows.count)
        for journey in rows.compactMap(Self.journey(from:)) { journeys[journey.id] = journey }
        return journeys
    }

    public func journeys(
        _ status: JourneyRecord.Status, of workflowIDs: [String]?, after id: String?, updatedBy instant: Date,
        limit: Int
    ) throws -> [JourneyRecord] {
        var arguments: StatementArguments = [status.rawValue, id ?? "", instant.storedDatabaseValue]
        var ofWorkflows = ""
        if let workflowIDs {
            ofWorkflows = " AND workflowID IN (\(databaseQuestionMarks(count: workflowIDs.count)))"
            arguments += StatementArguments(workflowIDs)
        }
        arguments += [limit]
        return try writer.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT id, workflowID, email, nodeID, status, wakeAt, updatedAt FROM journey
                    WHERE status = ? AND id > ? AND updatedAt <= ?\(ofWorkflows) ORDER BY id LIMIT ?
                    """,
                arguments: arguments)
        }.compactMap(Self.journey(from:))
    }

    public func journeyCounts(_ status: JourneyRecord.Status, updatedBy instant: Date) throws -> [String: Int] {
        try writer.read { db in
            try Row.fetchAll(
                db, sql: "SELECT workflowID, COUNT(*) FROM journey WHERE status = ? AND updatedAt <= ? GROUP BY workflowID",
                arguments: [status.rawValue, instant.storedDatabaseValue])
        }.reduce(into: [:]) { counts, row in
            guard let workflowID: String = row[0], let count: Int = row[1] else { return }
            counts[workflowID] = count
        }
    }

    public func attempts(deliveryID: String) throws -> [AttemptRecord] {
        try writer.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM attempt WHERE deliveryID = ? ORDER BY id", arguments: [deliveryID])
                .map(Self.attempt(from:))
        }
    }

    public func immediateAttempts(deliveryID: String) throws -> ImmediateAttempts {
        try writer.read { db in
            let rows = try Row.fetchAll(
                db, sql: "SELECT trigger, status FROM attempt WHERE deliveryID = ? ORDER BY id", arguments: [deliveryID])
            return ImmediateAttempts(
                triggersAndStatuses: rows.map { row in
                    (AttemptTrigger(rawValue: row["trigger"] ?? ""), row["status"])
                })
        }
    }

    private static func delivery(from row: Row) -> OutboxDelivery? {
        guard let kind = OutboxDelivery.Kind(rawValue: row["kind"] ?? ""),
            let status = OutboxDelivery.Status(rawValue: row["status"] ?? ""),
            let snapshot = DeliverySnapshot(jsonText: row["snapshot"] ?? ""),
            let id: String = row["id"], let webhookID: String = row["webhookID"],
            let nextAttemptAt = Date(unixSeconds: row["nextAttemptAt"])
        else { return nil }
        return OutboxDelivery(
            id: id, kind: kind, journeyID: row["journeyID"], workflowID: row["workflowID"], nodeID: row["nodeID"],
            webhookID: webhookID, email: row["email"], snapshot: snapshot, status: status, attempts: row["attempts"] ?? 0,
            nextAttemptAt: nextAttemptAt, leaseOwner: row["leaseOwner"], leaseUntil: Date(unixSeconds: row["leaseUntil"]),
            createdAt: Date(unixSeconds: row["createdAt"]) ?? nextAttemptAt)
    }

    private static func journey(from row: Row) -> JourneyRecord? {
        guard let id: String = row["id"], let workflowID: String = row["workflowID"], let email: String = row["email"],
            let status = JourneyRecord.Status(rawValue: row["status"] ?? "")
        else { return nil }
        var trigger: TrackedEvent?
        if let name: String = row["triggerName"] {
            let data = (row["triggerData"] as String?).flatMap { try? JSONValue.parse($0).objectValue } ?? JSONObject()
            trigger = TrackedEvent(
                email: email, name: name, dataFields: data, createdAt: leniently(row["triggerAt"]) ?? Date())
        }
        // A wake time no date can hold wakes the journey at once.
        let storedWake = row["wakeAt"] as DatabaseValue
        let wakeAt = storedWake.isNull ? nil : leniently(storedWake) ?? .distantPast
        return JourneyRecord(
            id: id, workflowID: workflowID, email: email, nodeID: row["nodeID"], status: status, wakeAt: wakeAt,
            trigger: trigger, updatedAt: leniently(row["updatedAt"]) ?? Date())
    }

    /// A stored instant, or nil when the value holds none. GRDB's typed read stops the process on
    /// a value it cannot decode, and an instant no date can hold (an event's createdAt sent in
    /// milliseconds, before the ingest API refused it) must not stop every later resume.
    private static func leniently(_ value: DatabaseValue) -> Date? {
        value.isNull ? nil : Date.fromDatabaseValue(value)
    }
}

extension Date {
    /// Seconds since 1970, as the outbox stores instants.
    fileprivate var unixSeconds: Double { timeIntervalSince1970 }

    fileprivate init?(unixSeconds: Double?) {
        guard let unixSeconds else { return nil }
        self.init(timeIntervalSince1970: unixSeconds)
    }
}
