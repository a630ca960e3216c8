#if canImport(Glibc)
import Glibc
#endif
import Foundation
import StudioModel
import Testing

/// `hookline serve`: the executor and the Iterable-shaped ingest API, run as the binary.
@Suite(.serialized)
struct ServeCommandTests {
    @Test func trackedEventsStartTheirWorkflowsAndSIGTERMStopsCleanly() async throws {
        let workspace = try await LiveWorkspace.make()
        defer { workspace.remove() }
        try workspace.files.writeSecrets(["ingest_api_key": "key_ingest_0123456789"])

        let (serve, base) = try await workspace.startServe()
        defer {
            serve.signal(SIGKILL)
            serve.removeOutput()
        }

        // The profile arrives through the API, then the event that starts the workflow.
        let update = try await post(base + "/api/users/update", #"{"email": "ada@example.com", "dataFields": {"plan": "pro"}}"#)
        #expect(update.contains(#""code":"Success""#), "\(update)")
        let tracked = try await post(
            base + "/api/events/track", #"{"email": "ada@example.com", "eventName": "signup", "dataFields": {"source": "ads"}}"#)
        #expect(tracked.contains(#""code":"Success""#), "\(tracked)")
        let bodies = try await LiveWorkspace.waitFor("the webhook at the receiver") { () -> [String]? in
            let lines = workspace.receiver.stdout.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
            let bodies = lines.filter { $0.hasPrefix("{") }
            return bodies.isEmpty ? nil : bodies
        }
        #expect(bodies == [#"{"email": "ada@example.com", "plan": "pro"}"#])

        // Bad input gets a clear answer; a wrong key is refused.
        let invalid = try await post(base + "/api/events/track", #"{"email": "ada@example.com"}"#)
        #expect(invalid.contains(#""code":"BadParams""#), "\(invalid)")
        let unauthorized = try await post(base + "/api/events/track", "{}", apiKey: "wrong")
        #expect(unauthorized.contains(#""code":"BadApiKey""#), "\(unauthorized)")

        serve.signal(SIGTERM)
        #expect(try await serve.wait() == 0, "\(serve.stderr)")
        let line = try #require(serve.stdout.split(separator: "\n").first.flatMap { try? JSONValue.parse(String($0)) })
        #expect(line["outcome"]?.stringValue == "success")
        #expect(!serve.stdout.contains("key_ingest_0123456789") && !serve.stderr.contains("key_ingest_0123456789"))
    }

    /// One executor per workspace: a second serve would leave, if either crashed, work that
    /// neither resumes. It refuses, naming the first and where its API listens.
    @Test func aSecondServeOnTheWorkspaceRefusesAndNamesTheFirst() async throws {
        let workspace = try await LiveWorkspace.make()
        defer { workspace.remove() }
        let (first, base) = try await workspace.startServe()
        defer {
            first.signal(SIGKILL)
            first.removeOutput()
        }
        let second = try await workspace.hookline("serve", "--port", "0")
        #expect(second.status == 1)
        #expect(
            second.stderr.contains(
                "error: another executor runs on this workspace: hookline serve (pid \(first.pid)), ingest API at \(base); stop it first"),
            "\(second.stderr)")
        first.signal(SIGTERM)
        #expect(try await first.wait() == 0)
    }

    @Test func aWebhookFileBrokenWhileServingKeepsItsLastGoodVersionAndStderrSaysWhere() async throws {
        let workspace = try await LiveWorkspace.make()
        defer { workspace.remove() }
        try workspace.files.writeSecrets(["ingest_api_key": "key_ingest_0123456789"])
        let (serve, base) = try await workspace.startServe("--quiet")
        defer {
            serve.signal(SIGKILL)
            serve.removeOutput()
        }

        try workspace.write("webhooks/letter.yaml", "id: letter\nmethod: [POST\n")
        let line = try await LiveWorkspace.waitFor("the reload line") { () -> String? in
            serve.stderr.split(separator: "\n").first { $0.hasPrefix("reloaded ") }.map(String.init)
        }
        #expect(line.hasPrefix("reloaded webhooks/letter.yaml; webhooks/letter.yaml:3:1: error: "), "\(line)")
        #expect(line.hasSuffix("; the last good webhook letter keeps running"), "\(line)")

        let tracked = try await post(base + "/api/events/track", #"{"email": "ada@example.com", "eventName": "signup"}"#)
        #expect(tracked.contains(#""code":"Success""#), "\(tracked)")
        let bodies = try await LiveWorkspace.waitFor("the webhook at the receiver") { () -> [String]? in
            let bodies = workspace.receiver.stdout.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
                .filter { $0.hasPrefix("{") }
            return bodies.isEmpty ? nil : bodies
        }
        #expect(bodies.count == 1 && bodies[0].contains("ada@example.com"))
        serve.signal(SIGTERM)
        #expect(try await serve.wait() == 0, "\(serve.stderr)")
    }

    /// serve reads the secrets file again when it changes; the ingest key is one of the secrets, so
    /// a rotated key is taken at once and the old one refused, as for the webhooks' secrets.
    @Test func aRotatedIngestKeyIsTakenWithoutARestart() async throws {
        let workspace = try await LiveWorkspace.make()
        defer { workspace.remove() }
        try workspace.files.writeSecrets(["ingest_api_key": "key_old_0123456789"])
        let (serve, base) = try await workspace.startServe("--quiet")
        defer {
            serve.signal(SIGKILL)
            serve.removeOutput()
        }
        let update = #"{"email": "ada@example.com"}"#
        #expect(try await post(base + "/api/users/update", update, apiKey: "key_old_0123456789").contains(#""code":"Success""#))

        try workspace.files.writeSecrets(["ingest_api_key": "key_new_0123456789"])
        _ = try await LiveWorkspace.waitFor("the secrets to be read again") { () -> Bool? in
            serve.stderr.contains("reloaded .hookline/secrets.yaml") ? true : nil
        }
        #expect(try await post(base + "/api/users/update", update, apiKey: "key_new_0123456789").contains(#""code":"Success""#))
        #expect(try await post(base + "/api/users/update", update, apiKey: "key_old_0123456789").contains(#""code":"BadApiKey""#))
        #expect(!serve.stderr.contains("key_new_0123456789"))
    }

    /// A port another process listens on is refused in words that say what to do, not as the
    /// socket call and its errno.
    @Test func aPortInUseIsRefusedSayingToPickAnother() async throws {
        let workspace = try await LiveWorkspace.make()
        defer { workspace.remove() }
        let serve = try await workspace.hookline("serve", "--port", String(workspace.receiverPort))
        #expect(serve.status == 1)
        #expect(
            serve.stderr.hasSuffix(
                "error: cannot listen on 127.0.0.1:\(workspace.receiverPort): the port is in use by another process; "
                    + "pick another --port (0 picks a free one)\n"), "\(serve.stderr)")
        #expect(!serve.stderr.contains("errno"))
    }

    /// A serve that cannot listen resumes nothing: it sent what a killed serve left unsettled,
    /// then stopped, cutting the attempt short, so a supervisor restarting it while the port was
    /// taken resent the delivery and used an attempt number on every start (QA).
    @Test func aServeThatCannotListenSendsNothingItWouldResume() async throws {
        // The answer is held 10 s, so the kill comes mid-request however slowly a loaded machine
        // polls (with 3 s, a starved run saw the delivery only once it had settled).
        let workspace = try await LiveWorkspace.make(
            script: "rules: [{path: /v1/letters, responses: [{status: 200, delay: 10000ms}, {status: 200}]}]\n")
        defer { workspace.remove() }
        let (serve, base) = try await workspace.startServe("--quiet")
        defer { serve.removeOutput() }
        let tracked = try await post(base + "/api/events/track", #"{"email": "ada@example.com", "eventName": "signup"}"#)
        #expect(tracked.contains(#""code":"Success""#), "\(tracked)")
        // Its outbox row is written before it is sent.
        _ = try await LiveWorkspace.waitFor("the letter at the receiver") { workspace.receivedCount == 1 ? true : nil }
        serve.signal(SIGKILL)
        #expect(try await serve.wait() == 128 + SIGKILL)

        let refused = try await workspace.hookline("serve", "--port", String(workspace.receiverPort))
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("the port is in use by another process"), "\(refused.stderr)")
        #expect(!refused.stderr.contains("resuming"), "\(refused.stderr)")
        #expect(workspace.receivedCount <= 1, "the unsettled letter was sent again")
        let attempts = try await workspace.sqlite("SELECT attempt || ' ' || ifnull(status, '') || ' ' || ifnull(errorMessage, '') FROM attempt")
        #expect(attempts.isEmpty, "an attempt was made: \(attempts)")
        #expect(try await workspace.sqlite("SELECT status FROM delivery") == "sending")
    }

    /// Nothing accepted is lost: an event answered 200 is stored with the journeys it starts, so
    /// when serve is killed with SIGKILL right after the answer, `hookline resume` runs them.
    @Test func anEventAnswered200SurvivesKillNineAndResumeRunsItsJourney() async throws {
        // The first letter is held 3 s, so the kill comes before serve could finish the journey.
        let workspace = try await LiveWorkspace.make(
            script: "rules: [{path: /v1/letters, responses: [{status: 200, delay: 3000ms}, {status: 200}]}]\n")
        defer { workspace.remove() }
        let (serve, base) = try await workspace.startServe("--quiet")
        defer { serve.removeOutput() }

        let tracked = try await post(
            base + "/api/events/track", #"{"email": "ada@example.com", "eventName": "signup", "id": "evt_kill_0001"}"#)
        #expect(tracked == #"{"msg":"","code":"Success","params":{"id":"evt_kill_0001"}}"#)
        serve.signal(SIGKILL)
        #expect(try await serve.wait() == 128 + SIGKILL)

        let resume = try await workspace.hookline("resume")
        #expect(resume.status == 0, "\(resume.stderr)")
        #expect(try await workspace.sqlite("SELECT email || ':' || status FROM journey") == "ada@example.com:finished")
        let line = try #require(resume.stdout.split(separator: "\n").last.flatMap { try? JSONValue.parse(String($0)) })
        #expect(line["outcome"]?.stringValue == "success", "\(resume.stdout)")
    }

    /// curl sends a body over 1 MiB with `Expect: 100-continue` and waits for `100 Continue`
    /// before sending it: serve answers it, so a 2 MiB trackBulk goes through without that wait.
    @Test func aLargeTrackBulkFromCurlIsAnsweredContinueAndStoredWhole() async throws {
        let workspace = try await LiveWorkspace.make()
        defer { workspace.remove() }
        try workspace.files.writeSecrets(["ingest_api_key": "key_ingest_0123456789"])
        let (serve, base) = try await workspace.startServe("--quiet")
        defer {
            serve.signal(SIGKILL)
            serve.removeOutput()
        }
        let padding = String(repeating: "x", count: 1_000)
        let events = (0..<2_000).map {
            #"{"email": "user\#($0)@example.com", "eventName": "pageview", "dataFields": {"pad": "\#(padding)"}}"#
        }
        let body = workspace.root.appendingPathComponent("bulk.json")
        try Data(#"{"events": [\#(events.joined(separator: ","))]}"#.utf8).write(to: body)

        let result = try await BinaryRunner.run(
            "/usr/bin/curl",
            ["-sS", "-v", "-X", "POST", "-H", "Content-Type: application/json", "-H", "Api-Key: key_ingest_0123456789",
                "--data-binary", "@" + body.path, base + "/api/events/trackBulk"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("< HTTP/1.1 100 Continue"), "\(result.stderr)")
        #expect(result.stdout.contains(#""successCount":2000"#), "\(result.stdout)")
        #expect(try await workspace.sqlite("SELECT count(*) FROM event") == "2000")
    }

    /// POSTs JSON with curl and returns the answer's body.
    private func post(_ url: String, _ body: String, apiKey: String = "key_ingest_0123456789") async throws -> String {
        let result = try await BinaryRunner.run(
            "/usr/bin/curl",
            ["-sS", "-X", "POST", "-H", "Content-Type: application/json", "-H", "Api-Key: \(apiKey)", "--data-binary", body, url])
        try #require(result.status == 0, "curl: \(result.stderr)")
        return result.stdout
    }
}
