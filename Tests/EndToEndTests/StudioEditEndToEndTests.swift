import Foundation
import Testing

/// `e` in a real terminal: `hookline demo` hands tmux's terminal to $EDITOR (a script here), then
/// checks the draft, saves it and sends from it at once.
@Suite(.serialized)
struct StudioEditEndToEndTests {
    /// First run: breaks the YAML. Second run: sees its broken text again, fixes it and moves the
    /// letters to /v2/letters. Third run: points the webhook at the cloud metadata address. Fourth
    /// run: takes the saved text back with a misspelt merge parameter.
    static let editorScript = """
        #!/bin/sh
        count_file="$0.count"
        n=$(cat "$count_file" 2>/dev/null || echo 0); n=$((n + 1)); echo "$n" > "$count_file"
        cp "$1" "$0.seen-$n"
        if [ "$n" = 1 ]; then
            sed -i 's|^method: POST|method: [POST|' "$1"
        elif [ "$n" = 2 ]; then
            sed -i 's|^method: \\[POST|method: POST|; s|/v1/letters|/v2/letters|' "$1"
        elif [ "$n" = 3 ]; then
            sed -i 's|http://127.0.0.1:[0-9]*|http://169.254.169.254|' "$1"
        else
            cp "$0.seen-3" "$1"
            sed -i 's|{{firstName}} {{lastName}}|{{frstName}} {{lastName}}|' "$1"
        fi

        """

    /// Starts `hookline demo` in tmux with `editor` (a script's text, none when nil) as $EDITOR,
    /// waits for live letters, and always stops tmux afterwards.
    private func withDemo(editor script: String? = nil, _ body: (TmuxSession, URL) async throws -> Void) async throws {
        let folder = try BinaryRunner.temporaryDirectory()
        var environment = ""
        if let script {
            let editor = folder.appendingPathComponent("editor.sh")
            try script.write(to: editor, atomically: true, encoding: .utf8)
            // Run through sh, not exec'd: a child forked by a parallel test while the script was
            // open for writing keeps it busy, and exec then fails (ETXTBSY, exit 126).
            environment = "EDITOR='sh \(editor.path)' "
        }
        let session = try await TmuxSession(
            command: "\(environment)\(BinaryRunner.hooklinePath) demo --dir \(folder.path)/ws", directory: folder)
        try await session.driving {
            try await session.waitForScreen(timeout: 20) { $0.contains("/v1/letters") }
            try await body(session, folder)
        }
    }

    /// Selects the direct-mail workflow, then its send-letter step, which calls lob-letter.
    private func selectSendLetterStep(_ session: TmuxSession) async throws {
        try await session.press("j")
        try await session.waitForScreen(timeout: 10) { $0.contains("direct-mail · ") }
        try await session.press("Enter")
        try await session.press("j")
    }

    @Test func editingAWebhookInTheEditorIsCheckedSavedAndUsedByTheNextDelivery() async throws {
        try await withDemo(editor: Self.editorScript) { session, folder in
            try await editAndCheck(session, folder)
        }
    }

    private func editAndCheck(_ session: TmuxSession, _ folder: URL) async throws {
        let webhookFile = folder.appendingPathComponent("ws/webhooks/lob-letter.yaml")
        let original = try String(contentsOf: webhookFile, encoding: .utf8)
        try await selectSendLetterStep(session)
        try await session.press("e")
        let refused = try await session.waitForScreen(timeout: 20) { $0.contains("webhooks/lob-letter.yaml:") }
        #expect(refused.contains("error"))
        #expect(try String(contentsOf: webhookFile, encoding: .utf8) == original)

        try await session.press("e")
        try await session.waitForScreen(timeout: 20) { $0.contains("saved webhooks/lob-letter.yaml") }
        // The second run of the editor was given the user's broken text back, not the file.
        let seen = try String(contentsOf: folder.appendingPathComponent("editor.sh.seen-2"), encoding: .utf8)
        #expect(seen.contains("method: [POST"))
        let saved = try String(contentsOf: webhookFile, encoding: .utf8)
        #expect(saved == original.replacingOccurrences(of: "/v1/letters", with: "/v2/letters"))
        // Deliveries made after the save go to the new path.
        try await session.waitForScreen(timeout: 20) { $0.contains("/v2/letters") }

        // The network policy is checked when saving, not only before each attempt (§8.8).
        try await session.press("e")
        let blocked = try await session.waitForScreen(timeout: 20) { $0.contains("169.254.169.254") }
        #expect(blocked.contains("webhooks/lob-letter.yaml:"))
        #expect(try String(contentsOf: webhookFile, encoding: .utf8) == saved)

        // A merge parameter no stored user has is saved, and listed as a warning, as validate does.
        try await session.press("e")
        try await session.waitForScreen(timeout: 20) { $0.contains("saved webhooks/lob-letter.yaml") }
        try await session.press("!")
        try await session.waitForScreen(timeout: 10) {
            $0.contains("merge parameter 'frstName' is not a field of any") && $0.contains("did you mean 'firstName'")
        }
        try await session.press("Escape")
        // Before the next key: Escape and a key close together read as Alt+key.
        try await session.waitForScreen(timeout: 10) { !$0.contains("Problems ·") }

        try await session.press("q")
        #expect(try await session.waitForExit(timeout: 15) == 0)
    }

    @Test func nCreatesAWebhookFromItsSkeletonNamedAfterTheIDGiven() async throws {
        try await withDemo(editor: "#!/bin/sh\nsed -i 's/^id: new-webhook/id: audit-hook/' \"$1\"\n") { session, folder in
            try await session.press("2")
            try await session.press("n")
            try await session.waitForScreen(timeout: 20) { $0.contains("created webhooks/audit-hook.yaml") }
            let created = try String(contentsOf: folder.appendingPathComponent("ws/webhooks/audit-hook.yaml"), encoding: .utf8)
            #expect(created.contains("id: audit-hook"))
            #expect(created.contains("method: POST"))
            try await session.press("q")
            #expect(try await session.waitForExit(timeout: 15) == 0)
        }
    }

    @Test func pPreviewsAndTTestSendsAStepsWebhookForAUserNamed() async throws {
        try await withDemo { session, _ in
            try await selectSendLetterStep(session)
            // `p` shows the request for the first stored user, masked, and sends nothing.
            try await session.press("p")
            try await session.waitForScreen(timeout: 10) { $0.contains("preview lob-letter for ") }
            try await session.press("Enter")
            let preview = try await session.waitForScreen(timeout: 20) {
                $0.contains("Preview · not sent") && $0.contains("Authorization: ") && $0.contains("preview of lob-letter for ")
            }
            #expect(preview.contains("Authorization: Basic ••••••"))
            try await session.press("G")
            let end = try await session.waitForScreen(timeout: 10) { $0.contains("Not sent. Esc, then t") }
            #expect(!end.contains("Response"))
            try await session.press("Escape")
            try await session.waitForScreen(timeout: 10) { !$0.contains("Preview · not sent") }
            // `t` asks whom for: an unknown address is refused, the next `t` offers it again,
            // and an empty line sends for the first stored user.
            try await session.press("t")
            try await session.waitForScreen(timeout: 10) { $0.contains("test send lob-letter to ") && $0.contains("(first stored user)") }
            try await session.press("nobody@example.com")
            try await session.press("Enter")
            try await session.waitForScreen(timeout: 20) { $0.contains("no user 'nobody@example.com' in the store") }
            try await session.press("t")
            try await session.waitForScreen(timeout: 10) { $0.contains("test send lob-letter to nobody@example.com") }
            try await session.press("C-u")
            try await session.press("Enter")
            let exchange = try await session.waitForScreen(timeout: 20) { $0.contains("Exchange · msg_") && $0.contains("POST") }
            #expect(exchange.contains("POST"))
            try await session.waitForScreen(timeout: 10) { $0.contains("test send of lob-letter to ") }
            try await session.press("G")
            try await session.waitForScreen(timeout: 10) { $0.contains("Response 200") }
            try await session.press("q")
            try await session.press("q")
            #expect(try await session.waitForExit(timeout: 15) == 0)
        }
    }

    /// A workspace with a workflow that does not parse: the studio says so at start, `!` lists the
    /// problem as path:line:col and ⏎ opens the file in $EDITOR (a `vi` on the PATH here) at its line.
    @Test func brokenFilesAreListedAndOpenedAtTheirLine() async throws {
        let workspace = try TestWorkspace.make()
        defer { workspace.remove() }
        try workspace.write("hookline.yaml", "name: Broken\n")
        try workspace.write("workflows/broken.yaml", "id: broken\nname: [unclosed\nstart: {kind: event, event: signup}\nnodes: []\n")
        let folder = workspace.root.appendingPathComponent("bin").path
        // Written by the shell in tmux, not by this process: a child forked meanwhile by a
        // parallel test cannot hold it open for writing when it is run (ETXTBSY).
        let editor = #"printf '#!/bin/sh\necho "$@" > "$0.args"\n' > bin/vi && chmod +x bin/vi"#
        let session = try await TmuxSession(
            command: "cd \(workspace.root.path) && mkdir -p bin && \(editor) && PATH=\(folder):$PATH EDITOR=vi VISUAL= "
                + "\(BinaryRunner.hooklinePath)",
            directory: workspace.root)
        try await session.driving {
            let start = try await session.waitForScreen(timeout: 20) { $0.contains("1 file has errors: ! lists them") }
            #expect(start.contains("! 1 error"))
            try await session.press("!")
            let list = try await session.waitForScreen(timeout: 10) { $0.contains("Problems") }
            #expect(list.contains("workflows/broken.yaml:3:6: error: invalid YAML"), "\(list)")
            try await session.press("Enter")
            let args = URL(fileURLWithPath: folder + "/vi.args")
            // The shell creates the file before echo writes its line: wait for the whole line.
            _ = try await session.waitForScreen(timeout: 10) { _ in
                (try? String(contentsOf: args, encoding: .utf8))?.hasSuffix("\n") == true
            }
            let arguments = try String(contentsOf: args, encoding: .utf8)
            #expect(arguments.hasPrefix("+3 "), "\(arguments)")
            #expect(arguments.contains(".hookline/drafts/workflows/broken.yaml"), "\(arguments)")
            try await session.waitForScreen(timeout: 10) { $0.contains("no changes to workflows/broken.yaml") }
            try await session.press("q")
            #expect(try await session.waitForExit(timeout: 15) == 0)
        }
    }

    /// The studio's problems are validate's: a secret a webhook uses and nobody set is a warning.
    @Test func anUnsetSecretIsAProblemInTheStudioAsInValidate() async throws {
        let workspace = try TestWorkspace.make()
        defer { workspace.remove() }
        try workspace.write("hookline.yaml", "name: Secrets\n")
        try workspace.write(
            "webhooks/lob-letter.yaml",
            "id: lob-letter\nmethod: POST\nurl: https://api.lob.com/v1/letters\nauth: {type: bearer, token: \"{{secret.lob_key}}\"}\n")
        let session = try await TmuxSession(command: "\(BinaryRunner.hooklinePath) -C \(workspace.root.path)", directory: workspace.root)
        try await session.driving {
            let start = try await session.waitForScreen(timeout: 20) { $0.contains("q quit") }
            #expect(start.contains("! 1 warning"), "\(start)")
            try await session.press("!")
            let list = try await session.waitForScreen(timeout: 10) { $0.contains("Problems") }
            #expect(list.contains("secret 'lob_key' is not set"), "\(list)")
            try await session.press("Escape")
            try await Task.sleep(for: .milliseconds(300))
            try await session.press("q")
            #expect(try await session.waitForExit(timeout: 15) == 0)
        }
    }

    /// `hookline --readonly` on a workspace with journeys left queued by a killed run: it resumes
    /// and sends nothing, and shows the traffic another process stores.
    @Test func aReadOnlyStudioSendsNothingAndFollowsTheStoredTraffic() async throws {
        let users = 6
        let workspace = try await LiveWorkspace.killedMidRun(users: users)
        defer { workspace.remove() }
        let sentBefore = workspace.received(header: "webhook-id").count

        let session = try await TmuxSession(
            command: "\(BinaryRunner.hooklinePath) --readonly -C \(workspace.root.path)", directory: workspace.root)
        try await session.driving {
            try await session.waitForScreen(timeout: 20) { $0.contains("Workflows") && $0.contains("q quit") }
            // An executor would have resumed the queued journeys within this time.
            try await Task.sleep(for: .seconds(3))
            #expect(workspace.received(header: "webhook-id").count == sentBefore)
            #expect(try await workspace.sqlite("SELECT COUNT(*) FROM journey WHERE status = 'finished'") != "\(users)")
            // Another process sends them: the read-only studio shows what it stores.
            let resume = try await workspace.hookline("resume")
            #expect(resume.status == 0, "\(resume.stderr)")
            let screen = try await session.waitForScreen(timeout: 10) { screen in
                screen.split(separator: "\n").filter { $0.contains("POST") && $0.contains(" 200 ") }.count >= users
            }
            #expect(screen.contains("/v1/letters"))
            try await session.press("q")
            #expect(try await session.waitForExit(timeout: 15) == 0)
        }
    }
}

extension StudioEditEndToEndTests {
    /// Opened while `hookline serve` runs the workspace, the studio runs no second executor: it
    /// says who runs it and shows the traffic serve stores.
    @Test func aStudioBesideServeNamesItAndFollowsItsTraffic() async throws {
        let workspace = try await LiveWorkspace.make(script: "rules: [{path: /v1/letters, responses: [{status: 201}]}]\n")
        defer { workspace.remove() }
        let (serve, base) = try await workspace.startServe()
        defer {
            serve.signal(SIGKILL)
            serve.removeOutput()
        }
        let session = try await TmuxSession(command: "\(BinaryRunner.hooklinePath) -C \(workspace.root.path)", directory: workspace.root)
        try await session.driving {
            try await session.waitForScreen(timeout: 20) { $0.contains("this workspace is run by hookline serve (pid \(serve.pid))") }
            let tracked = try await BinaryRunner.run(
                "/usr/bin/curl",
                ["-sS", "-X", "POST", "-H", "Content-Type: application/json", "--data-binary",
                 #"{"email": "ada@example.com", "eventName": "signup"}"#, base + "/api/events/track"])
            #expect(tracked.stdout.contains("Success"), "\(tracked.stdout) \(tracked.stderr)")
            let screen = try await session.waitForScreen(timeout: 15) { screen in
                screen.split(separator: "\n").contains { $0.contains("POST") && $0.contains(" 201 ") }
            }
            #expect(screen.contains("ada@example.com"))
            // A test send from this studio is stored, and shown once.
            try await session.press("2")
            try await session.press("t")
            try await session.press("Enter")
            func sent(_ screen: String) -> Int {
                screen.split(separator: "\n").filter { $0.contains("POST") && $0.contains(" 201 ") }.count
            }
            // Its exchange opens; closed, the traffic shows it once, beside serve's attempt.
            _ = try await session.waitForScreen(timeout: 15) { $0.contains("attempt 1 · test") }
            try await session.press("q")
            _ = try await session.waitForScreen(timeout: 15) { sent($0) >= 2 }
            try await Task.sleep(for: .seconds(1.5))
            let after = try await session.screen()
            #expect(sent(after) == 2, "\(after)")
            // While serve runs, a run is its to make: `r` is hidden and, pressed, says so at once
            // (it used to ask for whom first). Once serve stops, this studio takes over.
            try await session.press("1")
            let list = try await session.waitForScreen(timeout: 10) { $0.contains("n new") }
            #expect(!list.contains("r run"), "\(list)")
            try await session.press("r")
            _ = try await session.waitForScreen(timeout: 10) { $0.contains("are run by hookline serve (pid \(serve.pid))") }
            serve.signal(SIGTERM)
            #expect(try await serve.wait() == 0, "\(serve.stderr)")
            // The check the first `r` started may end after serve did, and take over before this
            // `r`: then it opens the run prompt at once instead of saying so first.
            try await session.press("r")
            let takenOver = try await session.waitForScreen(timeout: 10) {
                ($0.contains("this studio runs them now") && $0.contains("r run")) || $0.contains("run welcome for")
            }
            // The key may still be on its way when the takeover shows: let it land before deciding.
            try await Task.sleep(for: .milliseconds(500))
            if !takenOver.contains("run welcome for"), !(try await session.screen()).contains("run welcome for") {
                try await session.press("r")
                _ = try await session.waitForScreen(timeout: 10) { $0.contains("run welcome for") }
            }
            try await session.press("Enter")
            _ = try await session.waitForScreen(timeout: 10) { $0.contains("started welcome for 1 user") }
            _ = try await session.waitForScreen(timeout: 15) { sent($0) >= 3 }
            try await session.press("q")
            #expect(try await session.waitForExit(timeout: 15) == 0)
        }
    }

    /// The studio opens with the traffic sent before (by an earlier run) in its pane.
    @Test func theStudioOpensOnTheTrafficSentBefore() async throws {
        let workspace = try await LiveWorkspace.make(script: "rules: [{path: /v1/letters, responses: [{status: 201}]}]\n")
        defer { workspace.remove() }
        try await workspace.files.createStore()
        _ = try await workspace.sqlite(
            "INSERT INTO user (email, profile) VALUES ('ada@example.com', '{\"email\":\"ada@example.com\"}'), "
                + "('bob@example.com', '{\"email\":\"bob@example.com\"}')")
        let run = try await workspace.hookline("run", "welcome", "--all")
        #expect(run.status == 0, "\(run.stderr)")
        let sent = workspace.received(header: "webhook-id").count
        #expect(sent >= 2)

        let session = try await TmuxSession(command: "\(BinaryRunner.hooklinePath) -C \(workspace.root.path)", directory: workspace.root)
        try await session.driving {
            let screen = try await session.waitForScreen(timeout: 20) { screen in
                screen.contains("q quit") && screen.split(separator: "\n").filter { $0.contains("POST") && $0.contains(" 201 ") }.count >= 2
            }
            #expect(screen.contains("ada@example.com") && screen.contains("bob@example.com"))
            #expect(workspace.received(header: "webhook-id").count == sent)
            try await session.press("q")
            #expect(try await session.waitForExit(timeout: 15) == 0)
        }
    }
}
