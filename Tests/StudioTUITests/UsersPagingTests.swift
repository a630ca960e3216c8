import Foundation
import StudioModel
import Testing
@testable import StudioTUI

/// The Users screen reads a window of pages in either direction: up from a found user, `g` and
/// `G` to the first and last stored users, and held keys kept while a page loads (QA: paging).
struct UsersPagingTests {
    static func users(_ range: Range<Int>) -> [StoredUser] { ScreenTests.users(range) }
    static func pages(_ effects: [Effect]) -> [Effect] { ScreenTests.pages(effects) }

    /// The Users screen showing the first page of `total` users, then the page a find for
    /// `user3` started the list at (users 3000 to 3199), the page before it asked for at once.
    static func foundUser3000(total: Int = 5_004) -> AppState {
        var state = Fixtures.state()
        _ = reduce(&state, .key(.char("4")))
        _ = reduce(&state, .usersLoaded(UsersPage(after: nil, users: users(0..<200), total: total)))
        _ = reduce(&state, .key(.char("/")))
        for character in "user3" { _ = reduce(&state, .key(.char(character))) }
        _ = reduce(&state, .key(.enter))
        let landed = reduce(&state, .usersLoaded(UsersPage(after: "user2\u{10FFFF}", users: users(3000..<3200), total: nil)))
        #expect(pages(landed) == [.loadUsersBefore("user3000@example.com")])
        return state
    }

    /// QA: after a find beyond the first page, `k`, `g` and Home did nothing.
    @Test func upFromAFoundUserLoadsThePageBeforeKeepingTheSelection() {
        var state = Self.foundUser3000()
        #expect(state.users.selected?.email == "user3000@example.com")
        // One page at a time; the moves asked for meanwhile wait for it.
        #expect(Self.pages(reduce(&state, .key(.char("k")))) == [])
        #expect(Self.pages(reduce(&state, .key(.up))) == [])
        #expect(state.users.selected?.email == "user3000@example.com")
        _ = reduce(&state, .usersLoaded(UsersPage(before: "user3000@example.com", users: Self.users(2800..<3000))))
        #expect(state.users.rows.count == 400)
        #expect(state.users.rows.first?.email == "user2800@example.com")
        #expect(state.users.rows.last?.email == "user3199@example.com")
        #expect(state.users.selected?.email == "user2998@example.com")
        let text = (0..<24).map { renderApp(state).rowText($0) }.joined(separator: "\n")
        #expect(text.contains("Users · 5,004"))
        #expect(text.contains("user2998@example.com"))
        // A page asked for before a reload is dropped: it no longer ends where the rows start.
        _ = reduce(&state, .usersLoaded(UsersPage(before: "user3000@example.com", users: Self.users(2800..<3000))))
        #expect(state.users.rows.count == 400)
    }

    @Test(arguments: [KeyEvent.char("g"), .home])
    func gGoesToTheFirstStoredUserFromAFoundOne(key: KeyEvent) {
        var state = Self.foundUser3000()
        #expect(reduce(&state, .key(key)) == [.loadUsers(after: nil)])
        _ = reduce(&state, .usersLoaded(UsersPage(after: nil, users: Self.users(0..<200), total: 5_004)))
        #expect(state.users.selected?.email == "user0000@example.com")
        #expect(state.users.rows.count == 200)
        #expect(state.users.list.offset == 0)
        // From there, the list goes on down as usual, and g needs no page.
        _ = reduce(&state, .key(.char("j")))
        #expect(reduce(&state, .key(key)) == [.loadJourneys(email: "user0000@example.com")])
    }

    /// QA: `G` went to the end of the loaded rows, and each `G` more added a page.
    @Test(arguments: [KeyEvent.char("G"), .end])
    func bigGGoesToTheLastStoredUser(key: KeyEvent) {
        var state = Fixtures.state()
        _ = reduce(&state, .key(.char("4")))
        _ = reduce(&state, .usersLoaded(UsersPage(after: nil, users: Self.users(0..<200), total: 5_004)))
        #expect(reduce(&state, .key(key)) == [.loadUsersBefore(nil)])
        _ = reduce(&state, .usersLoaded(UsersPage(before: nil, users: Self.users(4804..<5004))))
        #expect(state.users.selected?.email == "user5003@example.com")
        #expect(state.users.rows.count == 200 && state.users.isComplete)
        let layout = AppLayout.compute(state)
        #expect(renderApp(state).rowText(layout.list.maxY - 1).contains("user5003@example.com"))
        // Nothing follows the last user; G again stays there.
        #expect(Self.pages(reduce(&state, .key(.char("j")))) == [])
        #expect(Self.pages(reduce(&state, .key(key))) == [])
        #expect(state.users.selected?.email == "user5003@example.com")
        // Up from there, the pages before come in as the selection nears the top.
        var effects: [Effect] = []
        while effects.isEmpty, state.users.list.selected > 0 { effects = Self.pages(reduce(&state, .key(.char("k")))) }
        #expect(effects == [.loadUsersBefore("user4804@example.com")])
        #expect(state.users.list.selected == UsersState.prefetchDistance - 1)
        _ = reduce(&state, .usersLoaded(UsersPage(before: "user4804@example.com", users: Self.users(4604..<4804))))
        #expect(state.users.selected?.email == "user4853@example.com")
        #expect(state.users.rows.count == 400 && state.users.isComplete)
    }

    /// QA: 300 `j` held from the top stopped at row 199 while the next page loaded.
    @Test func movesAskedForWhileAPageLoadsApplyWhenItComes() {
        var state = Fixtures.state()
        _ = reduce(&state, .key(.char("4")))
        _ = reduce(&state, .usersLoaded(UsersPage(after: nil, users: Self.users(0..<200), total: 5_004)))
        var asked: [Effect] = []
        for _ in 0..<500 { asked += Self.pages(reduce(&state, .key(.char("j")))) }
        #expect(asked == [.loadUsers(after: "user0199@example.com")])
        #expect(state.users.selected?.email == "user0199@example.com")
        // The page brings 200 more: 399 is as far as they go, and the next page is asked for at once.
        let effects = reduce(&state, .usersLoaded(UsersPage(after: "user0199@example.com", users: Self.users(200..<400), total: nil)))
        #expect(state.users.selected?.email == "user0399@example.com")
        #expect(Self.pages(effects) == [.loadUsers(after: "user0399@example.com")])
        #expect(effects.contains(.loadJourneys(email: "user0399@example.com")))
        _ = reduce(&state, .usersLoaded(UsersPage(after: "user0399@example.com", users: Self.users(400..<600), total: nil)))
        #expect(state.users.selected?.email == "user0500@example.com")
        // Bounded to the users there are: past the last one, nothing waits.
        for _ in 0..<5_000 { _ = reduce(&state, .key(.char("j"))) }
        var after = state.users.rows.last?.email
        for start in stride(from: 600, to: 5_004, by: 200) {
            _ = reduce(&state, .usersLoaded(UsersPage(after: after, users: Self.users(start..<min(start + 200, 5_004)), total: nil)))
            after = state.users.rows.last?.email
        }
        #expect(state.users.isComplete)
        #expect(state.users.selected?.email == "user5003@example.com")
        #expect(state.users.pendingMove == 0)
        _ = reduce(&state, .key(.char("k")))
        #expect(state.users.selected?.email == "user5002@example.com")
    }

    @Test func movesUpAskedForWhileThePageBeforeLoadsApplyWhenItComes() {
        var state = Self.foundUser3000()
        for _ in 0..<30 { _ = reduce(&state, .key(.char("k"))) }
        _ = reduce(&state, .usersLoaded(UsersPage(before: "user3000@example.com", users: Self.users(2800..<3000))))
        #expect(state.users.selected?.email == "user2970@example.com")
        // Down again: the moves up that waited are not undone by the keys after them.
        _ = reduce(&state, .key(.char("j")))
        #expect(state.users.selected?.email == "user2971@example.com")
    }

    /// At most 10,000 rows are kept: a page past them drops as many from the other end, and the
    /// list slides on instead of stopping there.
    @Test func thePageAfterTakingTheListPastTheLimitDropsItsStart() {
        var state = Fixtures.state(size: Size(width: 120, height: 40))
        _ = reduce(&state, .key(.char("4")))
        var after: String?
        while state.users.rows.count < UsersState.maximumRows {
            let loaded = state.users.rows.count
            _ = reduce(&state, .usersLoaded(UsersPage(after: after, users: Self.users(loaded..<loaded + UsersState.pageSize), total: 50_000)))
            after = state.users.rows.last?.email
        }
        state.users.list.selected = UsersState.maximumRows - 1
        #expect(Self.pages(reduce(&state, .key(.char("j")))) == [.loadUsers(after: "user9999@example.com")])
        _ = reduce(&state, .usersLoaded(UsersPage(after: "user9999@example.com", users: Self.users(10_000..<10_200), total: nil)))
        #expect(state.users.rows.count == UsersState.maximumRows)
        #expect(state.users.rows.first?.email == "user0200@example.com")
        #expect(state.users.selected?.email == "user10000@example.com")
        #expect(state.users.list.selected == UsersState.maximumRows - 200)
        #expect(!renderApp(state).rowText(2).contains("/ finds"))
        // The first user is no longer among the rows: g asks for its page.
        #expect(reduce(&state, .key(.char("g"))) == [.loadUsers(after: nil)])
    }

    @Test func thePageBeforeTakingTheListPastTheLimitDropsItsEnd() {
        var state = Self.foundUser3000(total: 50_000)
        // Pretend the window is full: 10,000 rows from user3000 on.
        state.users.rows = Self.users(3000..<13_000)
        state.users.isComplete = false
        _ = reduce(&state, .key(.char("k")))
        _ = reduce(&state, .usersLoaded(UsersPage(before: "user3000@example.com", users: Self.users(2800..<3000))))
        #expect(state.users.rows.count == UsersState.maximumRows)
        #expect(state.users.rows.first?.email == "user2800@example.com")
        #expect(state.users.rows.last?.email == "user12799@example.com")
        #expect(state.users.selected?.email == "user2999@example.com")
        #expect(!state.users.isComplete)
        // G no longer finds the last user among the rows: it asks for the last page.
        #expect(reduce(&state, .key(.char("G"))) == [.loadUsersBefore(nil)])
    }
}
