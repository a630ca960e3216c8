import Foundation
import StudioModel
import Testing

/// `hookline users import`, run as the binary against a temporary workspace.
struct UsersImportCommandTests {
    @Test func csvImportMergesIntoExistingProfilesAndBadFilesImportNothing() async throws {
        let root = try BinaryRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        try Data("name: Import test\n".utf8).write(to: root.appendingPathComponent("hookline.yaml"))
        let first = root.appendingPathComponent("first.csv")
        try Data("email,plan,age\nada@example.com,free,36\n".utf8).write(to: first)
        let second = root.appendingPathComponent("second.csv")
        try Data("email,plan,zip\nada@example.com,pro,0150\nbob@example.com,free,\n".utf8).write(to: second)
        let bad = root.appendingPathComponent("bad.csv")
        try Data("email,plan\ncy@example.com,pro\nnobody,free\n".utf8).write(to: bad)

        let one = try await BinaryRunner.hookline("users", "import", first.path, "-C", root.path)
        #expect(one.status == 0, "\(one.stderr)")
        #expect(one.stdout == "imported 1 users (1 new, 0 updated)\n")
        let two = try await BinaryRunner.hookline("users", "import", second.path, "-C", root.path)
        #expect(two.stdout == "imported 2 users (1 new, 1 updated)\n")
        let refused = try await BinaryRunner.hookline("users", "import", bad.path, "-C", root.path)
        #expect(refused.status == 65)
        #expect(refused.stderr.contains("bad.csv: row 2: 'nobody' is not an email address"))

        let profiles = try await BinaryRunner.run(
            "/usr/bin/sqlite3", [root.appendingPathComponent(".hookline/state.sqlite").path, "SELECT profile FROM user ORDER BY email"])
        let rows = profiles.stdout.split(separator: "\n").map(String.init)
        #expect(rows == [
            #"{"email":"ada@example.com","plan":"pro","age":36,"zip":"0150"}"#, #"{"email":"bob@example.com","plan":"free"}"#,
        ])
    }
}
