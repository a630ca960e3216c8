import Foundation
import StudioEngine
import StudioModel
import Testing

/// `hookline users import`: CSV and JSON Lines into typed profiles, with every problem located.
struct UserImporterTests {
    @Test func csvCellsAreTypedAsAMarketerMeansThem() throws {
        let csv = #"""
            email,firstName,age,zip,vip,score,address.city,address.country,note
            ada@example.com,Ada,36,0150,true,9.5,Oslo,NO,
            "bob@example.com","Bob, Jr.",-4,0,FALSE,0.25,Paris,,"said ""hi"""
            """#
        let profiles = try UserImporter.profiles(from: csv, format: .csv)
        try #require(profiles.count == 2)
        // The zip column has a leading zero (0150): text in every row, its 0 too.
        #expect(JSONValue.object(profiles[0]).jsonText
            == #"{"email":"ada@example.com","firstName":"Ada","age":36,"zip":"0150","vip":true,"score":9.5,"address":{"city":"Oslo","country":"NO"}}"#)
        #expect(JSONValue.object(profiles[1]).jsonText
            == #"{"email":"bob@example.com","firstName":"Bob, Jr.","age":-4,"zip":"0","vip":false,"score":0.25,"address":{"city":"Paris"},"note":"said \"hi\""}"#)
    }

    @Test(arguments: [
        ("1e3", JSONValue.string("1e3")), ("007", .string("007")), ("0.5", .double(0.5)), ("1.", .string("1.")),
        (".5", .string(".5")), ("12345678901234567890", .string("12345678901234567890")), ("١٢", .string("١٢")),
    ])
    func ambiguousCellsStayText(cell: String, expected: JSONValue) {
        #expect(UserImporter.Format.csv == .csv)
        let profiles = try? UserImporter.profiles(from: "email,v\nada@example.com,\(cell)\n", format: .csv)
        #expect(profiles?.first?["v"] == expected)
    }

    /// Iterable stores `myUser@example.com` as `myuser@example.com`; an import does the same, so
    /// a later update or event in any case finds the imported profile.
    @Test(arguments: [UserImporter.Format.csv, .jsonl])
    func addressesAreImportedLowercase(format: UserImporter.Format) throws {
        let text =
            format == .csv
            ? "Email,name\n myUser@Example.com ,Ada\n"
            : #"{"name":"Ada","email":"myUser@Example.com"}"# + "\n"
        let profiles = try UserImporter.profiles(from: text, format: format)
        #expect(profiles == [["email": "myuser@example.com", "name": "Ada"]])
    }

    @Test func everyBadRowIsReportedAndNothingIsReturned() {
        let csv = "email,name\nada@example.com,Ada\n,NoEmail\nnot-an-address,Bob\n"
        #expect {
            _ = try UserImporter.profiles(from: csv, format: .csv)
        } throws: { error in
            let problems = (error as? UserImporter.ImportError)?.problems.map(\.line)
            return problems == [3, 4]
        }
    }

    @Test func aCSVWithoutAnEmailColumnIsRefusedAtTheHeader() {
        #expect {
            _ = try UserImporter.profiles(from: "name,age\nAda,36\n", format: .csv)
        } throws: { error in
            (error as? UserImporter.ImportError)?.problems.first?.line == 1
        }
    }

    /// Iterable's reserved fields are not the file's to set, as they are not an API call's: the
    /// import names the column or line instead of storing them for new users and dropping them
    /// for existing ones.
    @Test func aReservedFieldIsRefusedWhereItIsWritten() {
        #expect {
            _ = try UserImporter.profiles(from: "Email,signupDate,userId,name\nada@example.com,2024-01-01,7,Ada\n", format: .csv)
        } throws: { error in
            let problems = (error as? UserImporter.ImportError)?.problems ?? []
            return problems.map(\.line) == [1, 1]
                && problems[0].message.hasPrefix("the column 'signupDate' is a reserved field (Iterable's reserved fields: ")
                && problems[1].message == "the column 'userId' is a reserved field (hookline identifies users by email, "
                    + "not userId) and cannot be imported; remove or rename it"
        }
        let lines = #"{"email": "ada@example.com", "name": "Ada"}"# + "\n" + #"{"email": "bob@example.com", "itblInternal": {}}"#
        #expect {
            _ = try UserImporter.profiles(from: lines, format: .jsonl)
        } throws: { error in
            let problems = (error as? UserImporter.ImportError)?.problems ?? []
            return problems.map(\.line) == [2] && problems[0].message.hasPrefix("field 'itblInternal' is reserved (")
                && problems[0].message.hasSuffix(") and cannot be imported")
        }
    }

    @Test func jsonLinesKeepTheirTypesAndReportLines() throws {
        let good = #"{"email":"ada@example.com","age":36,"tags":["vip"]}"# + "\n\n" + #"{"email":"bob@example.com"}"#
        let profiles = try UserImporter.profiles(from: good, format: .jsonl)
        #expect(profiles.count == 2)
        #expect(profiles[0]["tags"] == ["vip"])
        #expect {
            _ = try UserImporter.profiles(from: good + "\n{oops\n[1]\n{\"name\":\"x\"}", format: .jsonl)
        } throws: { error in
            (error as? UserImporter.ImportError)?.problems.map(\.line) == [4, 5, 6]
        }
        #expect {
            _ = try UserImporter.profiles(from: #"{"email":"ada@example.com","address.city":"Oslo"}"#, format: .jsonl)
        } throws: { error in
            (error as? UserImporter.ImportError)?.problems.map(\.message)
                == [#"field 'address.city': a name may not contain '.'; nest it instead: {"address": {"city": …}}"#]
        }
        // Windows line breaks: `\r\n` is one Character in Swift, and still two lines here.
        let crlf = try UserImporter.profiles(from: good.replacingOccurrences(of: "\n", with: "\r\n") + "\r\n", format: .jsonl)
        #expect(crlf.map { $0["email"] } == ["ada@example.com", "bob@example.com"])
        // A line separator inside a JSON string is text, not a line break.
        let separator = try UserImporter.profiles(from: "{\"email\":\"ada@example.com\",\"note\":\"a\u{2028}b\"}\n", format: .jsonl)
        #expect(separator.first?["note"] == "a\u{2028}b")
    }

    @Test func theFormatComesFromTheExtension() {
        #expect(UserImporter.Format(path: "users.CSV") == .csv)
        #expect(UserImporter.Format(path: "events.ndjson") == .jsonl)
        #expect(UserImporter.Format(path: "users.txt") == nil)
    }

    /// The lines of the problems `text` is refused for, or nil if it is accepted.
    private func refusedLines(_ text: String) -> [Int?]? {
        do {
            _ = try UserImporter.profiles(from: text, format: .csv)
            return nil
        } catch {
            return error.problems.map(\.line)
        }
    }

    @Test(arguments: [
        // An odd quote: the field runs to the end of the file in SwiftCSV; the line where it opens is reported.
        ("email,name\nada@example.com,\"Ada\nbob@example.com,Bob\n", 2),
        ("email,name\nada@example.com,Ada\nbob@example.com,\"Bob \"\"B\"\"\n", 3),
        // A later quoted field does not hide where the unclosed one opened.
        ("email,name\nada@example.com,\"Ada\nbob@example.com,\"Bob\"\n", 2),
        // Quotes that are not paired as RFC 4180 asks.
        ("email,name\nada@example.com,\"Ada\" Lovelace\n", 2),
        ("email,name\nada@example.com,Ada\nbob@example.com,Bo\"b\n", 3),
    ])
    func anUnclosedQuoteIsRefusedAtTheLineWhereItOpens(csv: String, line: Int) {
        #expect(refusedLines(csv) == [line])
    }

    @Test func quotedLineBreaksAndEscapedQuotesAreAccepted() throws {
        let csv = "email,note\n\"ada@example.com\",\"two\nlines\"\nbob@example.com,\"say \"\"hi\"\"\"\nbad,x\n"
        // The third row starts on line 5, after the line break inside the first row's note.
        #expect(refusedLines(csv) == [5])
        let good = try UserImporter.profiles(from: String(csv.dropLast(6)), format: .csv)
        #expect(good.map { $0["note"] } == [.string("two\nlines"), .string("say \"hi\"")])
    }

    @Test(arguments: [
        "email,email\nada@example.com,ada@example.com\n",
        "email,plan,Email\nada@example.com,pro,ada@example.com\n",
        "email,address,address.city\nada@example.com,Main St,Oslo\n",
        "email,address.city.name,address.city\nada@example.com,Oslo,Oslo\n",
        "email.domain,email\nexample.com,ada@example.com\n",
    ])
    func aHeaderThatFillsOneFieldTwiceIsRefused(csv: String) {
        #expect(refusedLines(csv) == [1])
    }

    @Test func aRowWithMoreFieldsThanTheHeaderIsRefusedAndShorterRowsAreKept() throws {
        #expect(refusedLines("email,name\nada@example.com,Ada\nbob@example.com,Bob,extra\ncy@example.com\n") == [3])
        let short = try UserImporter.profiles(from: "email,name,age\nada@example.com,Ada\n", format: .csv)
        #expect(JSONValue.object(short[0]).jsonText == #"{"email":"ada@example.com","name":"Ada"}"#)
        // Empty fields past the header, as spreadsheets write them, hold nothing to refuse.
        let trailing = try UserImporter.profiles(from: "email,name\nada@example.com,Ada,\nbob@example.com,Bob, ,\n", format: .csv)
        #expect(trailing.map { JSONValue.object($0).jsonText } == [
            #"{"email":"ada@example.com","name":"Ada"}"#, #"{"email":"bob@example.com","name":"Bob"}"#,
        ])
    }

    /// Was "users.jsonl:2: error: not valid JSON", with nothing said about where or why.
    @Test func jsonThatDoesNotParseIsReportedAtItsColumnWithTheReason() {
        let text = #"{"email":"ada@example.com"}"# + "\n" + #"  {"email":"bob@example.com",}"# + "\n"
            + #"{"email":"cy@example.com","deep":"# + String(repeating: "[", count: 600) + "\n"
            // A lone surrogate is no character, refused as the ingest API refuses it (QA: stored as U+FFFD).
            + #"{"email":"dee@example.com","name":"\ud800"}"# + "\n"
        #expect {
            _ = try UserImporter.profiles(from: text, format: .jsonl)
        } throws: { error in
            (error as? UserImporter.ImportError)?.report(file: "users.jsonl") == [
                "users.jsonl:2:30: error: not valid JSON: expected a quoted object key",
                "users.jsonl:3:545: error: not valid JSON: JSON nested more than 512 levels deep",
                "users.jsonl:4:36: error: not valid JSON: \\ud800 is a lone UTF-16 surrogate, not a Unicode character: JSON text must be valid Unicode",
            ]
        }
    }

    /// Only a top-level dotted JSON Lines name was refused: one nested deeper, an empty one, and
    /// a name with a control character were imported; a CSV column with an empty name in its
    /// path (`address..city`, `.city`) was read as another path. Each is refused on its line.
    @Test(arguments: [
        (UserImporter.Format.jsonl, #"{"email": "bob@example.com", "obj": {"c": {"d.e": 3}}}"#,
         #"users:2: error: field 'd.e' in 'obj.c': a name may not contain '.'; nest it instead: {"d": {"e": …}}"#),
        (.jsonl, #"{"email": "bob@example.com", "items": [{"": 1}]}"#, "users:2: error: a field name may not be empty (one in 'items[0]' is)"),
        (.jsonl, #"{"email": "bob@example.com", "a\u0007": 1}"#,
         "users:2: error: field 'a<U+0007>': a name may not contain a control character (U+0007)"),
        (.csv, "email,address..city\nbob@example.com,Oslo", "users:1: error: the column 'address..city' has an empty name in its path"),
        (.csv, "email,.city\nbob@example.com,Oslo", "users:1: error: the column '.city' has an empty name in its path"),
        (.csv, "email,a\u{1}b\nbob@example.com,Oslo",
         "users:1: error: field 'a<U+0001>b' in the column 'a<U+0001>b': a name may not contain a control character (U+0001)"),
    ])
    func aMalformedFieldNameAtAnyDepthIsRefused(format: UserImporter.Format, second: String, report: String) {
        let text = format == .csv ? second + "\n" : #"{"email": "ada@example.com", "plan": "pro"}"# + "\n" + second + "\n"
        #expect {
            _ = try UserImporter.profiles(from: text, format: format)
        } throws: { error in
            (error as? UserImporter.ImportError)?.report(file: "users") == [report]
        }
    }

    /// An address is checked as Iterable checks it (``EmailAddress``), and the refusal says why.
    @Test func anAddressIsRefusedSayingWhy() {
        #expect {
            _ = try UserImporter.profiles(from: "email,plan\nada@x..com,pro\n", format: .csv)
        } throws: { error in
            (error as? UserImporter.ImportError)?.report(file: "users.csv")
                == ["users.csv:2: error: 'ada@x..com' is not an email address: the domain has two '.' in a row"]
        }
    }

    @Test func problemsAreReportedCompilerStyleWithTheFileAndLine() {
        let error = UserImporter.ImportError(problems: [
            .init(line: 3, message: "'nobody' is not an email address"), .init(line: nil, message: "not readable as CSV"),
        ])
        #expect(error.report(file: "users.csv") == [
            "users.csv:3: error: 'nobody' is not an email address", "users.csv: error: not readable as CSV",
        ])
    }
}

/// `users import` holds fields to their types as the ingest API does: it overwrote a number with
/// text for a user holding it, and stored any type for the others.
struct UserImportTypeTests {
    /// A row giving a field another type than the store's, or than an earlier row of the file
    /// gave it, is refused at its line, every one listed, and nothing is imported.
    @Test func rowsGivingAFieldAnotherTypeAreRefusedByLineAndNothingIsImported() throws {
        let store = try SQLiteStateStore()
        try store.mergeUsers([["email": "ada@example.com", "age": 36]], mergeNestedObjects: true)
        let csv = "email,age,vip\neve@example.com,forty,true\nbob@example.com,41,yes\nada@example.com,37,false\n"

        let error = try #require(throws: UserImporter.ImportError.self) {
            try UserImporter.merge(try UserImporter.rows(from: csv, format: .csv), into: store)
        }
        #expect(
            error.report(file: "users.csv") == [
                "users.csv:2: error: field 'age' has type number and keeps it: a value of type string cannot be stored in it (null clears it)",
                "users.csv:3: error: field 'vip' has type boolean and keeps it: a value of type string cannot be stored in it "
                    + "(null clears it); line 2 gave it that type",
            ])
        #expect(try store.user(email: "ada@example.com") == ["email": "ada@example.com", "age": 36])
        #expect(try store.userCount() == 1)
        #expect(try store.profileFieldTypes() == ["age": .number])
    }

    /// A nested field keeps the type the user's profile holds, checked in the merge: the line of
    /// the row is named.
    @Test func aNestedFieldOfAnotherTypeIsRefusedAtItsLine() throws {
        let store = try SQLiteStateStore()
        try store.saveUsers([["email": "ada@example.com", "prefs": ["sms": true]]])
        let jsonl = #"{"email": "bob@example.com", "prefs": {"sms": "no"}}"# + "\n\n"
            + #"{"email": "ada@example.com", "prefs": {"sms": "no"}}"# + "\n"

        let error = try #require(throws: UserImporter.ImportError.self) {
            try UserImporter.merge(try UserImporter.rows(from: jsonl, format: .jsonl), into: store)
        }
        #expect(
            error.description
                == "line 3: field 'prefs.sms' has type boolean and keeps it: a value of type string cannot be stored in it (null clears it)")
        #expect(try store.userCount() == 1)
    }

    /// A CSV cell is text: in a field of type string, one that reads as a number or a boolean is
    /// stored as written (a zip code column of `0150` and `12345`), not refused.
    @Test func aCSVCellThatReadsAsANumberIsTextInAStringField() throws {
        let store = try SQLiteStateStore()
        try store.saveUsers([["email": "ada@example.com", "code": "A1"]])
        let csv = "email,zip,code,age\nbob@example.com,0150,7,36\ncy@example.com,12345,true,1.50\n"

        let (created, updated) = try UserImporter.merge(try UserImporter.rows(from: csv, format: .csv), into: store)

        #expect((created, updated) == (2, 0))
        #expect(try store.user(email: "bob@example.com") == ["email": "bob@example.com", "zip": "0150", "code": "7", "age": 36])
        #expect(try store.user(email: "cy@example.com") == ["email": "cy@example.com", "zip": "12345", "code": "true", "age": 1.5])
    }

    /// A zip code column whose first row reads as a number (`75001`, then `0150`) is text in every
    /// row, and `0150` in a field the project already has as a number is refused at its line, as
    /// it is written through the ingest API: both were stored as `150`, silently (QA, session 21).
    @Test func aLeadingZeroIsNeverDroppedByANumberField() throws {
        let store = try SQLiteStateStore()
        let csv = "email,zip,address.zip\nz1@example.com,75001,75001\nz2@example.com,0150,0150\n"
        _ = try UserImporter.merge(try UserImporter.rows(from: csv, format: .csv), into: store)
        #expect(try store.user(email: "z1@example.com") == ["email": "z1@example.com", "zip": "75001", "address": ["zip": "75001"]])
        #expect(try store.user(email: "z2@example.com") == ["email": "z2@example.com", "zip": "0150", "address": ["zip": "0150"]])

        try store.mergeUsers([["email": "ada@example.com", "code": 75001]], mergeNestedObjects: true)
        let error = try #require(throws: UserImporter.ImportError.self) {
            try UserImporter.merge(try UserImporter.rows(from: "email,code\nz3@example.com,0150\n", format: .csv), into: store)
        }
        #expect(error.report(file: "z.csv").first?.hasPrefix("z.csv:2: error: field 'code' has type number") == true, "\(error)")
        #expect(try store.user(email: "z3@example.com") == nil)
        #expect(ProfileMerge.coercing(["code": "0150"], toTypesOf: ["code": 1]) == ["code": "0150"])
        #expect(ProfileMerge.coercing(["code": "150"], toTypesOf: ["code": 1]) == ["code": 150])
    }

    /// A nested column whose cells read as values of different kinds (a zip code column of
    /// `0150` and `75001`) is text in every row, as a top-level one is: the same field held a
    /// string for one user and a number for the next (QA). A column of numbers stays numbers.
    @Test func aNestedCSVColumnOfMixedKindsIsTextInEveryRow() throws {
        let csv = "email,address.zip,address.floor\nbob@example.com,0150,3\ncy@example.com,75001,12\n"

        let rows = try UserImporter.rows(from: csv, format: .csv)

        #expect(rows.map(\.profile["address"]) == [["zip": "0150", "floor": 3], ["zip": "75001", "floor": 12]])
    }
}
