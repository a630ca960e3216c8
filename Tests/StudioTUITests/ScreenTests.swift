import Foundation
import StudioModel
import Testing
@testable import StudioTUI

/// The tabs of DESIGN §8: `1`–`5` show Workflows, Webhooks, System webhooks, Users, Traffic.
struct ScreenTests {
    static func users(_ range: Range<Int>) -> [StoredUser] {
        range.map { n in
            StoredUser(
                email: String(format: "user%04d@example.com", n),
                profile: JSONObject([("email", .string(String(format: "user%04d@example.com", n))), ("plan", .string("pro")),
                                     ("age", .int(20 + n % 50))]))
        }
    }

    /// The page requests among `effects`.
    static func pages(_ effects: [Effect]) -> [Effect] {
        effects.filter {
            switch $0 {
            case .loadUsers, .loadUsersBefore: true
            default: false
            }
        }
    }

    @Test func theSelectedUsersJourneysAreReadAndShown() {
        var state = Fixtures.state(size: Size(width: 120, height: 40))
        _ = reduce(&state, .key(.char("4")))
        let first = reduce(&state, .usersLoaded(UsersPage(after: nil, users: Self.users(0..<3), total: 3)))
        #expect(first == [.loadJourneys(email: "user0000@example.com")])
        #expect(reduce(&state, .key(.char("j"))) == [.loadJourneys(email: "user0001@example.com")])
        // An answer for a user no longer selected is dropped.
        _ = reduce(&state, .journeysLoaded(UserJourneys(email: "user0000@example.com", journeys: [])))
        #expect(state.users.journeys == nil)
        let journeys = [
            UserJourney(workflowID: "welcome-series", status: "waiting", stepID: "wait",
                        wakeAt: Fixtures.start.addingTimeInterval(172_800), updatedAt: Fixtures.start),
            UserJourney(workflowID: "cart-abandon", status: "finished", stepID: "nudge", wakeAt: nil, updatedAt: Fixtures.start),
        ]
        _ = reduce(&state, .journeysLoaded(UserJourneys(email: "user0001@example.com", journeys: journeys)))
        let text = (0..<40).map { renderApp(state).rowText($0) }.joined(separator: "\n")
        #expect(text.contains("welcome-series  waiting at wait until 2026-01-03T12:00:00Z"))
        #expect(text.contains("cart-abandon    finished after nudge · 12:00:00.000"))
    }

    @Test func digitsShowTheScreensAndTabStaysWithinOne() {
        var state = Fixtures.state()
        _ = reduce(&state, .key(.char("2")))
        #expect(state.screen == .webhooks)
        #expect(state.focus == .webhooks)
        _ = reduce(&state, .key(.tab))
        #expect(state.focus == .webhook)
        _ = reduce(&state, .key(.tab))
        #expect(state.focus == .traffic)
        _ = reduce(&state, .key(.tab))
        #expect(state.focus == .webhooks)
        _ = reduce(&state, .key(.char("3")))
        #expect(state.screen == .systemWebhooks && state.focus == .systemWebhooks)
        _ = reduce(&state, .key(.char("5")))
        #expect(state.screen == .traffic && state.focus == .traffic)
        _ = reduce(&state, .key(.tab))
        #expect(state.focus == .traffic)
        _ = reduce(&state, .key(.char("1")))
        #expect(state.screen == .workflows && state.focus == .workflows)
    }

    @Test func tabRowMarksTheScreenShown() {
        var state = Fixtures.state()
        _ = reduce(&state, .key(.char("2")))
        let grid = renderApp(state)
        #expect(grid.rowText(1).contains("1 Workflows  2 Webhooks  3 System webhooks  4 Users  5 Traffic"))
        // The current tab is drawn focused; the others as hints.
        #expect(grid.cells[1 * grid.size.width + 14].token == .titleFocused)
        #expect(grid.cells[1 * grid.size.width + 2].token == .hintKey)
    }

    @Test func webhooksScreenAt80x24() {
        var state = Fixtures.state(records: 4)
        _ = reduce(&state, .key(.char("2")))
        Snapshot.assert(renderApp(state), named: "webhooks-80x24")
    }

    @Test func webhookSettingsMaskLiteralSecretsAndShowReferences() {
        var state = Fixtures.state(size: Size(width: 120, height: 40))
        _ = reduce(&state, .key(.char("2")))
        _ = reduce(&state, .key(.char("G")))
        #expect(state.selectedWebhook?.id == "crm-sync")
        let text = (0..<40).map { renderApp(state).rowText($0) }.joined(separator: "\n")
        #expect(text.contains("PUT https://crm.example.com/contacts/{{email}}?api_key=••••••&v=2"))
        #expect(text.contains("bearer ••••••"))
        #expect(text.contains("X-Api-Key: {{secret.crm_key}}"))
        #expect(text.contains("X-Campaign: {{workflowName}}"))
        #expect(text.contains("none: one attempt"))
        #expect(text.contains("\"plan\": \"{{plan}}\""))
        #expect(!text.contains("tok-literal-123"))
        #expect(!text.contains("k3y-literal"))
    }

    @Test func webhookSettingsListTheStepsThatCallIt() {
        var state = Fixtures.state(size: Size(width: 120, height: 40))
        _ = reduce(&state, .key(.char("2")))
        let text = (0..<40).map { renderApp(state).rowText($0) }.joined(separator: "\n")
        #expect(text.contains("used by   welcome-series › direct-mail"))
        _ = reduce(&state, .key(.char("G")))
        let unused = (0..<40).map { renderApp(state).rowText($0) }.joined(separator: "\n")
        #expect(unused.contains("used by   no workflow step"))
    }

    @Test func detailsScrollWithinTheirLines() {
        var state = Fixtures.state()
        _ = reduce(&state, .key(.char("2")))
        _ = reduce(&state, .key(.char("G")))
        _ = reduce(&state, .key(.enter))
        #expect(state.focus == .webhook)
        for _ in 0..<50 { _ = reduce(&state, .key(.char("j"))) }
        let layout = AppLayout.compute(state)
        let lines = WebhookSettingsView.lines(state, width: layout.details.width - 2).count
        #expect(lines > layout.details.height)
        #expect(state.detailScroll == lines - layout.details.height)
        _ = reduce(&state, .key(.char("g")))
        #expect(state.detailScroll == 0)
        // Another selection starts at its first line.
        _ = reduce(&state, .key(.char("G")))
        #expect(state.detailScroll > 0)
        _ = reduce(&state, .key(.backTab))
        #expect(state.focus == .webhooks)
        _ = reduce(&state, .key(.char("k")))
        #expect(state.detailScroll == 0)
    }

    @Test func webhookKeysEditPreviewAndTestSendTheWebhookAlone() {
        var state = Fixtures.state()
        state.workspace.sourcePaths.webhooks = ["lob-letter": "webhooks/lob.yaml"]
        _ = reduce(&state, .key(.char("2")))
        #expect(reduce(&state, .key(.char("e"))) == [.edit(path: "webhooks/lob.yaml")])
        #expect(reduce(&state, .key(.char("n"))) == [.create(.webhook)])
        _ = reduce(&state, .key(.char("p")))
        #expect(state.stepUserInput?.webhookID == "lob-letter")
        #expect(state.stepUserInput?.workflowID == nil)
        for character in "ada@example.com" { _ = reduce(&state, .key(.char(character))) }
        #expect(
            reduce(&state, .key(.enter))
                == [.preview(webhookID: "lob-letter", workflowID: nil, nodeID: nil, email: "ada@example.com")])
        _ = reduce(&state, .key(.char("t")))
        #expect(
            reduce(&state, .key(.enter))
                == [.testSend(webhookID: "lob-letter", workflowID: nil, nodeID: nil, email: "ada@example.com")])
        state.readonly = true
        #expect(reduce(&state, .key(.char("t"))) == [])
        #expect(state.stepUserInput == nil)
    }

    @Test func systemWebhooksScreenAt80x24() {
        var state = Fixtures.state()
        _ = reduce(&state, .key(.char("3")))
        _ = reduce(&state, .key(.char("j")))
        Snapshot.assert(renderApp(state), named: "system-webhooks-80x24")
    }

    @Test func usersScreenAsksForPagesAsTheSelectionNearsTheEnd() {
        var state = Fixtures.state()
        #expect(reduce(&state, .key(.char("4"))) == [.loadUsers(after: nil)])
        #expect(renderApp(state).rowText(3).contains("loading…"))
        _ = reduce(&state, .usersLoaded(UsersPage(after: nil, users: Self.users(0..<200), total: 450)))
        #expect(state.users.rows.count == 200)
        // No page asked for while far from the end.
        #expect(Self.pages(reduce(&state, .key(.char("j")))) == [])
        var effects: [Effect] = []
        while effects.isEmpty, state.users.list.selected < 199 { effects = Self.pages(reduce(&state, .key(.char("j")))) }
        #expect(effects == [.loadUsers(after: "user0199@example.com")])
        #expect(state.users.list.selected == 200 - UsersState.prefetchDistance)
        // Only one request at a time.
        #expect(Self.pages(reduce(&state, .key(.char("j")))) == [])
        // A page asked for before a reload is dropped.
        _ = reduce(&state, .usersLoaded(UsersPage(after: "user0042@example.com", users: Self.users(43..<60), total: 450)))
        #expect(state.users.rows.count == 200)
        _ = reduce(&state, .usersLoaded(UsersPage(after: "user0199@example.com", users: Self.users(200..<400), total: 450)))
        #expect(state.users.rows.count == 400)
        _ = reduce(&state, .key(.char("G")))
        _ = reduce(&state, .usersLoaded(UsersPage(after: "user0399@example.com", users: Self.users(400..<450), total: 450)))
        #expect(state.users.rows.count == 450 && state.users.isComplete)
        _ = reduce(&state, .key(.char("G")))
        #expect(Self.pages(reduce(&state, .key(.char("j")))) == [])
        #expect(state.users.selected?.email == "user0449@example.com")
    }

    @Test func usersScreenAt80x24() {
        var state = Fixtures.state()
        _ = reduce(&state, .key(.char("4")))
        _ = reduce(&state, .usersLoaded(UsersPage(after: nil, users: Self.users(0..<30), total: 1234)))
        _ = reduce(&state, .key(.char("j")))
        Snapshot.assert(renderApp(state), named: "users-80x24")
    }

    @Test func usersThatCannotBeReadSayWhyAndCanBeAskedForAgain() {
        var state = Fixtures.state()
        _ = reduce(&state, .key(.char("4")))
        _ = reduce(&state, .usersUnavailable(StatusMessage("cannot read the users: disk I/O error", level: .error)))
        #expect(state.status?.text == "cannot read the users: disk I/O error")
        #expect(renderApp(state).rowText(3).contains("no store"))
        _ = reduce(&state, .key(.char("1")))
        #expect(reduce(&state, .key(.char("4"))) == [.loadUsers(after: nil)])
    }

    @Test func trafficScreenGivesTheTrafficEveryRow() {
        var state = Fixtures.state(records: 30)
        _ = reduce(&state, .key(.char("5")))
        let layout = AppLayout.compute(state)
        #expect(layout.traffic.height == 24 - 6)
        let grid = renderApp(state)
        #expect(grid.rowText(2).contains("Traffic · follow"))
        #expect(grid.rowText(layout.traffic.maxY - 1).contains("user29@example.com"))
        Snapshot.assert(grid, named: "traffic-screen-80x24", styles: false)
    }
}

extension ScreenTests {
    @Test func slashFindsAUserByTheStartOfTheAddress() {
        var state = Fixtures.state()
        _ = reduce(&state, .key(.char("4")))
        _ = reduce(&state, .usersLoaded(UsersPage(after: nil, users: Self.users(0..<200), total: 5000)))
        for _ in 0..<5 { _ = reduce(&state, .key(.char("j"))) }
        _ = reduce(&state, .key(.char("/")))
        for character in "user3" { _ = reduce(&state, .key(.char(character))) }
        #expect(renderApp(state).rowText(22).contains("find user: user3"))
        let effects = reduce(&state, .key(.enter))
        #expect(effects == [.loadUsers(after: "user2\u{10FFFF}")])
        // The page found replaces the list, selected from its top.
        _ = reduce(&state, .usersLoaded(UsersPage(after: "user2\u{10FFFF}", users: Self.users(3000..<3200), total: 5000)))
        #expect(state.users.selected?.email == "user3000@example.com")
        #expect(state.users.rows.count == 200)
    }

    /// QA F15: with every user on screen, a find started the list at the match, scrolling the
    /// users above it off though the pane had room.
    @Test func aFindAmongTheLoadedUsersSelectsItInPlace() {
        var state = Fixtures.state()
        _ = reduce(&state, .key(.char("4")))
        _ = reduce(&state, .usersLoaded(UsersPage(after: nil, users: Self.users(0..<6), total: 6)))
        _ = reduce(&state, .key(.char("/")))
        for character in "user0004" { _ = reduce(&state, .key(.char(character))) }
        #expect(reduce(&state, .key(.enter)) == [.loadJourneys(email: "user0004@example.com")])
        #expect(state.users.selected?.email == "user0004@example.com")
        #expect(state.users.list.offset == 0)
        #expect(state.users.rows.count == 6)
        let text = (0..<24).map { renderApp(state).rowText($0) }.joined(separator: "\n")
        #expect(text.contains("user0000@example.com"))
    }

    @Test func aFindWithoutAMatchLeavesTheListAsItWas() {
        var state = Fixtures.state()
        _ = reduce(&state, .key(.char("4")))
        _ = reduce(&state, .usersLoaded(UsersPage(after: nil, users: Self.users(0..<200), total: 200)))
        for _ in 0..<5 { _ = reduce(&state, .key(.char("j"))) }
        _ = reduce(&state, .key(.char("/")))
        for character in "zzz" { _ = reduce(&state, .key(.char(character))) }
        #expect(reduce(&state, .key(.enter)) == [.loadUsers(after: "zzy\u{10FFFF}")])
        // Nothing follows the last address; or what follows starts otherwise.
        _ = reduce(&state, .usersLoaded(UsersPage(after: "zzy\u{10FFFF}", users: [], total: nil)))
        #expect(state.users.rows.count == 200)
        #expect(state.users.selected?.email == "user0005@example.com")
        #expect(state.status == StatusMessage("no address starts with zzz", level: .warning))
        let text = (0..<24).map { renderApp(state).rowText($0) }.joined(separator: "\n")
        #expect(text.contains("no address starts with zzz"))
        #expect(!text.contains("no users yet"))
        #expect(text.contains("user0005@example.com"))
        _ = reduce(&state, .key(.char("/")))
        for character in "user00050" { _ = reduce(&state, .key(.char(character))) }
        _ = reduce(&state, .key(.enter))
        _ = reduce(&state, .usersLoaded(UsersPage(after: "user0005/\u{10FFFF}", users: Self.users(51..<60), total: nil)))
        #expect(state.users.selected?.email == "user0005@example.com")
        #expect(state.status?.text == "no address starts with user00050")
        // The list goes on as before: g and j move in it.
        _ = reduce(&state, .key(.char("g")))
        _ = reduce(&state, .key(.char("j")))
        #expect(state.users.selected?.email == "user0001@example.com")
    }

    /// QA: `Tim.` found nothing, addresses being stored lowercase; a find ignores case, as the
    /// traffic filter (the `/` of every other screen) does.
    @Test func aFindIgnoresTheCaseOfWhatIsTyped() throws {
        var state = Fixtures.state()
        _ = reduce(&state, .key(.char("4")))
        _ = reduce(&state, .usersLoaded(UsersPage(after: nil, users: Self.users(0..<6), total: 6)))
        _ = reduce(&state, .key(.char("/")))
        for character in "USER0004" { _ = reduce(&state, .key(.char(character))) }
        #expect(reduce(&state, .key(.enter)) == [.loadJourneys(email: "user0004@example.com")])
        #expect(state.users.selected?.email == "user0004@example.com")
        // Beyond the loaded rows, the page asked for starts before the lowercase address.
        _ = reduce(&state, .usersLoaded(UsersPage(after: nil, users: Self.users(0..<200), total: 5000)))
        _ = reduce(&state, .key(.char("/")))
        for character in "Tim." { _ = reduce(&state, .key(.char(character))) }
        #expect(reduce(&state, .key(.enter)) == [.loadUsers(after: "tim-\u{10FFFF}")])
        let tim = StoredUser(email: "tim.cook@example.com", profile: JSONObject())
        _ = reduce(&state, .usersLoaded(UsersPage(after: "tim-\u{10FFFF}", users: [tim], total: nil)))
        #expect(state.users.selected == tim)
        #expect(state.status == nil)
        // The traffic filter already ignored case: it stays so.
        var traffic = Fixtures.state(records: 12)
        _ = reduce(&traffic, .key(.char("/")))
        _ = reduce(&traffic, .paste("USER:User3@Example.COM method:get"))
        _ = reduce(&traffic, .key(.enter))
        #expect(traffic.trafficCount == 1)
    }

    @Test(arguments: [("b", "a\u{10FFFF}"), ("ada@", "ada?\u{10FFFF}"), ("", nil), ("\u{E000}", "\u{D7FF}\u{10FFFF}")])
    func justBeforeSortsBelowEveryAddressWithThePrefix(prefix: String, expected: String?) {
        #expect(UsersState.justBefore(prefix) == expected)
        if let before = expected {
            // SQLite compares the UTF-8 bytes.
            #expect(Array(before.utf8).lexicographicallyPrecedes(Array((prefix + "x@example.com").utf8)))
            #expect(Array(before.utf8).lexicographicallyPrecedes(Array(prefix.utf8)))
        }
    }
}

extension ScreenTests {
    @Test func anEmptyStoreSaysHowUsersGetIn() {
        var state = Fixtures.state()
        _ = reduce(&state, .key(.char("4")))
        _ = reduce(&state, .usersLoaded(UsersPage(after: nil, users: [], total: 0)))
        let text = (0..<24).map { renderApp(state).rowText($0) }.joined(separator: "\n")
        #expect(text.contains("no users yet"))
        #expect(text.contains("hookline users import FILE"))
    }
}

extension ScreenTests {
    @Test func fFiltersTheTrafficToTheSelection() {
        var state = Fixtures.state(records: 12)
        _ = reduce(&state, .key(.char("2")))
        _ = reduce(&state, .key(.char("f")))
        #expect(state.traffic.filter?.text == "webhook:lob-letter")
        #expect(state.status?.text == "traffic filtered to webhook:lob-letter")
        _ = reduce(&state, .key(.char("4")))
        _ = reduce(&state, .usersLoaded(UsersPage(after: nil, users: [StoredUser(email: "user3@example.com", profile: JSONObject())], total: 1)))
        _ = reduce(&state, .key(.char("f")))
        #expect(state.traffic.filter?.text == "user:user3@example.com")
        // user3 made one of the twelve attempts.
        #expect(state.trafficCount == 1)
        #expect(state.trafficRecord(at: 0)?.userEmail == "user3@example.com")
    }
}
