import Foundation
import Testing

/// `hookline run WORKFLOW --users FILE`: the list as people export it, and a bad line located.
@Suite(.serialized)
struct RunCommandTests {
    @Test func aListWithCommentsBlankLinesAndCRLFRunsEachAddressOnce() async throws {
        let workspace = try await LiveWorkspace.make()
        defer { workspace.remove() }
        let users = try workspace.write(
            "users.txt", "\u{FEFF}# segment: trial\r\nada@example.com\r\n\r\n  bob@example.com  \r\n# cy@example.com\r\n")
        let run = try await workspace.hookline("run", "welcome", "--users", users.path)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stderr.contains("2 journeys, 2 deliveries, 0 failed"))
        #expect(try await workspace.sqlite("SELECT userEmail FROM attempt ORDER BY userEmail;") == "ada@example.com\nbob@example.com")
    }

    /// A list naming a user twice, in any case, starts one journey for them, as `--list` and
    /// `--all` do, and says so (QA, session 21: three POSTs went to one user).
    @Test func aListNamingAUserTwiceStartsTheirJourneyOnce() async throws {
        let workspace = try await LiveWorkspace.make()
        defer { workspace.remove() }
        let users = try workspace.write("users.txt", "ada@example.com\nbob@example.com\nADA@example.com\nada@example.com\n")
        let run = try await workspace.hookline("run", "welcome", "--users", users.path)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stderr.contains("2 addresses repeated in the list: each user's journey started once"), "\(run.stderr)")
        #expect(run.stderr.contains("2 journeys, 2 deliveries, 0 failed"), "\(run.stderr)")
        #expect(try await workspace.sqlite("SELECT COUNT(*) FROM journey;") == "2")
        #expect(try await workspace.sqlite("SELECT userEmail FROM attempt ORDER BY userEmail;") == "ada@example.com\nbob@example.com")
    }

    /// A run's users start together or not at all, so a run again after the fix starts each once.
    @Test func aLineThatIsNotTextIsLocatedAndStartsNoOne() async throws {
        let workspace = try await LiveWorkspace.make()
        defer { workspace.remove() }
        let users = workspace.root.appendingPathComponent("users.txt")
        try Data(Array("ada@example.com\n".utf8) + [0xC3, 0x28, 0x0A] + Array("bob@example.com\n".utf8)).write(to: users)
        let run = try await workspace.hookline("run", "welcome", "--users", users.path)
        #expect(run.status == 65)
        #expect(run.stderr.contains("\(users.path):2: the line is not UTF-8 text"), "\(run.stderr)")
        #expect(run.stderr.contains("no journey was started: fix the list and run again"), "\(run.stderr)")
        #expect(try await workspace.sqlite("SELECT count(*) FROM attempt;") == "0")
        #expect(try await workspace.sqlite("SELECT count(*) FROM journey;") == "0")

        let missing = try await workspace.hookline("run", "welcome", "--users", workspace.root.path + "/nobody.txt")
        #expect(missing.status == 65)
        #expect(missing.stderr.contains("nobody.txt: No such file or directory"), "\(missing.stderr)")
    }

    /// A CSV export's header, or any line that is not an address, starts no journey.
    @Test func aLineThatIsNotAnAddressIsRefusedAndStartsNoOne() async throws {
        let workspace = try await LiveWorkspace.make()
        defer { workspace.remove() }
        let users = try workspace.write("users.txt", "ada@example.com\nemail,firstName\nbob@example.com\n")
        let run = try await workspace.hookline("run", "welcome", "--users", users.path)
        #expect(run.status == 65)
        #expect(run.stderr.contains("error: \(users.path):2: 'email,firstName' is not an email address"), "\(run.stderr)")
        #expect(try await workspace.sqlite("SELECT count(*) FROM journey;") == "0")

        try workspace.write("users.txt", "ada@example.com\nbob@example.com\n")
        let fixed = try await workspace.hookline("run", "welcome", "--users", users.path)
        #expect(fixed.status == 0, "\(fixed.stderr)")
        #expect(try await workspace.sqlite("SELECT userEmail FROM attempt ORDER BY userEmail;") == "ada@example.com\nbob@example.com")
    }

    /// `hookline run … | head`: the reader leaves early; the run goes on, says where its
    /// attempts are, and stores every one (it used to stop on the broken pipe, exit 132).
    @Test func aRunWhoseOutputReaderLeavesFinishesAndStoresEveryAttempt() async throws {
        let workspace = try await LiveWorkspace.make()
        defer { workspace.remove() }
        let users = try workspace.write("users.txt", (0..<400).map { "user\($0)@example.com\n" }.joined())
        let run = try await BinaryRunner.run(
            "/bin/bash",
            [
                "-c", #"set -o pipefail; "$0" run welcome --users "$1" -C "$2" | head -c 1 >/dev/null"#,
                BinaryRunner.hooklinePath, users.path, workspace.root.path,
            ])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stderr.contains("400 journeys, 400 deliveries, 0 failed"), "\(run.stderr)")
        #expect(run.stderr.contains("standard output was closed; attempts are still stored"), "\(run.stderr)")
        #expect(try await workspace.sqlite("SELECT count(*) FROM attempt WHERE status = 200;") == "400")
        #expect(try await workspace.sqlite("SELECT count(*) FROM delivery WHERE status != 'succeeded';") == "0")
    }

    /// `hookline run … | less` left unread: a blocked write to standard output held up the
    /// store's writer, so attempts went unstored until the reader came back, and a stop waited
    /// for it too. The run now stores every attempt whatever the reader does, and ends once its
    /// reader has taken nothing for 5 s, saying how many lines it could not write.
    @Test func aRunWhoseOutputIsNotReadStoresEveryAttemptAndEnds() async throws {
        let workspace = try await LiveWorkspace.make()
        defer { workspace.remove() }
        let users = try workspace.write("users.txt", (0..<400).map { "user\($0)@example.com\n" }.joined())
        let fifo = workspace.root.appendingPathComponent("stdout.fifo").path
        #expect(mkfifo(fifo, 0o600) == 0)
        // The reader opens the pipe and never reads it; it ends by itself.
        let run = try await BinaryRunner.run(
            "/bin/bash",
            [
                "-c", #"python3 -c 'import os, sys, time; fd = os.open(sys.argv[1], os.O_RDONLY); time.sleep(60)' "$3" & "#
                    + #"exec "$0" run welcome --users "$1" -C "$2" > "$3""#,
                BinaryRunner.hooklinePath, users.path, workspace.root.path, fifo,
            ])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stderr.contains("400 journeys, 400 deliveries, 0 failed"), "\(run.stderr)")
        #expect(run.stderr.contains("lines were not written: standard output was not read for 5 s"), "\(run.stderr)")
        #expect(try await workspace.sqlite("SELECT count(*) FROM attempt WHERE status = 200;") == "400")
    }

    @Test func aWorkflowThatStartsFromAListRunsForItsMembers() async throws {
        let workspace = try await LiveWorkspace.make()
        defer { workspace.remove() }
        try workspace.write(
            "workflows/trial.yaml",
            """
            id: trial
            name: Trial ending
            start: {kind: list, list: trial}
            nodes:
              - id: call
                type: callWebhook
                webhook: letter

            """)
        let csv = try workspace.write("trial.csv", "email,plan\nada@example.com,free\nbob@example.com,free\n")
        let other = try workspace.write("other.csv", "email,plan\ncy@example.com,pro\n")
        let imported = try await workspace.hookline("users", "import", csv.path, "--list", "trial")
        #expect(imported.stdout.contains("added 2 to list trial"), "\(imported.stdout)\(imported.stderr)")
        #expect(try await workspace.hookline("users", "import", other.path).status == 0)

        let run = try await workspace.hookline("run", "trial")
        #expect(run.status == 0, "\(run.stderr)")
        #expect(try await workspace.sqlite("SELECT userEmail FROM attempt ORDER BY userEmail;") == "ada@example.com\nbob@example.com")
        // A workflow that starts otherwise needs to be told whom to run for.
        let manual = try await workspace.hookline("run", "welcome")
        #expect(manual.status != 0)
        #expect(manual.stderr.contains("Please give --users FILE, --list NAME or --all"), "\(manual.stderr)")
        // A list is known by its members, so a misspelt one is refused, naming the lists there are.
        let misspelt = try await workspace.hookline("run", "welcome", "--list", "trail")
        #expect(misspelt.status == 64)
        #expect(misspelt.stderr.hasPrefix("error: no list 'trail' in "), "\(misspelt.stderr)")
        #expect(misspelt.stderr.hasSuffix("(expected trial)\n"), "\(misspelt.stderr)")
        #expect(!misspelt.stderr.contains("USAGE"), "\(misspelt.stderr)")
    }

    @Test func aWorkflowWhoseListHasNoMembersSaysSo() async throws {
        let workspace = try await LiveWorkspace.make()
        defer { workspace.remove() }
        try workspace.write(
            "workflows/trial.yaml",
            "id: trial\nstart: {kind: list, list: trial}\nnodes:\n  - id: call\n    type: callWebhook\n    webhook: letter\n")
        let run = try await workspace.hookline("run", "trial")
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stderr.contains("note: list 'trial' has no members yet, so no journey starts"), "\(run.stderr)")
    }
}

extension RunCommandTests {
    /// A run left with nothing to do but wait for a delay says so, instead of waiting in silence.
    @Test func aRunWhoseJourneysAllSleepSaysSoAndWhen() async throws {
        let workspace = try await LiveWorkspace.make()
        defer { workspace.remove() }
        try workspace.write(
            "workflows/later.yaml",
            "id: later\nstart: {kind: event, event: later}\nnodes:\n  - id: wait\n    type: delay\n    duration: 2d\n    next: send\n"
                + "  - id: send\n    type: callWebhook\n    webhook: letter\n")
        let users = try workspace.write("users.txt", "ada@example.com\nbob@example.com\n")
        let run = try BinaryRunner.start(BinaryRunner.hooklinePath, ["run", "later", "--users", users.path, "-C", workspace.root.path])
        defer { run.removeOutput() }
        let said = try await LiveWorkspace.waitFor("the note about sleepers") { () -> String? in
            run.stderr.split(separator: "\n").first { $0.hasPrefix("2 journeys asleep in a delay, the first wakes at ") }.map(String.init)
        }
        #expect(said.contains("hookline resume finishes them later"))
        run.signal(SIGKILL)
        _ = try await run.wait()
        #expect(workspace.received(header: "webhook-id").isEmpty)
    }

    /// So does a run whose journeys all wait for a retry of their webhook: they sleep as in a delay.
    @Test func aRunWhoseJourneysAllWaitForARetrySaysSo() async throws {
        let workspace = try await LiveWorkspace.make(script: "rules: [{path: /v1/letters, response: {status: 503}}]")
        defer { workspace.remove() }
        let users = try workspace.write("users.txt", "ada@example.com\n")
        let run = try BinaryRunner.start(
            BinaryRunner.hooklinePath, ["run", "welcome", "--users", users.path, "-C", workspace.root.path])
        defer { run.removeOutput() }
        let said = try await LiveWorkspace.waitFor("the note about the retry") { () -> String? in
            run.stderr.split(separator: "\n").first { $0.hasPrefix("1 journey waiting to retry a webhook, the first wakes at ") }
                .map(String.init)
        }
        #expect(said.contains("hookline resume finishes them later"))
        run.signal(SIGKILL)
        _ = try await run.wait()
        #expect(workspace.received(header: "webhook-id").count == 1)
    }
}
