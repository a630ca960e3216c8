import Foundation
import Testing

/// A temporary workspace whose webhooks call a `hookline receive` process, for tests that run
/// the binary's executor for real (`run`, `resume`, `serve`).
struct LiveWorkspace {
    let files: TestWorkspace
    let receiver: BinaryRunner.Background
    let receiverPort: Int

    var root: URL { files.root }

    /// Starts a verbose receiver that shows credentials, so tests can see what the wire held
    /// (answering from `script` when given), and writes `hookline.yaml`
    /// allowing loopback, `webhooks/letter.yaml` posting `{"email": …, "plan": …}` to it, and
    /// `workflows/welcome.yaml` calling it on each `signup` event.
    static func make(script: String? = nil) async throws -> LiveWorkspace {
        let files = try TestWorkspace.make()
        let root = files.root
        var arguments = ["receive", "--port", "0", "--verbose", "--reveal-secrets"]
        if let script {
            let url = root.appendingPathComponent("receiver.yaml")
            try Data(script.utf8).write(to: url)
            arguments += ["--script", url.path]
        }
        let receiver = try BinaryRunner.start(BinaryRunner.hooklinePath, arguments)
        let port = try await waitFor("the receiver's port") { () -> Int? in
            guard let line = receiver.stdout.split(separator: "\n").first(where: { $0.hasPrefix("listening on ") }),
                let colon = line.lastIndex(of: ":")
            else { return nil }
            return Int(line[line.index(after: colon)...])
        }
        let workspace = LiveWorkspace(files: files, receiver: receiver, receiverPort: port)
        try workspace.write("hookline.yaml", "name: Live test\nnetwork:\n  allow: [127.0.0.1/32]\n")
        try workspace.write(
            "webhooks/letter.yaml",
            """
            id: letter
            method: POST
            url: "http://127.0.0.1:\(port)/v1/letters"
            body:
              type: json
              template: '{"email": "{{email}}", "plan": "{{plan}}"}'

            """)
        try files.writeWelcomeWorkflow(calling: "letter")
        return workspace
    }

    @discardableResult
    func write(_ path: String, _ contents: String) throws -> URL { try files.write(path, contents) }

    func hookline(_ arguments: String...) async throws -> BinaryRunner.Result {
        try await BinaryRunner.run(BinaryRunner.hooklinePath, arguments + ["-C", root.path])
    }

    func sqlite(_ sql: String) async throws -> String { try await files.sqlite(sql) }

    /// `hookline serve` on this workspace, on a free port, once it listens: the process (the
    /// caller stops it) and its base URL.
    func startServe(_ options: String...) async throws -> (serve: BinaryRunner.Background, url: String) {
        let serve = try BinaryRunner.start(BinaryRunner.hooklinePath, ["serve", "--port", "0"] + options + ["-C", root.path])
        let url = try await Self.waitFor("serve to listen") {
            serve.stderr.firstMatch(of: #/listening on (http://\S+)/#).map { String($0.1) }
        }
        return (serve, url)
    }

    /// POSTs `body` as JSON with curl: the answer's status (0 when nothing answered) and body.
    func post(_ url: String, _ body: String) async throws -> (status: Int, body: String) {
        let result = try await BinaryRunner.run(
            "/usr/bin/curl",
            [
                "-s", "-X", "POST", "-H", "Content-Type: application/json", "--data-binary", body, "-w", "\n%{http_code}",
                url,
            ])
        let lines = result.stdout.split(separator: "\n", omittingEmptySubsequences: false)
        return (Int(lines.last ?? "") ?? 0, lines.dropLast().joined(separator: "\n"))
    }

    /// The webhook-ids the receiver has been sent, one per request.
    var receivedCount: Int { received(header: "webhook-id").count }

    /// Stops the receiver and removes every file.
    func remove() {
        receiver.signal(SIGKILL)
        receiver.removeOutput()
        files.remove()
    }

    /// The values of header `name` in the receiver's verbose log, in order.
    func received(header name: String) -> [String] {
        let prefix = name.lowercased() + ": "
        return receiver.stdout.split(separator: "\n").compactMap { line in
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            guard trimmed.lowercased().hasPrefix(prefix) else { return nil }
            return String(trimmed.dropFirst(prefix.count))
        }
    }

    /// A workspace of `users` users whose `hookline run welcome --all` has every request in flight:
    /// the receiver holds each first answer for 10 s, so the run is stopped mid-request however
    /// slowly a loaded machine polls (with 1.5 s, a run under a parallel build finished first),
    /// and answers the ones after at once. Returns once all of them reached the receiver, with
    /// the run (the caller stops it and removes its output) and the requests' `webhook-id`s.
    static func runWithAnswersHeld(users: Int) async throws -> (
        workspace: LiveWorkspace, run: BinaryRunner.Background, ids: [String]
    ) {
        let held = Array(repeating: "{status: 200, delay: 10000ms}", count: users).joined(separator: ", ")
        let workspace = try await LiveWorkspace.make(
            script: "rules: [{path: /v1/letters, responses: [\(held), {status: 200}]}]\n")
        // Every delivery in flight at once (the default is 4 per host), so all are unsettled when it stops.
        try workspace.write(
            "hookline.yaml", "name: Crash test\nnetwork:\n  allow: [127.0.0.1/32]\ndelivery: {maxInFlightPerHost: 16}\n")
        try await workspace.files.createStore()
        let values = (1...users).map { "('u\($0)@example.com', '{\"email\":\"u\($0)@example.com\"}')" }
        _ = try await workspace.sqlite("INSERT INTO user (email, profile) VALUES " + values.joined(separator: ","))
        let run = try BinaryRunner.start(BinaryRunner.hooklinePath, ["run", "welcome", "--all", "-C", workspace.root.path])
        do {
            let ids = try await waitFor("\(users) requests at the receiver") { () -> [String]? in
                let ids = workspace.received(header: "webhook-id")
                return ids.count >= users ? ids : nil
            }
            return (workspace, run, ids)
        } catch {
            run.signal(SIGKILL)
            _ = try? await run.wait()
            run.removeOutput()
            workspace.remove()
            throw error
        }
    }

    /// A workspace of `users` users whose `hookline run welcome --all` was killed (SIGKILL) once
    /// the first request reached the receiver. One delivery at a time and a first answer that
    /// takes 10 s leave most journeys queued in the killed process, however loaded the machine
    /// (with 1 s, a run under a full parallel test run could finish before the kill).
    static func killedMidRun(users: Int) async throws -> LiveWorkspace {
        let workspace = try await LiveWorkspace.make(
            script: "rules: [{path: /v1/letters, responses: [{status: 200, delay: 10000ms}, {status: 200}]}]\n")
        try workspace.write(
            "hookline.yaml",
            "name: Crash test\nnetwork:\n  allow: [127.0.0.1/32]\ndelivery: {maxInFlight: 1, maxInFlightPerHost: 1}\n")
        try await workspace.files.createStore()
        let values = (1...users).map { "('u\($0)@example.com', '{\"email\":\"u\($0)@example.com\"}')" }
        _ = try await workspace.sqlite("INSERT INTO user (email, profile) VALUES " + values.joined(separator: ","))
        let run = try BinaryRunner.start(BinaryRunner.hooklinePath, ["run", "welcome", "--all", "-C", workspace.root.path])
        defer { run.removeOutput() }
        _ = try await waitFor("a request at the receiver") { () -> Bool? in
            workspace.received(header: "webhook-id").isEmpty ? nil : true
        }
        run.signal(SIGKILL)
        #expect(try await run.wait() == 128 + SIGKILL)
        return workspace
    }

    /// Polls `probe` every 20 ms for up to 20 s.
    static func waitFor<T>(_ what: String, _ probe: () throws -> T?) async throws -> T {
        for _ in 0..<1000 {
            if let value = try probe() { return value }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw BinaryRunner.SpawnError(description: "timed out waiting for \(what)")
    }
}
