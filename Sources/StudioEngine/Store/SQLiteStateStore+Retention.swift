import Foundation
import GRDB

extension SQLiteStateStore {
    public func prune(before cutoff: Date, heldBefore heldCutoff: Date) throws -> Int {
        try writer.write { db in
            try db.execute(sql: "DELETE FROM attempt WHERE startedAt < ?", arguments: [cutoff])
            var deleted = db.changesCount
            try db.execute(
                sql: "DELETE FROM delivery WHERE status IN ('succeeded', 'failed', 'cancelled') AND updatedAt < ?",
                arguments: [cutoff.timeIntervalSince1970])
            deleted += db.changesCount
            // What the deleted journeys counted towards lifetime entry limits is kept.
            try db.execute(
                sql: """
                    INSERT INTO journeyPruned (workflowID, email, count)
                    SELECT workflowID, email, count(*) FROM journey
                    WHERE status IN ('finished', 'failed') AND updatedAt < ? GROUP BY workflowID, email
                    ON CONFLICT (workflowID, email) DO UPDATE SET count = count + excluded.count
                    """, arguments: [cutoff])
            try db.execute(
                sql: "DELETE FROM journey WHERE status IN ('finished', 'failed') AND updatedAt < ?", arguments: [cutoff])
            deleted += db.changesCount
            // Held messages are kept 14 days at most (delivery.md §8.10); then they fail.
            try db.execute(
                sql: "UPDATE delivery SET status = 'failed', updatedAt = ? WHERE status = 'held' AND updatedAt < ?",
                arguments: [Date().timeIntervalSince1970, heldCutoff.timeIntervalSince1970])
            return deleted
        }
    }
}
