import Foundation
import StudioModel
import Testing

/// `hookline users import`, run as the binary against a temporary workspace.
struct UsersImportCommandTests {
    @Test func csvImportMergesIntoExistingProfilesAndBadFilesImportNothing() async throws {
        let workspace = try TestWorkspace.make()
        defer { workspace.remove() }
        try workspace.write("hookline.yaml", "name: Import test\n")
        let first = try workspace.write("first.csv", "email,plan,age\nada@example.com,free,36\n")
        let second = try workspace.write("second.csv", "email,plan,zip\nada@example.com,pro,0150\nbob@example.com,free,\n")
        let bad = try workspace.write("bad.csv", "email,plan\ncy@example.com,pro\nnobody,free\n")

        let one = try await workspace.hookline("users", "import", first.path)
        #expect(one.status == 0, "\(one.stderr)")
        #expect(one.stdout == "imported 1 user (1 new, 0 updated)\n")
        let two = try await workspace.hookline("users", "import", second.path)
        #expect(two.stdout == "imported 2 users (1 new, 1 updated)\n")
        let refused = try await workspace.hookline("users", "import", bad.path)
        #expect(refused.status == 65)
        #expect(refused.stderr == "\(bad.path):3: error: 'nobody' is not an email address: it has no '@'\nnothing imported\n")
        let unclosed = try workspace.write("unclosed.csv", "email,plan\ncy@example.com,\"pro\ndee@example.com,free\n")
        let refusedQuote = try await workspace.hookline("users", "import", unclosed.path)
        #expect(refusedQuote.status == 65)
        #expect(refusedQuote.stderr.hasPrefix("\(unclosed.path):2: error: the quoted field that opens here is not closed\n"))
        let missing = try await workspace.hookline("users", "import", workspace.root.appendingPathComponent("nope.csv").path)
        #expect(missing.status == 65)
        #expect(missing.stderr.hasSuffix("nope.csv: no such file\n"))

        let rows = try await workspace.sqlite("SELECT profile FROM user ORDER BY email").split(separator: "\n").map(String.init)
        #expect(rows == [
            #"{"email":"ada@example.com","plan":"pro","age":36,"zip":"0150"}"#, #"{"email":"bob@example.com","plan":"free"}"#,
        ])
    }

    /// A field keeps the type it has in the store: a row giving it another is reported at its
    /// line, as any bad row is, and nothing of the file is imported.
    @Test func aRowGivingAFieldAnotherTypeImportsNothing() async throws {
        let workspace = try TestWorkspace.make()
        defer { workspace.remove() }
        try workspace.write("hookline.yaml", "name: Import test\n")
        let first = try workspace.write("first.csv", "email,age\nada@example.com,36\n")
        let second = try workspace.write("second.csv", "email,age\nbob@example.com,41\neve@example.com,forty\n")

        let one = try await workspace.hookline("users", "import", first.path)
        #expect(one.status == 0, "\(one.stderr)")
        let refused = try await workspace.hookline("users", "import", second.path)
        #expect(refused.status == 65)
        #expect(
            refused.stderr
                == "\(second.path):3: error: field 'age' has type number and keeps it: a value of type string cannot be "
                + "stored in it (null clears it)\nnothing imported\n")
        #expect(try await workspace.sqlite("SELECT email FROM user ORDER BY email") == "ada@example.com")
    }

    /// A file saved in another encoding is pointed at where it stops being UTF-8, as any bad row is.
    @Test func aFileThatIsNotUTF8IsReportedAtItsFirstBadByte() async throws {
        let workspace = try TestWorkspace.make()
        defer { workspace.remove() }
        try workspace.write("hookline.yaml", "name: Import test\n")
        let latin1 = workspace.root.appendingPathComponent("latin1.csv")
        // "Zoë" in Latin-1: 0xEB is no UTF-8.
        try (Data("email,name\nzoe@example.com,Zo".utf8) + Data([0xEB, 0x0A])).write(to: latin1)

        let refused = try await workspace.hookline("users", "import", latin1.path)
        #expect(refused.status == 65)
        #expect(refused.stderr == "\(latin1.path):2:19: error: not UTF-8 text; save the file as UTF-8\n")
    }

    /// Commands that open a new store at the same moment (the executor, `watch`, an import) each
    /// find it ready: one of two migrating it at once failed with "duplicate column name".
    @Test func importsStartedTogetherOnANewStoreAllSucceed() async throws {
        for _ in 0..<3 {
            let workspace = try TestWorkspace.make()
            defer { workspace.remove() }
            try workspace.write("hookline.yaml", "name: Race\n")
            let files = try (1...8).map { try workspace.write("u\($0).csv", "email\nu\($0)@example.com\n") }
            let results = try await withThrowingTaskGroup(of: BinaryRunner.Result.self) { group in
                for file in files { group.addTask { try await workspace.hookline("users", "import", file.path) } }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(results.allSatisfy { $0.status == 0 }, "\(results.map(\.stderr))")
            #expect(try await workspace.sqlite("SELECT COUNT(*) FROM user") == "8")
        }
    }
}
