import Foundation
import StudioModel
import Testing

@testable import StudioEngine

/// Attempts read back from the SQLite store as they were recorded, every field.
struct AttemptStoreTests {
    static let record = AttemptRecord(
        startedAt: Date(timeIntervalSince1970: 1_700_000_000.25), deliveryID: "msg_01HZX", attempt: 3, workflowID: "welcome",
        nodeID: "send-letter", webhookID: "lob-letter", userEmail: "ada@example.com", method: "PUT",
        url: "http://127.0.0.1:9/v1?x=1", requestHeaders: [HeaderField("Content-Type", "application/json")],
        requestBody: #"{"a": 1}"#, status: 200, responseVersion: "HTTP/1.0", responseReason: "Alright",
        responseHeaders: [HeaderField("Server", "old")], responseBody: "aGk=", responseTruncated: true,
        responseBodyIsBase64: true, latencyMilliseconds: 12.5, outcome: .success, trigger: .replay)

    @Test func anAttemptReadsBackWithEveryFieldItWasRecordedWith() throws {
        let store = try SQLiteStateStore()
        let stored = try store.recordAttempts([Self.record], settling: [])
        let read = try #require(try store.recentAttempts(limit: 1).first)
        #expect(abs(read.startedAt.timeIntervalSince(Self.record.startedAt)) < 0.001)
        var expected = Self.record
        expected.id = try #require(stored.first?.id)
        expected.startedAt = read.startedAt
        #expect(read == expected)
        #expect(read.responseStatusLine == "HTTP/1.0 200 Alright")
    }

    @Test func theStatusLineReceivedIsInTheJSONLineAndTheHAREntry() throws {
        #expect(AttemptJSON.jsonLine(Self.record).contains(#""status":200,"httpVersion":"HTTP/1.0","reasonPhrase":"Alright""#))
        #expect(AttemptJSON.jsonLine(Self.record) == AttemptJSON.encode(Self.record).jsonText)
        let har = AttemptHAR.document(for: [Self.record], creatorVersion: "test", reasonPhrase: AttemptRecord.reasonPhrase(of:))
        let entry = har.objectValue?["log"]?.objectValue?["entries"]?.arrayValue?.first
        #expect(entry?.objectValue?["response"]?.objectValue?["httpVersion"] == "HTTP/1.0")
        #expect(entry?.objectValue?["response"]?.objectValue?["statusText"] == "Alright")
        // Stored before the protocol and reason phrase were kept, or with the standard phrase.
        var older = Self.record
        older.responseVersion = nil
        older.responseReason = nil
        #expect(!AttemptJSON.jsonLine(older).contains("httpVersion"))
        #expect(!AttemptJSON.jsonLine(older).contains("reasonPhrase"))
        #expect(older.responseStatusLine == "HTTP/1.1 200 OK")
        let olderHAR = AttemptHAR.document(for: [older], creatorVersion: "test", reasonPhrase: AttemptRecord.reasonPhrase(of:))
        let olderEntry = olderHAR.objectValue?["log"]?.objectValue?["entries"]?.arrayValue?.first
        #expect(olderEntry?.objectValue?["response"]?.objectValue?["statusText"] == "OK")
    }
}

extension AttemptStoreTests {
    /// A resumed delivery asks which of its attempts were immediate retries (they used no slot,
    /// and the quick retry and the token refresh are made once per delivery).
    @Test func immediateAttemptsAreReadPerDelivery() throws {
        let store = try SQLiteStateStore()
        func attempts(of deliveryID: String, _ made: [(AttemptTrigger, Int?)]) -> [AttemptRecord] {
            made.enumerated().map { index, attempt in
                var record = Self.record
                record.deliveryID = deliveryID
                record.attempt = index + 1
                record.trigger = attempt.0
                record.status = attempt.1
                return record
            }
        }
        let quick = attempts(of: "msg_quick", [(.scheduled, nil), (.immediate, nil), (.scheduled, 500)])
        let refreshed = attempts(of: "msg_refreshed", [(.scheduled, 401), (.immediate, 500)])
        let both = attempts(of: "msg_both", [(.scheduled, 401), (.immediate, nil), (.immediate, 200)])
        _ = try store.recordAttempts(quick + refreshed + both, settling: [])
        #expect(try store.immediateAttempts(deliveryID: "msg_quick") == ImmediateAttempts(count: 1, quickRetried: true))
        #expect(try store.immediateAttempts(deliveryID: "msg_refreshed") == ImmediateAttempts(count: 1, refreshedToken: true))
        #expect(
            try store.immediateAttempts(deliveryID: "msg_both")
                == ImmediateAttempts(count: 2, quickRetried: true, refreshedToken: true))
        #expect(try store.immediateAttempts(deliveryID: "msg_none") == ImmediateAttempts())
    }
}
