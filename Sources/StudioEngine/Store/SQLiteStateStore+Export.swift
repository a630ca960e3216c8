import Foundation
import GRDB
import StudioModel

extension SQLiteStateStore {
    public func attempts(matching filter: AttemptFilter) throws -> [AttemptRecord] {
        let (sql, arguments) = Self.query(matching: filter)
        let following = filter.afterID != nil
        return try writer.read { db in
            let rows = try Row.fetchAll(db, sql: sql, arguments: arguments)
            return try (following ? rows : rows.reversed()).map(Self.attempt(from:))
        }
    }

    /// The query ``attempts(matching:)`` runs for `filter`: the most recent matches, newest
    /// first, or with an `afterID` the oldest after it.
    static func query(matching filter: AttemptFilter) -> (sql: String, arguments: StatementArguments) {
        var (conditions, arguments) = conditions(of: filter)
        if let afterID = filter.afterID {
            conditions.append("id > ?")
            arguments += [afterID]
        }
        arguments += [max(0, filter.limit)]
        let order = filter.afterID != nil ? "ASC" : "DESC"
        return ("SELECT * FROM attempt \(whereClause(conditions)) ORDER BY id \(order) LIMIT ?", arguments)
    }

    public func attemptIDs(matching filter: AttemptFilter) throws -> ClosedRange<Int64>? {
        var (conditions, arguments) = Self.conditions(of: filter)
        arguments += [max(0, filter.limit)]
        return try writer.read { db in
            let row = try Row.fetchOne(
                db,
                sql: "SELECT MIN(id) AS oldest, MAX(id) AS newest FROM (SELECT id FROM attempt \(Self.whereClause(conditions)) ORDER BY id DESC LIMIT ?)",
                arguments: arguments)
            guard let oldest: Int64 = row?["oldest"], let newest: Int64 = row?["newest"] else { return nil }
            return oldest...newest
        }
    }

    /// The SQL conditions and their arguments for what `filter` matches, its `afterID` and `limit` aside.
    private static func conditions(of filter: AttemptFilter) -> (conditions: [String], arguments: StatementArguments) {
        var conditions: [String] = []
        var arguments: StatementArguments = []
        for (column, value) in [
            ("webhookID", filter.webhookID), ("workflowID", filter.workflowID), ("deliveryID", filter.deliveryID),
            ("userEmail", filter.userEmail),
        ] {
            guard let value else { continue }
            conditions.append("\(column) = ?")
            arguments += [value]
        }
        switch filter.outcome {
        case .status(let status)?:
            conditions.append("status = ?")
            arguments += [status]
        case .statusClass(let digit)?:
            conditions.append("status >= ? AND status < ?")
            arguments += [digit * 100, digit * 100 + 100]
        case .ok?:
            conditions.append(Self.succeededCondition)
        case .failed?:
            // Every attempt that did not succeed: an error status (500, 410, 302…) as well as no answer.
            conditions.append("NOT (\(Self.succeededCondition))")
        case nil:
            break
        }
        if let since = filter.since {
            conditions.append("startedAt >= ?")
            arguments += [since]
        }
        return (conditions, arguments)
    }

    private static func whereClause(_ conditions: [String]) -> String {
        conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
    }

    /// The webhooks stored attempts were sent for, in no particular order.
    public func attemptedWebhookIDs() throws -> [String] { try distinctAttemptValues(of: "webhookID") }

    /// The workflows stored attempts were sent from, in no particular order.
    public func attemptedWorkflowIDs() throws -> [String] { try distinctAttemptValues(of: "workflowID") }

    private func distinctAttemptValues(of column: String) throws -> [String] {
        try writer.read { db in
            try String.fetchAll(db, sql: "SELECT DISTINCT \(column) FROM attempt WHERE \(column) IS NOT NULL")
        }
    }

    /// The attempts `attempt(from:)` reads as `.success`: a 2xx with no error class but `http`. NULLs
    /// are spelled out so that `NOT (…)` holds for an attempt with no status.
    private static let succeededCondition =
        "COALESCE(status, 0) BETWEEN 200 AND 299 AND COALESCE(errorClass, 'http') = 'http'"
}
