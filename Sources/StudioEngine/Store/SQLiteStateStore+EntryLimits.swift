import Foundation
import GRDB
import StudioModel

extension SQLiteStateStore {
    public func startJourneys(
        _ entries: [(event: TrackedEvent?, journeys: [JourneyRecord])], within limits: [String: WorkflowLimits]
    ) throws -> [[JourneyRecord]?] {
        try writer.write { db in
            // Each event sees those before it in the transaction: its entry counts, an earlier copy of it.
            try entries.map { try Self.startJourneys($0.journeys, within: limits, recording: $0.event, in: db) }
        }
    }

    public func startJourneys(
        within limits: [String: WorkflowLimits], _ body: (any JourneyStarts) throws -> Void
    ) throws {
        try writer.write { db in try body(Starts(db: db, limits: limits)) }
    }

    /// ``JourneyStarts`` on the connection of a write transaction.
    private struct Starts: JourneyStarts {
        let db: Database
        let limits: [String: WorkflowLimits]

        func addresses(of list: String?, after email: String?, limit: Int) throws -> [String] {
            try list.map { try SQLiteStateStore.listMembers($0, after: email, limit: limit, in: db) }
                ?? SQLiteStateStore.userEmails(after: email, limit: limit, in: db)
        }

        func start(_ journeys: [JourneyRecord]) throws -> [JourneyRecord] {
            try SQLiteStateStore.startJourneys(journeys, within: limits, recording: nil, in: db) ?? []
        }

        func started(_ emails: [String], workflowID: String, since id: String) throws -> Set<String> {
            guard !emails.isEmpty else { return [] }
            let marks = Array(repeating: "?", count: emails.count).joined(separator: ",")
            let found = try String.fetchAll(
                db, sql: "SELECT DISTINCT email FROM journey WHERE email IN (\(marks)) AND workflowID = ? AND id >= ?",
                arguments: StatementArguments(emails + [workflowID, id]))
            return Set(found)
        }
    }

    private static func startJourneys(
        _ journeys: [JourneyRecord], within limits: [String: WorkflowLimits], recording event: TrackedEvent?,
        in db: Database
    ) throws -> [JourneyRecord]? {
        if let event, try updateStoredEvent(to: event, in: db) { return nil }
        var counts: [EntryKey: EntryCount] = [:]
        var started: [JourneyRecord] = []
        started.reserveCapacity(journeys.count)
        for journey in journeys {
            guard let limit = limits[journey.workflowID], !limit.isUnlimited else {
                started.append(journey)
                continue
            }
            let key = EntryKey(workflowID: journey.workflowID, email: journey.email)
            var count = try counts[key] ?? entryCount(of: key, in: db)
            if let lifetime = limit.lifetime, count.entered >= lifetime { continue }
            if let simultaneous = limit.simultaneous, count.active >= simultaneous { continue }
            count.entered += 1
            count.active += 1
            counts[key] = count
            started.append(journey)
        }
        try writeJourneys(started.map(row(of:)), in: db)
        if let event { try insert(event, in: db) }
        return started
    }

    public func entryCount(workflowID: String, email: String) throws -> EntryCount {
        try writer.read { db in try Self.entryCount(of: EntryKey(workflowID: workflowID, email: email), in: db) }
    }

    private struct EntryKey: Hashable {
        var workflowID: String
        var email: String
    }

    /// The journeys of one user in one workflow: stored and pruned ones, and those not ended.
    private static func entryCount(of key: EntryKey, in db: Database) throws -> EntryCount {
        let row = try Row.fetchOne(
            db.cachedStatement(
                sql: """
                    SELECT count(*) AS entered, count(*) FILTER (WHERE status IN ('running', 'waiting')) AS active,
                      (SELECT count FROM journeyPruned WHERE workflowID = ?1 AND email = ?2) AS pruned
                    FROM journey WHERE workflowID = ?1 AND email = ?2
                    """), arguments: [key.workflowID, key.email])
        let entered: Int = row?["entered"] ?? 0
        let pruned: Int = row?["pruned"] ?? 0
        return EntryCount(entered: entered + pruned, active: row?["active"] ?? 0)
    }
}

/// How often one user entered one workflow, for its entry limits.
public struct EntryCount: Sendable, Hashable {
    /// Every journey ever started, those deleted by retention included (Iterable's lifetime limit).
    public var entered: Int
    /// Journeys running or waiting now (the simultaneous limit).
    public var active: Int

    public init(entered: Int, active: Int) {
        self.entered = entered
        self.active = active
    }
}
