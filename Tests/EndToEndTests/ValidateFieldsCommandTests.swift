import Foundation
import Testing

/// `hookline validate` checks merge parameters against the stored users and events.
struct ValidateFieldsCommandTests {
    static let note = "no users yet: merge parameters not checked against profiles"

    static let greeting = """
        id: greeting
        name: Greeting
        method: POST
        url: "http://127.0.0.1:8080/greet"
        body:
          type: json
          template: |
            {"hi": "{{frstName}}", "coupon": "{{couponCode}}", "shoe": "{{shoeSize}}"}

        """

    /// Inserts one user and one event into the store with python3's sqlite3 (there is no import command yet).
    static let insertRows = """
        import json, sqlite3, sys
        db = sqlite3.connect(sys.argv[1])
        profile = {"email": "ada@example.com", "firstName": "Ada", "lastName": "Lovelace", "age": 36}
        db.execute("INSERT INTO user (email, profile) VALUES (?, ?)", (profile["email"], json.dumps(profile)))
        db.execute("INSERT INTO user (email, profile) VALUES (?, ?)", ("broken@example.com", "not json"))
        db.execute(
            "INSERT INTO event (email, name, dataFields, createdAt) VALUES (?, ?, ?, ?)",
            ("ada@example.com", "signup", json.dumps({"couponCode": "WELCOME"}), "2026-01-01 00:00:00.000"))
        db.commit()
        """

    @Test func unknownMergeParameterIsAWarningWithTheNearestFieldAndExitZero() async throws {
        let folder = try BinaryRunner.temporaryDirectory()
        let workspace = folder.appendingPathComponent("ws")
        let created = try await BinaryRunner.hookline("init", workspace.path)
        #expect(created.status == 0, "\(created.stderr)")
        try Self.greeting.write(
            to: workspace.appendingPathComponent("webhooks/greeting.yaml"), atomically: true, encoding: .utf8)
        // The example webhooks' secrets, set: this test is about fields (an unset secret is a warning too).
        try FileManager.default.createDirectory(at: workspace.appendingPathComponent(".hookline"), withIntermediateDirectories: true)
        let secretsFile = workspace.appendingPathComponent(".hookline/secrets.yaml")
        try "lob_key: key_test_1\ncrm_token: tok_test_1\n".write(to: secretsFile, atomically: true, encoding: .utf8)
        // Readable by every user: a warning; private, none.
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: secretsFile.path)
        let exposed = try await BinaryRunner.hookline("validate", "-C", workspace.path)
        #expect(exposed.stderr.contains(".hookline/secrets.yaml:1:1: warning: the secrets file can be read by every user (mode 644)"))
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: secretsFile.path)

        // No store yet: one note, no field warnings.
        let withoutStore = try await BinaryRunner.hookline("validate", "-C", workspace.path)
        #expect(withoutStore.status == 0, "\(withoutStore.stderr)")
        #expect(withoutStore.stderr == Self.note + "\n")
        try FileManager.default.removeItem(at: workspace.appendingPathComponent(".hookline/secrets.yaml"))
        let withoutSecrets = try await BinaryRunner.hookline("validate", "-C", workspace.path)
        #expect(withoutSecrets.status == 0)
        #expect(withoutSecrets.stderr.contains(
            "webhooks/lob-letter.yaml:7:34: warning: secret 'lob_key' is not set, so this webhook's requests are not sent"))
        try "lob_key: key_test_1\ncrm_token: tok_test_1\n".write(to: secretsFile, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: secretsFile.path)

        // A store with no users says the same.
        let emptyUsers = folder.appendingPathComponent("users.txt")
        try "".write(to: emptyUsers, atomically: true, encoding: .utf8)
        let run = try await BinaryRunner.hookline("run", "direct-mail", "-C", workspace.path, "--users", emptyUsers.path)
        #expect(run.status == 0, "\(run.stderr)")
        let noUsers = try await BinaryRunner.hookline("validate", "-C", workspace.path)
        #expect(noUsers.status == 0, "\(noUsers.stderr)")
        #expect(noUsers.stderr == Self.note + "\n")

        let storePath = workspace.appendingPathComponent(".hookline/state.sqlite").path
        let insert = try await BinaryRunner.run("/usr/bin/env", ["python3", "-c", Self.insertRows, storePath])
        #expect(insert.status == 0, "\(insert.stderr)")

        let result = try await BinaryRunner.hookline("validate", "-C", workspace.path)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(!result.stderr.contains(Self.note))
        // couponCode comes from a stored event's dataFields, so only the other two are reported.
        let greetingLines = result.stderr.split(separator: "\n").filter { $0.hasPrefix("webhooks/greeting.yaml") }
        #expect(greetingLines == [
            "webhooks/greeting.yaml:8:15: warning: merge parameter 'frstName' is not a field of any user (did you mean 'firstName'?)",
            "webhooks/greeting.yaml:8:67: warning: merge parameter 'shoeSize' is not a field of any user",
        ])
        #expect(result.stderr.contains(
            """
                {"hi": "{{frstName}}", "coupon": "{{couponCode}}", "shoe": "{{shoeSize}}"}
                          ^
            """))
        #expect(result.stdout.contains("5 webhooks, 1 system webhook: 0 errors,"))
    }
}
