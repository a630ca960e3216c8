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
        #expect(JSONValue.object(profiles[0]).jsonText
            == #"{"email":"ada@example.com","firstName":"Ada","age":36,"zip":"0150","vip":true,"score":9.5,"address":{"city":"Oslo","country":"NO"}}"#)
        #expect(JSONValue.object(profiles[1]).jsonText
            == #"{"email":"bob@example.com","firstName":"Bob, Jr.","age":-4,"zip":0,"vip":false,"score":0.25,"address":{"city":"Paris"},"note":"said \"hi\""}"#)
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

    @Test func everyBadRowIsReportedAndNothingIsReturned() {
        let csv = "email,name\nada@example.com,Ada\n,NoEmail\nnot-an-address,Bob\n"
        #expect {
            _ = try UserImporter.profiles(from: csv, format: .csv)
        } throws: { error in
            let problems = (error as? UserImporter.ImportError)?.problems.map(\.location)
            return problems == ["row 2", "row 3"]
        }
    }

    @Test func aCSVWithoutAnEmailColumnIsRefusedAtTheHeader() {
        #expect {
            _ = try UserImporter.profiles(from: "name,age\nAda,36\n", format: .csv)
        } throws: { error in
            (error as? UserImporter.ImportError)?.problems.first?.location == "header"
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
            (error as? UserImporter.ImportError)?.problems.map(\.location) == ["line 4", "line 5", "line 6"]
        }
    }

    @Test func theFormatComesFromTheExtension() {
        #expect(UserImporter.Format(path: "users.CSV") == .csv)
        #expect(UserImporter.Format(path: "events.ndjson") == .jsonl)
        #expect(UserImporter.Format(path: "users.txt") == nil)
    }
}
