import Foundation
import GRDB
@testable import StudioEngine
import StudioModel
import Synchronization
import Testing

/// The store cannot take a write (a full disk): nothing is sent whose outbox row is not committed,
/// records that cannot be written are kept and written once the store takes them again, and a
/// start of many users is stored whole or not at all. The disk fills through SQLite's own limit
/// on a real file (`max_page_count` on the writer's connection), so the store answers
/// `SQLITE_FULL` as it does for a full disk; a real receiver on 127.0.0.1 shows what was sent.
@Suite(.serialized)
struct StoreFailureTests {
    private let secrets = ["lob_key": "sk_live_very_secret_1234"]

    /// Profiles whose snapshot needs pages of its own: an outbox row holding one cannot be
    /// written into the free space of pages already there.
    private static let bulkyUsers = EngineFixtures.users.map { user -> JSONObject in
        var user = user
        user["bio"] = .string(String(repeating: "Writes letters. ", count: 1_500))
        return user
    }

    private static func emails(_ users: [JSONObject]) -> [String] { users.compactMap { $0["email"]?.stringValue } }

    @Test func nothingIsSentWhileItsOutboxRowCannotBeStoredAndItGoesOutOnceItCan() async throws {
        let storePath = try EngineFixtures.temporaryDirectory().appendingPathComponent("state.sqlite").path
        let log = RequestLog()
        let receiver = try await Receiver.start { log.append($0) }
        let store = try SQLiteStateStore(path: storePath)
        try store.saveUsers(Self.bulkyUsers)
        // Three journeys at their first webhook step, as a resume finds them.
        try store.saveJourneys(
            Self.emails(Self.bulkyUsers).enumerated().map { index, email in
                JourneyRecord(id: "j-\(index)", workflowID: "welcome", email: email, nodeID: "direct-mail", status: .running)
            })
        let capture = LogCapture()
        let engine = try Engine(
            workspace: EngineFixtures.workspace(baseURL: receiver.baseURL), secrets: secrets,
            configuration: .init(timeScale: 1_000_000, storePath: storePath), logger: capture.logger)
        let full = try #require(engine.store as? SQLiteStateStore)
        try full.allowGrowth(byPages: 0)

        #expect(engine.executor.resume().journeys == 3)
        // The first try and the one a second later fail; the next waits 2 s more.
        try await Task.sleep(for: .milliseconds(2_500))
        #expect(log.all.isEmpty, "sent without an outbox row: \(log.all.map(\.path))")
        #expect(engine.storeHealth.failures.map(\.records) == [.outbox])
        let failing = capture.messages.filter { $0.contains("could not store") }
        #expect(failing.count == 1, "one line per run of failures, not per try: \(failing)")
        #expect(failing.first?.contains("3 outbox deliveries in \(storePath): SQLite error 13") == true, "\(failing)")

        try full.allowGrowth(byPages: nil)
        await engine.executor.waitUntilIdle()
        await engine.shutdown()
        await receiver.shutdown()

        #expect(engine.storeHealth.failures.isEmpty)
        #expect(capture.messages.contains { $0.hasPrefix("stored 3 outbox deliveries in \(storePath)") }, "\(capture.messages)")
        // Every step went out once, under the id of its stored row.
        let sent = log.all.compactMap { $0.header("webhook-id") }
        #expect(sent.count == 8, "ada and cy: letter, profile, vip; bob: letter, profile")
        #expect(Set(sent).count == sent.count)
        let stored = try store.deliveries(matching: DeliveryFilter())
        #expect(Set(stored.map(\.id)) == Set(sent))
        #expect(stored.allSatisfy { $0.status == .succeeded })
        #expect(try store.unfinishedJourneys().isEmpty)
    }

    @Test func attemptsTheStoreDoesNotTakeAreKeptAndWrittenOnceItDoes() async throws {
        let storePath = try EngineFixtures.temporaryDirectory().appendingPathComponent("state.sqlite").path
        let log = RequestLog()
        let receiver = try await Receiver.start { log.append($0) }
        // A letter's body too big for the free space of the attempt table's pages.
        var workspace = EngineFixtures.workspace(baseURL: receiver.baseURL)
        let filler = String(repeating: "x", count: 20_000)
        workspace.webhooks[0].body = .json(template: #"{"name": "{{firstName}}", "filler": "\#(filler)"}"#)
        let store = try SQLiteStateStore(path: storePath)
        // Letters of journeys that ended, left unsettled by a killed process: resent on their own.
        let letters = EngineFixtures.users.enumerated().map { index, user in
            EngineFixtures.orphanedDelivery(journeyID: "ended-\(index)", user: user)
        }
        try store.enqueueDeliveries(letters, journeys: [])
        let engine = try Engine(
            workspace: workspace, secrets: secrets, configuration: .init(timeScale: 1_000_000, storePath: storePath))
        let full = try #require(engine.store as? SQLiteStateStore)
        try full.allowGrowth(byPages: 0)

        #expect(engine.executor.resume().deliveries == 3)
        // The letters have their outbox rows, so they go out; their attempts wait for the store.
        for _ in 0..<200 where log.all.count < 3 { try await Task.sleep(for: .milliseconds(10)) }
        try await Task.sleep(for: .milliseconds(500))
        #expect(log.all.count == 3)
        #expect(engine.storeHealth.failures.map(\.records) == [.attempts])
        #expect(engine.recorder.flush() == 3, "the attempts are kept, not dropped")
        #expect(try store.attemptCount() == 0)

        try full.allowGrowth(byPages: nil)
        await engine.executor.waitUntilIdle()
        #expect(await engine.shutdown() == 0)
        await receiver.shutdown()

        #expect(engine.storeHealth.failures.isEmpty)
        for letter in letters {
            #expect(try store.attempts(deliveryID: letter.id).map(\.attempt) == [1])
            #expect(try store.delivery(id: letter.id)?.status == .succeeded)
        }
        #expect(log.all.count == 3, "a letter was sent again")
    }

    /// F7: a `kill -9`, or a store that fills, while the journeys of a big start were being
    /// stored left the first slices started and the rest never; a second run then started
    /// those users twice.
    @Test func aStartTheStoreCannotTakeWholeStartsNoOne() async throws {
        let storePath = try EngineFixtures.temporaryDirectory().appendingPathComponent("state.sqlite").path
        let nap = Workflow(
            id: "nap", name: "Nap",
            nodes: [WorkflowNode(id: "wait", kind: .delay(WorkflowDuration(seconds: 86_400, text: "1d")), next: .single("done")),
                    WorkflowNode(id: "done", kind: .exit)])
        let engine = try Engine(
            workspace: Workspace(settings: WorkspaceSettings(name: "Test"), workflows: [nap]), secrets: [:],
            configuration: .init(storePath: storePath))
        let store = try #require(engine.store as? SQLiteStateStore)
        // Two slices of short addresses fit in the room left; the third's long ones do not.
        let short = (0..<2 * Executor.startSlice).map { "u\($0)@example.com" }
        let long = (0..<Executor.startSlice).map { "\(String(repeating: "l", count: 2_000))\($0)@example.com" }
        try store.allowGrowth(byPages: 2_500)

        #expect(throws: DatabaseError.self) {
            try engine.executor.start(workflowID: "nap", emails: short + long)
        }
        #expect(try store.journeys(.running, after: nil, updatedBy: .distantFuture, limit: 1).isEmpty)
        #expect(engine.executor.stats.journeysStarted == 0)

        // Once it fits, the same start starts each user once.
        try store.allowGrowth(byPages: nil)
        #expect(try engine.executor.startCounting(workflowID: "nap", emails: short + long) == short.count + long.count)
        await engine.shutdown()
        let stored = try store.journeys(.running, after: nil, updatedBy: .distantFuture, limit: 40_000)
            + store.journeys(.waiting, after: nil, updatedBy: .distantFuture, limit: 40_000)
        #expect(stored.count == short.count + long.count)
        #expect(Set(stored.map(\.email)).count == stored.count)
    }
}

extension StoreFailureTests {
    /// A profile or list write of a step that the store does not take (Update User Profile's
    /// answer, Update Profile, Add to List) used to be logged and dropped, the journey going on as
    /// if it had been made. Now the journey waits at that step, the write is tried again, and the
    /// journey goes on once the store takes it.
    @Test func aProfileWriteTheStoreDoesNotTakeHoldsItsJourneyUntilItDoes() async throws {
        let storePath = try EngineFixtures.temporaryDirectory().appendingPathComponent("state.sqlite").path
        // An answer too big for the free space of the user table's pages.
        let notes = String(repeating: "n", count: 20_000)
        let filling = StoreToFill()
        let receiver = try await Receiver.start(
            script: try script(#"{path: /profile, response: {status: 200, body: '{"notes": "\#(notes)"}'}}"#)
        ) { _ in
            // The delivery's outbox row is stored before its request is sent: the disk is full from now on.
            filling.fill()
        }
        let workflow = Workflow(
            id: "enrich", name: "Enrich",
            nodes: [
                WorkflowNode(
                    id: "enrich", kind: .updateProfileWebhook(webhook: "partner-profile", mergeNestedObjects: false, onError: .exit),
                    next: .single("tag")),
                WorkflowNode(id: "tag", kind: .updateProfile([ProfileFieldUpdate(field: "enriched", value: true)]), next: .single("join")),
                WorkflowNode(id: "join", kind: .addToList("enriched"), next: .single("done")),
                WorkflowNode(id: "done", kind: .exit),
            ])
        let workspace = Workspace(
            settings: WorkspaceSettings(name: "Test", networkAllowlist: ["127.0.0.1/32"]), workflows: [workflow],
            webhooks: [EngineFixtures.profileWebhook(baseURL: receiver.baseURL)])
        let capture = LogCapture()
        let engine = try Engine(
            workspace: workspace, secrets: [:], configuration: .init(timeScale: 1_000_000, storePath: storePath),
            logger: capture.logger)
        let store = try #require(engine.store as? SQLiteStateStore)
        try store.saveUsers([EngineFixtures.users[0]])
        filling.store = store

        #expect(try engine.executor.start(workflowID: "enrich", emails: ["ada@example.com"]))
        // The merge fails, and again a second later; the next try waits 2 s more.
        try await Task.sleep(for: .milliseconds(2_500))
        #expect(engine.storeHealth.failures.map(\.records).contains(.profiles))
        #expect(engine.executor.stats.journeysFinished == 0, "the journey went on without its profile")
        let failing = capture.messages.filter { $0.contains("profile or list change") }
        #expect(failing.count == 1, "one line per run of failures, not per try: \(failing)")
        #expect(failing.first?.contains("their journeys wait at that step") == true, "\(failing)")

        try store.allowGrowth(byPages: nil)
        await engine.executor.waitUntilIdle()
        await engine.shutdown()
        await receiver.shutdown()

        #expect(engine.storeHealth.failures.isEmpty)
        #expect(capture.messages.contains { $0.hasPrefix("stored 1 profile or list change in \(storePath)") }, "\(capture.messages)")
        let profile = try #require(try store.user(email: "ada@example.com"))
        #expect(profile["notes"]?.stringValue?.count == notes.count, "the answer was not merged")
        #expect(profile["enriched"] == true)
        #expect(try store.listMembers("enriched", after: nil, limit: 10) == ["ada@example.com"])
        #expect(engine.executor.stats.journeysFinished == 1)
    }
}

/// The store a receiver fills when a request arrives (``SQLiteStateStore/allowGrowth(byPages:)``),
/// once it is set.
private final class StoreToFill: Sendable {
    private let current = Mutex<SQLiteStateStore?>(nil)

    var store: SQLiteStateStore? {
        get { current.withLock { $0 } }
        set { current.withLock { $0 = newValue } }
    }

    func fill() {
        try? store?.allowGrowth(byPages: 0)
    }
}

extension SQLiteStateStore {
    /// Lets the file grow by at most `pages` more pages, as a disk with that much room left
    /// would: a write past them is answered `SQLITE_FULL` (SQLite's `max_page_count`, set on the
    /// writer's connection). Nil lifts the limit.
    func allowGrowth(byPages pages: Int?) throws {
        try writer.database.writeWithoutTransaction { db in
            let current = try Int.fetchOne(db, sql: "PRAGMA page_count") ?? 0
            try db.execute(sql: "PRAGMA max_page_count = \(pages.map { current + $0 } ?? 1_073_741_823)")
        }
    }
}
