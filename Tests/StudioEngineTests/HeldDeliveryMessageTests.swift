import Foundation
import StudioModel
import Testing

@testable import StudioEngine

/// What a delivery held by a paused endpoint says in its stored attempt and JSON line.
struct HeldDeliveryMessageTests {
    /// An engine whose endpoint answered Ada's delivery 410, so those made next (Bob's, or
    /// `heldFor`'s) were held; the receiver answers from `responses` (the first a 410).
    private func engineWithAHeldDelivery(
        responses: String, heldFor emails: [String] = ["bob@example.com"]
    ) async throws -> (Engine, Receiver) {
        let receiver = try await Receiver.start(
            script: try ReceiverScript.parse(yaml: "rules: [{path: /v1/letters, responses: \(responses)}]")) { _ in }
        let engine = try Engine(
            workspace: EngineFixtures.workspace(baseURL: receiver.baseURL), secrets: ["lob_key": "sk_live_very_secret_1234"],
            configuration: .init(timeScale: 1_000_000))
        try engine.store.saveUsers(EngineFixtures.users)
        try engine.executor.start(workflowID: "welcome", emails: ["ada@example.com"])
        await engine.executor.waitUntilIdle()
        try engine.executor.start(workflowID: "welcome", emails: emails)
        await engine.executor.waitUntilIdle()
        return (engine, receiver)
    }

    @Test func aHeldDeliverySaysWhyInPlainText() async throws {
        let (engine, receiver) = try await engineWithAHeldDelivery(responses: "[{status: 410}]")
        await engine.shutdown()
        await receiver.shutdown()

        let held = try #require(try engine.store.attempts(matching: AttemptFilter(webhookID: "lob-letter")).last)
        #expect(held.outcome == .failed(errorClass: "endpoint_paused", message: "endpoint lob-letter is paused: 410 Gone"))
        #expect(AttemptJSON.jsonLine(held).contains(#""error":"endpoint lob-letter is paused: 410 Gone""#))
    }

    /// The hold takes no attempt number: the attempt made once the endpoint is resumed is attempt
    /// 1, and `logs --delivery` no longer shows two attempts 1 (nor an export two files of one name).
    @Test func aHoldLeavesAttemptOneToTheAttemptMadeAfterResuming() async throws {
        let (engine, receiver) = try await engineWithAHeldDelivery(responses: "[{status: 410}, {status: 200}]")
        #expect(try engine.executor.releaseHeld("lob-letter") == 1)
        await engine.executor.waitUntilIdle()
        await engine.shutdown()
        await receiver.shutdown()

        let bobs = try engine.store.attempts(matching: AttemptFilter(userEmail: "bob@example.com"))
        #expect(bobs.map(\.attempt) == [AttemptRecord.heldAttempt, 1])
        #expect(bobs.map(\.isHold) == [true, false])
        #expect(bobs.last?.status == 200)
    }

    /// A delivery held by a paused endpoint can be cancelled before the endpoint is resumed, and
    /// is then not sent (QA: `cancel` said it was settled, and the resume sent it).
    @Test func aHeldDeliveryCancelledIsNotSentWhenItsEndpointResumes() async throws {
        let (engine, receiver) = try await engineWithAHeldDelivery(
            responses: "[{status: 410}, {status: 201}]", heldFor: ["bob@example.com", "cy@example.com"])
        let held = try engine.store.deliveries(matching: DeliveryFilter(webhookID: "lob-letter", statuses: [.held]))
        try #require(held.count == 2)

        #expect(engine.executor.cancel(deliveryID: held[0].id))
        #expect(try engine.executor.releaseHeld("lob-letter") == 1)
        await engine.executor.waitUntilIdle()
        await engine.shutdown()
        await receiver.shutdown()

        #expect(try engine.store.delivery(id: held[0].id)?.status == .cancelled)
        #expect(try engine.store.attempts(deliveryID: held[0].id).map(\.isHold) == [true], "the cancelled one was sent")
        #expect(try engine.store.delivery(id: held[1].id)?.status == .succeeded)
    }
}
