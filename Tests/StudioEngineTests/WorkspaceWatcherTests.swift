import Foundation
import StudioEngine
import StudioModel
import Synchronization
import Testing

/// `hookline serve` while the workspace's files are edited: the engine follows a
/// ``WorkspaceWatcher`` as the command does, against a live receiver.
struct WorkspaceWatcherTests {
    /// A workspace folder whose `bi-sink` workflow sends every `signup` to the `bi-events`
    /// webhook at `baseURL` + `path`.
    private func workspaceFolder(baseURL: String) throws -> URL {
        let root = try EngineFixtures.temporaryDirectory()
        try write("name: Reloads\nnetwork: {allow: [127.0.0.1/32]}\n", to: "hookline.yaml", in: root)
        try write(webhook(url: baseURL + "/bi"), to: "webhooks/bi-events.yaml", in: root)
        try write(
            "id: bi-sink\nstart: {kind: event, event: signup}\nnodes:\n  - id: send\n    type: callWebhook\n    webhook: bi-events\n",
            to: "workflows/bi-sink.yaml", in: root)
        return root
    }

    private func webhook(url: String) -> String {
        "id: bi-events\nmethod: POST\nurl: \(url)\nbody: {type: json, template: '{\"email\": \"{{email}}\"}'}\n"
    }

    private func write(_ text: String, to path: String, in root: URL) throws {
        let url = root.appendingPathComponent(path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try WorkspaceWriter.writeAtomically(text, to: url)
    }

    /// Waits up to 30 s for a line `report` got that `matches`, and returns it.
    private func line(in lines: borrowing Mutex<[String]>, _ matches: (String) -> Bool) async throws -> String {
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline {
            if let line = lines.withLock({ $0 }).first(where: matches) { return line }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw TestTimeout(lines: lines.withLock { $0 })
    }

    /// An engine following a watcher on `root`, as `hookline serve` runs, with the lines it reports.
    private final class Serving: Sendable {
        let engine: Engine
        let watcher: WorkspaceWatcher
        let lines = Mutex<[String]>([])

        init(root: URL, users: [JSONObject] = EngineFixtures.users) throws {
            let files = DefinitionFiles.scan(root: root)
            engine = try Engine(
                workspace: WorkspaceLoader.load(from: root), secrets: SecretStore.load(workspaceRoot: root, environment: [:]),
                configuration: .init(timeScale: 1_000_000))
            try engine.store.saveUsers(users)
            watcher = WorkspaceWatcher(root: root, since: files, interval: .milliseconds(50))
            engine.follow(watcher, workspaceRoot: root) { [weak self] line in self?.lines.withLock { $0.append(line) } }
        }

        /// Tracks a `signup` of `email` and waits until its journeys ended.
        func signUp(_ email: String) async throws {
            try engine.executor.track(TrackedEvent(email: email, name: "signup"))
            await engine.executor.waitUntilIdle()
        }

        func stop() async {
            watcher.stop()
            await engine.shutdown()
        }
    }

    private struct TestTimeout: Error {
        var lines: [String]
    }

    @Test func aServingExecutorKeepsDeliveringToAWebhookWhoseFileBreaksMidRunUntilItIsFixed() async throws {
        let wire = Mutex<[ReceivedRequest]>([])
        let receiver = try await Receiver.start { request in wire.withLock { $0.append(request) } }
        let root = try workspaceFolder(baseURL: receiver.baseURL)
        defer { try? FileManager.default.removeItem(at: root) }
        #expect(WorkspaceLoader.load(from: root).diagnostics.isEmpty)
        let serving = try Serving(root: root)
        let engine = serving.engine
        try await serving.signUp("ada@example.com")

        // Broken from outside, as an editor or a half-done merge leaves it.
        try write("id: bi-events\nmethod: [POST\n", to: "webhooks/bi-events.yaml", in: root)
        let broken = try await line(in: serving.lines) { $0.contains("error") }
        #expect(broken.hasPrefix("reloaded webhooks/bi-events.yaml; webhooks/bi-events.yaml:3:1: error: invalid YAML"))
        #expect(broken.hasSuffix("; the last good webhook bi-events keeps running"))
        try await serving.signUp("bob@example.com")

        // Fixed, with a new path: the fix is used at once.
        try write(webhook(url: receiver.baseURL + "/bi/v2"), to: "webhooks/bi-events.yaml", in: root)
        _ = try await line(in: serving.lines) { $0 == "reloaded webhooks/bi-events.yaml" }
        try await serving.signUp("cy@example.com")

        var attempts = try engine.store.recentAttempts(limit: 10)
        #expect(attempts.count == 3)
        #expect(attempts.allSatisfy { $0.outcome == .success && $0.status == 200 })
        #expect(wire.withLock { $0.map(\.path) } == ["/bi", "/bi", "/bi/v2"])

        // Deleted: the webhook is gone for real, and the workflow that calls it says so. The
        // workflow, in error now, keeps running as it last loaded; its step fails (`config`).
        try FileManager.default.removeItem(at: root.appendingPathComponent("webhooks/bi-events.yaml"))
        let deleted = try await line(in: serving.lines) {
            $0.hasPrefix("removed webhooks/bi-events.yaml; workflows/bi-sink.yaml:")
        }
        #expect(deleted.contains("error: unknown webhook 'bi-events'"))
        #expect(!deleted.contains("webhook bi-events keeps running"))
        #expect(deleted.hasSuffix("the last good workflow bi-sink keeps running"), "\(deleted)")
        try await serving.signUp("ada@example.com")
        attempts = try engine.store.recentAttempts(limit: 10)
        #expect(attempts.count == 4)
        #expect(attempts.filter { $0.outcome.errorClass == "config" }.count == 1)
        #expect(wire.withLock { $0.count } == 3)

        await serving.stop()
        await receiver.shutdown()
    }

    /// A workflow with an error does not run, whether it starts with one or gets one while
    /// serving; then the last good one keeps running (QA: a delay of `3 days`, which validate
    /// refuses, was skipped and the webhook sent at once).
    @Test func aWorkflowWithAnErrorDoesNotRunAndAnEditThatBreaksOneKeepsTheLastGood() async throws {
        let wire = Mutex<[ReceivedRequest]>([])
        let receiver = try await Receiver.start { request in wire.withLock { $0.append(request) } }
        let root = try workspaceFolder(baseURL: receiver.baseURL)
        defer { try? FileManager.default.removeItem(at: root) }
        func delayedSink(_ duration: String) -> String {
            "id: bi-sink\nstart: {kind: event, event: signup}\nnodes:\n  - id: wait\n    type: delay\n    duration: \(duration)\n"
                + "    next: send\n  - id: send\n    type: callWebhook\n    webhook: bi-events\n"
        }
        try write(delayedSink("3 days"), to: "workflows/bi-sink.yaml", in: root)
        let loaded = WorkspaceLoader.load(from: root)
        #expect(loaded.errors.map(\.path) == ["workflows/bi-sink.yaml"])
        #expect(loaded.runnable.workflows.isEmpty)
        #expect(loaded.brokenWorkflowPath("bi-sink") == "workflows/bi-sink.yaml")

        let serving = try Serving(root: root)
        let engine = serving.engine
        try await serving.signUp("ada@example.com")
        #expect(engine.executor.stats.journeysStarted == 0, "the broken workflow ran")

        try write(delayedSink("300d"), to: "workflows/bi-sink.yaml", in: root)
        _ = try await line(in: serving.lines) { $0 == "reloaded workflows/bi-sink.yaml" }
        try write(delayedSink("3 days"), to: "workflows/bi-sink.yaml", in: root)
        let broken = try await line(in: serving.lines) { $0.contains("error") }
        #expect(broken.hasSuffix("the last good workflow bi-sink keeps running"), "\(broken)")
        try engine.executor.track(TrackedEvent(email: "bob@example.com", name: "signup"))
        for _ in 0..<200 where engine.executor.sleepers.count == 0 { try await Task.sleep(for: .milliseconds(10)) }
        let asleep = engine.executor.sleepers.count
        await serving.stop()
        await receiver.shutdown()

        #expect(asleep == 1, "bob's journey waits in the last good 300d delay")
        #expect(wire.withLock { $0.isEmpty }, "a webhook was sent without its delay")
    }

    /// Secrets rotated while serving: the next request carries the new value, and the stored copy
    /// hides it; a broken secrets file keeps the values last read and says where.
    @Test func aSecretsFileChangedWhileServingIsReadAgainForTheNextRequest() async throws {
        let wire = Mutex<[ReceivedRequest]>([])
        let receiver = try await Receiver.start { request in wire.withLock { $0.append(request) } }
        let root = try workspaceFolder(baseURL: receiver.baseURL)
        defer { try? FileManager.default.removeItem(at: root) }
        try write(
            "id: bi-events\nmethod: POST\nurl: \(receiver.baseURL)/bi\nheaders: {X-Campaign: '{{secret.campaign}}'}\n",
            to: "webhooks/bi-events.yaml", in: root)
        try write("campaign: first-campaign\n", to: SecretsFile.path, in: root)
        let serving = try Serving(root: root)
        let engine = serving.engine
        try await serving.signUp("ada@example.com")

        try write("campaign: 0123\n", to: SecretsFile.path, in: root)
        _ = try await line(in: serving.lines) { $0 == "reloaded .hookline/secrets.yaml" }
        try await serving.signUp("bob@example.com")

        try write("campaign: [\n", to: SecretsFile.path, in: root)
        let broken = try await line(in: serving.lines) { $0.contains("error") }
        #expect(broken == "reloaded .hookline/secrets.yaml; .hookline/secrets.yaml:2:1: error: invalid YAML: did not find expected node content; the secrets as last read stay in use")
        try await serving.signUp("cy@example.com")

        let sent = wire.withLock { $0.map { request in request.headers.first { $0.name == "X-Campaign" }?.value } }
        #expect(sent == ["first-campaign", "0123", "0123"])
        let stored = try engine.store.recentAttempts(limit: 10).flatMap(\.requestHeaders).filter { $0.name == "X-Campaign" }
        #expect(stored.count == 3 && !stored.contains { $0.value.contains("0123") || $0.value.contains("first-campaign") })

        await serving.stop()
        await receiver.shutdown()
    }

    /// The secrets file removed while serving (`git clean -fdX` takes .hookline/) was read as no
    /// secrets, which turned the ingest API's key check off: the secrets as last read stay, the
    /// key among them, and the line says so.
    @Test func aSecretsFileRemovedWhileServingKeepsTheSecretsLastRead() async throws {
        let root = try workspaceFolder(baseURL: "http://127.0.0.1:9")
        defer { try? FileManager.default.removeItem(at: root) }
        try write("ingest_api_key: key_ingest_0123456789\n", to: SecretsFile.path, in: root)
        let serving = try Serving(root: root)
        #expect(serving.engine.executor.secrets["ingest_api_key"] == "key_ingest_0123456789")

        try FileManager.default.removeItem(at: root.appendingPathComponent(SecretsFile.path))
        let removed = try await line(in: serving.lines) { $0.contains("secrets.yaml") }
        #expect(
            removed
                == "removed .hookline/secrets.yaml; the secrets as last read stay in use (the ingest_api_key among them) until a restart")
        #expect(serving.engine.executor.secrets["ingest_api_key"] == "key_ingest_0123456789")
        await serving.stop()
    }

    /// The store removed under a serving engine (`git clean -fdX` of `.hookline/`): the watcher
    /// that looks at the files finds it at its next look and says so once, naming the file.
    @Test func aStoreRemovedWhileServingIsReportedOnceByTheWatcher() async throws {
        let root = try workspaceFolder(baseURL: "http://127.0.0.1:9")
        defer { try? FileManager.default.removeItem(at: root) }
        let path = root.appendingPathComponent(".hookline/state.sqlite").path
        let engine = try Engine(
            workspace: WorkspaceLoader.load(from: root), secrets: [:], configuration: .init(storePath: path))
        let watcher = WorkspaceWatcher(root: root, interval: .milliseconds(50), store: { engine.storeProblem })
        let lost = Mutex<[String]>([])
        let lines = Mutex<[String]>([])
        engine.follow(
            watcher, workspaceRoot: root, report: { line in lines.withLock { $0.append(line) } },
            storeLost: { problem in lost.withLock { $0.append(problem) } })
        try await Task.sleep(for: .milliseconds(200))
        #expect(lost.withLock { $0 }.isEmpty)

        try FileManager.default.removeItem(at: root.appendingPathComponent(".hookline"))
        let problem = try await line(in: lost) { _ in true }
        #expect(problem.hasPrefix("\(path) was removed while this process had it open"))
        try await Task.sleep(for: .milliseconds(300))
        #expect(lost.withLock { $0 }.count == 1)
        #expect(lines.withLock { $0 }.isEmpty)
        watcher.stop()
        await engine.shutdown()
    }

    @Test func aChangedFileIsLoadedAgainAndHeldUntilTaken() async throws {
        let root = try workspaceFolder(baseURL: "http://127.0.0.1:9")
        defer { try? FileManager.default.removeItem(at: root) }
        let watcher = WorkspaceWatcher(root: root, interval: .milliseconds(50))
        defer { watcher.stop() }
        let woken = Mutex(0)
        watcher.onAvailable { woken.withLock { $0 += 1 } }
        try FileManager.default.setAttributes(
            [.modificationDate: Date().addingTimeInterval(10)], ofItemAtPath: root.appendingPathComponent("workflows/bi-sink.yaml").path)
        let deadline = Date().addingTimeInterval(10)
        while woken.withLock({ $0 }) == 0, Date() < deadline { try await Task.sleep(for: .milliseconds(20)) }
        let reload = try #require(watcher.take())
        #expect(reload.changedPaths == ["workflows/bi-sink.yaml"])
        #expect(reload.workspace == WorkspaceLoader.load(from: root))
        #expect(watcher.take() == nil)
    }
}
