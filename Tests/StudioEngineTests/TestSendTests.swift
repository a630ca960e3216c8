import Foundation
import StudioEngine
import StudioModel
import Testing

/// delivery.md §8.3's "send test", as the studio's `t` makes it: one attempt for a stored user,
/// no retries, recorded with trigger `test`, nothing in the outbox.
struct TestSendTests {
    private let secrets = ["lob_key": "sk_live_very_secret_1234"]

    @Test func aTestSendIsOneRecordedAttemptAndNoDelivery() async throws {
        let log = RequestLog()
        let receiver = try await Receiver.start(
            script: try script("{path: /v1/letters, responses: [{status: 503}, {status: 201}]}")) { log.append($0) }
        let engine = try Engine(
            workspace: EngineFixtures.workspace(baseURL: receiver.baseURL), secrets: secrets, configuration: .init())
        try engine.store.saveUsers(EngineFixtures.users)

        let record = try await engine.executor.testSend(
            webhookID: "lob-letter", email: "bob@example.com", workflowID: "welcome", nodeID: "direct-mail")
        engine.recorder.flush()
        await engine.shutdown()
        await receiver.shutdown()

        // A 503 is not retried: a test shows the first answer.
        #expect(record.status == 503)
        #expect(record.trigger == .test)
        #expect(record.userEmail == "bob@example.com")
        // Rendered as the step renders in a journey (X-Campaign: {{workflowName}}).
        #expect(log.all.first?.header("X-Campaign") == "Welcome")
        #expect(record.workflowID == "welcome")
        #expect(log.all.count == 1)
        #expect(log.all.first?.body.contains(#""name": "Bob""#) == true)
        #expect(try engine.store.attempts(matching: AttemptFilter(webhookID: "lob-letter")).map(\.trigger) == [.test])
        #expect(try engine.store.deliveries(matching: DeliveryFilter()).isEmpty)
        #expect(!record.requestHeaders.contains { $0.value.contains("sk_live_very_secret_1234") })
        // Its id shows in the traffic like a delivery's; a replay of it says what it is.
        await #expect(
            throws: Executor.ReplayError.testSend(record.deliveryID, webhook: "lob-letter", user: "bob@example.com")
        ) {
            try await engine.executor.replay(deliveryID: record.deliveryID)
        }
    }

    /// A connection reset is not tried again at once either: one request, attempt 1.
    @Test func aResetConnectionIsOneAttemptToo() async throws {
        let log = RequestLog()
        let receiver = try await Receiver.start(
            script: try script("{path: /v1/letters, responses: [{reset: true}, {status: 201}]}")) { log.append($0) }
        var workspace = EngineFixtures.workspace(baseURL: receiver.baseURL)
        // The deadline is not under test: a test process starved by a full parallel run reached
        // the 15 s one before it read the reset.
        for index in workspace.webhooks.indices { workspace.webhooks[index].timeout = WorkflowDuration(seconds: 120, text: "120s") }
        let engine = try Engine(workspace: workspace, secrets: secrets, configuration: .init())
        try engine.store.saveUsers(EngineFixtures.users)
        let record = try await engine.executor.testSend(webhookID: "lob-letter", email: "bob@example.com")
        engine.recorder.flush()
        await engine.shutdown()
        await receiver.shutdown()
        #expect(log.all.count == 1)
        #expect(record.attempt == 1)
        #expect(record.outcome.errorClass == "connection_reset", "\(record.outcome)")
        #expect(try engine.store.attempts(matching: AttemptFilter(webhookID: "lob-letter")).map(\.attempt) == [1])
    }

    @Test func theFirstStoredUserIsUsedWhenNoneIsGivenAndMissingOnesAreReported() async throws {
        let receiver = try await Receiver.start()
        let engine = try Engine(
            workspace: EngineFixtures.workspace(baseURL: receiver.baseURL), secrets: secrets, configuration: .init())
        await #expect(throws: Executor.TestSendError.self) { try await engine.executor.testSend(webhookID: "lob-letter") }
        try engine.store.saveUsers(EngineFixtures.users)
        let record = try await engine.executor.testSend(webhookID: "lob-letter")
        #expect(try engine.store.userEmails(after: nil, limit: 1).first == record.userEmail)
        await #expect(throws: Executor.TestSendError.self) { try await engine.executor.testSend(webhookID: "nope") }
        await engine.shutdown()
        await receiver.shutdown()
    }
}
