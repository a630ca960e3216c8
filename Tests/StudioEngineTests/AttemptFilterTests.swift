import Foundation
import GRDB
import StudioModel
import Testing

@testable import StudioEngine

/// `hookline logs --status`: which stored attempts each outcome filter lists.
struct AttemptFilterTests {
    private static func attempt(_ deliveryID: String, status: Int?, outcome: AttemptOutcome) -> AttemptRecord {
        AttemptRecord(
            startedAt: Date(timeIntervalSince1970: 1_700_000_000), deliveryID: deliveryID, attempt: 1, workflowID: "welcome",
            nodeID: "send", webhookID: "hook", userEmail: "ada@example.com", method: "POST", url: "http://127.0.0.1:9/",
            requestHeaders: [], requestBody: "", status: status, responseHeaders: [], responseBody: "",
            responseTruncated: false, latencyMilliseconds: 1, outcome: outcome, trigger: .scheduled)
    }

    @Test(arguments: [
        ("failed", ["msg_500", "msg_410", "msg_302", "msg_refused", "msg_cancelled"]),
        ("ok", ["msg_200", "msg_204"]),
        ("5xx", ["msg_500"]),
        ("410", ["msg_410"]),
    ])
    func failedListsEveryAttemptThatDidNotSucceedAndOkOnlyThe2xx(status: String, expected: [String]) throws {
        let store = try SQLiteStateStore()
        _ = try store.recordAttempts([
            Self.attempt("msg_200", status: 200, outcome: .success),
            Self.attempt("msg_500", status: 500, outcome: .httpError),
            Self.attempt("msg_410", status: 410, outcome: .httpError),
            Self.attempt("msg_302", status: 302, outcome: .httpError),
            Self.attempt("msg_refused", status: nil, outcome: .failed(errorClass: "connect", message: "refused")),
            Self.attempt("msg_204", status: 204, outcome: .success),
            Self.attempt("msg_cancelled", status: 200, outcome: .failed(errorClass: "cancelled", message: "cancelled")),
        ], settling: [])
        let outcome = try #require(AttemptFilter.Outcome(status))
        let listed = try store.attempts(matching: AttemptFilter(outcome: outcome))
        #expect(listed.map(\.deliveryID) == expected)
        if status == "ok" { #expect(listed.allSatisfy { $0.outcome.isSuccess }) }
        if status == "failed" { #expect(!listed.contains { $0.outcome.isSuccess }) }
    }

    /// `hookline logs` reads an export a page at a time (QA: 270,000 attempts at once took 1.2 GB):
    /// the pages hold exactly the most recent `limit` matches, oldest first, and nothing stored
    /// while it reads.
    @Test func pagesHoldTheMostRecentMatchesOldestFirstAndNothingStoredMeanwhile() throws {
        let store = try SQLiteStateStore()
        _ = try store.recordAttempts(
            (1...30).map { n in Self.attempt("msg_\(n)", status: n % 3 == 0 ? 500 : 200, outcome: n % 3 == 0 ? .httpError : .success) },
            settling: [])
        var pages: [[String]] = []
        try store.forEachPage(ofAttemptsMatching: AttemptFilter(outcome: .ok, limit: 15), pageSize: 4) { records in
            pages.append(records.map(\.deliveryID))
            if pages.count == 1 { _ = try store.recordAttempts([Self.attempt("msg_late", status: 200, outcome: .success)], settling: []) }
            return true
        }
        let expected = try store.attempts(matching: AttemptFilter(outcome: .ok, limit: 16)).map(\.deliveryID).dropLast()
        #expect(pages.map(\.count) == [4, 4, 4, 3])
        #expect(pages.flatMap { $0 } == Array(expected))
        #expect(pages.flatMap { $0 }.first == "msg_8")
        #expect(try store.attemptIDs(matching: AttemptFilter(deliveryID: "msg_none")) == nil)

        var read = 0
        try store.forEachPage(ofAttemptsMatching: AttemptFilter(limit: 100), pageSize: 4) { records in
            read += records.count
            return false
        }
        #expect(read == 4)
    }

    /// `hookline logs --user` reads that user's attempts through an index, newest first, and
    /// stops at its limit, instead of every attempt of the store (0.85 s for 1,000,000): SQLite's
    /// plan for the very query says so, alone and beside the other filters.
    @Test(arguments: [
        AttemptFilter(userEmail: "ada@example.com"),
        AttemptFilter(userEmail: "ada@example.com", afterID: 40),
        AttemptFilter(webhookID: "hook", userEmail: "ada@example.com", outcome: .failed),
    ])
    func aUserFilterReadsOnlyThatUsersAttempts(filter: AttemptFilter) throws {
        let store = try SQLiteStateStore()
        let (sql, arguments) = SQLiteStateStore.query(matching: filter)
        let plan = try store.writer.read { db in
            try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + sql, arguments: arguments).map { $0["detail"] as String }
        }
        #expect(plan.contains { $0.hasPrefix("SEARCH attempt USING INDEX attempt_on_userEmail (userEmail=?") }, "\(plan)")
        #expect(!plan.contains { $0.contains("TEMP B-TREE") }, "sorted after reading: \(plan)")
    }
}
