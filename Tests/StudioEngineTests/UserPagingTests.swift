import Foundation
import StudioEngine
import StudioModel
import Testing

/// The studio's Users screen reads the store a page at a time and shows how many users it holds.
struct UserPagingTests {
    @Test func pagesFollowAddressOrderAndTheCountIgnoresUpdates() throws {
        let folder = try EngineFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = try SQLiteStateStore(path: folder.appendingPathComponent("state.sqlite").path)
        #expect(try store.userCount() == 0)
        let emails = ["cy@example.com", "ada@example.com", "bob@example.com", "dee@example.com", "eve@example.com"]
        try store.saveUsers(emails.map { JSONObject([("email", .string($0))]) })
        try store.saveUsers([JSONObject([("email", .string("ada@example.com")), ("plan", .string("pro"))])])
        #expect(try store.userCount() == 5)
        var pages: [[String]] = []
        var after: String?
        while true {
            let page = try store.userEmails(after: after, limit: 2)
            if page.isEmpty { break }
            pages.append(page)
            after = page.last
        }
        #expect(pages == [["ada@example.com", "bob@example.com"], ["cy@example.com", "dee@example.com"], ["eve@example.com"]])
    }

    /// The studio goes back up from a found user, and `G` starts the list at the last page: pages
    /// before an address come in address order, ending just before it.
    @Test func pagesBeforeAnAddressAndTheLastPageComeInAddressOrder() throws {
        let folder = try EngineFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = try SQLiteStateStore(path: folder.appendingPathComponent("state.sqlite").path)
        #expect(try store.userEmails(before: nil, limit: 2) == [])
        let emails = ["cy@example.com", "ada@example.com", "bob@example.com", "dee@example.com", "eve@example.com"]
        try store.saveUsers(emails.map { JSONObject([("email", .string($0))]) })
        #expect(try store.userEmails(before: nil, limit: 2) == ["dee@example.com", "eve@example.com"])
        #expect(try store.userEmails(before: nil, limit: 10) == emails.sorted())
        var pages: [[String]] = []
        var before = "eve@example.com"
        while true {
            let page = try store.userEmails(before: before, limit: 2)
            guard let first = page.first else { break }
            pages.append(page)
            before = first
        }
        #expect(pages == [["cy@example.com", "dee@example.com"], ["ada@example.com", "bob@example.com"]])
        // An address not stored still marks where the page ends.
        #expect(try store.userEmails(before: "c", limit: 5) == ["ada@example.com", "bob@example.com"])
        #expect(try store.userEmails(before: "ada@example.com", limit: 5) == [])
    }
}
