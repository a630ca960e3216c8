import Foundation
import Testing

/// Small mistakes on the command line get a message that says what is wrong.
struct InputErrorCommandTests {
    @Test func renderWithAMissingTemplateSaysNoSuchFile() async throws {
        let folder = try BinaryRunner.temporaryDirectory()
        let data = folder.appendingPathComponent("data.json")
        try "{}".write(to: data, atomically: true, encoding: .utf8)
        let missing = folder.appendingPathComponent("nope.hbs").path
        let result = try await BinaryRunner.hookline("render", "--template", missing, "--data", data.path)
        #expect(result.status == 65)
        #expect(result.stderr == "error: \(missing): no such file\n")
    }

    /// Data that is not an object rendered every field empty, as if the template were right.
    @Test(arguments: ["[1]", #""Ada""#, "42"])
    func renderWithDataThatIsNotAJSONObjectIsBadInput(data text: String) async throws {
        let folder = try BinaryRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let template = folder.appendingPathComponent("t.hbs")
        try "Hello {{firstName}}".write(to: template, atomically: true, encoding: .utf8)
        let data = folder.appendingPathComponent("data.json")
        try text.write(to: data, atomically: true, encoding: .utf8)
        let result = try await BinaryRunner.hookline("render", "--template", template.path, "--data", data.path)
        #expect(result.status == 65)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr == "error: \(data.path): not a JSON object; write the fields as {\"name\": value, …}\n")
    }

    /// A time scale of 0 made every delay infinite (a journey "woke" a hundred years on); every
    /// command that takes one refuses it before it starts anything.
    @Test(arguments: [["run", "welcome", "--all"], ["resume"], ["serve"], ["events", "track", "--email", "a@example.com", "--event", "x"]])
    func aTimeScaleBelowAThousandthIsAUsageError(command: [String]) async throws {
        let folder = try BinaryRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try await BinaryRunner.run(BinaryRunner.hooklinePath, command + ["--time-scale", "0", "-C", folder.path])
        #expect(result.status == 64)
        #expect(result.stderr.contains("Please give a --time-scale of at least 0.001"), "\(result.stderr)")
    }

    /// The message named 0 as a bound it then refused.
    @Test(arguments: ["0", "1001"])
    func aDemoRateOutsideItsRangeSaysWhatIsAllowed(rate: String) async throws {
        let result = try await BinaryRunner.hookline("demo", "--rate", rate)
        #expect(result.status == 64)
        #expect(result.stderr.contains("Please give a --rate above 0 and at most 1000 events per second."), "\(result.stderr)")
    }

    /// A workflow whose file has an error does not run: `run` says which file to fix, exit 65,
    /// whether the file parses (a bad delay) or not (QA: the first ran without its delay, the
    /// second was "no workflow", exit 64).
    @Test(arguments: [
        "  - id: wait\n    type: delay\n    duration: 3 days\n    next: call\n",
        "  - id: wait\n    type: delay\n  duration: [2d\n",
    ])
    func runOfAWorkflowWithAnErrorNamesItsFile(brokenStep: String) async throws {
        let workspace = try TestWorkspace.make()
        defer { workspace.remove() }
        try workspace.write(
            "webhooks/letter.yaml", "id: letter\nmethod: POST\nurl: http://127.0.0.1:9/v1\nbody: {type: json, template: '{}'}\n")
        try workspace.write(
            "workflows/welcome.yaml",
            "id: welcome\nstart: {kind: manual}\nnodes:\n" + brokenStep + "  - id: call\n    type: callWebhook\n    webhook: letter\n")
        let users = try workspace.write("users.txt", "ada@example.com\n")

        let run = try await workspace.hookline("run", "welcome", "--users", users.path)
        #expect(run.status == 65, "\(run.stderr)")
        #expect(run.stderr.contains("error: workflow 'welcome' does not run while workflows/welcome.yaml has errors"), "\(run.stderr)")
        #expect(run.stdout.isEmpty, "an attempt was made")
    }

    /// An empty event name or list name is refused, as the ingest API refuses one (QA: an event
    /// named "" was stored, a list named "" filled).
    @Test(arguments: [
        (["events", "track", "--email", "ada@example.com", "--event", ""], "Please give the event's name to --event"),
        (["users", "import", "users.csv", "--list", " "], "Please give the list's name to --list"),
    ])
    func anEmptyNameIsAUsageError(command: [String], message: String) async throws {
        let workspace = try TestWorkspace.make()
        defer { workspace.remove() }
        try workspace.write("users.csv", "email\nada@example.com\n")
        let result = try await BinaryRunner.run(
            BinaryRunner.hooklinePath, command.map { $0 == "users.csv" ? workspace.root.appendingPathComponent($0).path : $0 }
                + ["-C", workspace.root.path])
        #expect(result.status == 64)
        #expect(result.stderr.contains(message), "\(result.stderr)")
        // Refused before anything was opened.
        #expect(!FileManager.default.fileExists(atPath: workspace.root.appendingPathComponent(".hookline/state.sqlite").path))
    }

    @Test func replayWithNothingToReplaySaysWhatItNeeds() async throws {
        let folder = try BinaryRunner.temporaryDirectory()
        let none = try await BinaryRunner.hookline("replay", "-C", folder.path)
        #expect(none.status == 64)
        #expect(none.stderr.contains("Please give the delivery ids to replay (msg_…) or filters to choose them"))
        #expect(!none.stderr.contains("not both"))
        let both = try await BinaryRunner.hookline("replay", "msg_1", "--webhook", "lob", "-C", folder.path)
        #expect(both.status == 64)
        #expect(both.stderr.contains("not both"))
    }

    /// Every command that takes a webhook or workflow by name answers a mistyped one alike: exit 64,
    /// one line naming the folder it looked in and the nearest name, no usage text.
    @Test(arguments: [
        (["run", "welcom", "--all"], "workflow 'welcom' in {root}/workflows/ (did you mean 'welcome'?)"),
        (["resume", "--endpoint", "lettr"], "webhook 'lettr' in {root}/webhooks/ or {root}/system-webhooks/ (did you mean 'letter'?)"),
        (["replay", "--webhook", "lettr"], "webhook 'lettr' in {root}/webhooks/ or {root}/system-webhooks/ (did you mean 'letter'?)"),
    ])
    func anUnknownNameSaysWhereItLookedAndTheNearestName(command: [String], message: String) async throws {
        let workspace = try TestWorkspace.make()
        defer { workspace.remove() }
        try workspace.write("webhooks/letter.yaml", "id: letter\nmethod: POST\nurl: \"http://127.0.0.1:9/v1/letters\"\n")
        try workspace.writeWelcomeWorkflow(calling: "letter")
        let result = try await BinaryRunner.run(BinaryRunner.hooklinePath, command + ["-C", workspace.root.path])
        #expect(result.status == 64)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr == "error: no " + message.replacingOccurrences(of: "{root}", with: workspace.root.path) + "\n")
    }

    @Test func aWorkflowNameFarFromEveryOneListsTheFewThereAre() async throws {
        let workspace = try TestWorkspace.make()
        defer { workspace.remove() }
        try workspace.write("webhooks/letter.yaml", "id: letter\nmethod: POST\nurl: \"http://127.0.0.1:9/v1/letters\"\n")
        try workspace.writeWelcomeWorkflow(calling: "letter")
        let result = try await workspace.hookline("run", "onboarding", "--all")
        #expect(result.status == 64)
        #expect(result.stderr.hasSuffix("/workflows/ (expected welcome)\n"), "\(result.stderr)")
        #expect(!result.stderr.contains("USAGE"))
    }

    @Test func eventsTrackRefusesWhatImportWouldNotTakeAsAnAddress() async throws {
        let workspace = try TestWorkspace.make()
        defer { workspace.remove() }
        try workspace.write("hookline.yaml", "name: Events test\n")
        let result = try await workspace.hookline("events", "track", "--email", "notanemail", "--event", "signup")
        #expect(result.status == 64)
        #expect(result.stderr.contains("'notanemail' is not an email address"))
        #expect(!FileManager.default.fileExists(atPath: workspace.root.appendingPathComponent(".hookline").path))
    }
}
