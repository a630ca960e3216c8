import Foundation
import StudioModel

/// A stored user as the Users screen lists it.
public struct StoredUser: Sendable, Equatable {
    public var email: String
    public var profile: JSONObject

    public init(email: String, profile: JSONObject) {
        self.email = email
        self.profile = profile
    }
}

/// Stored users in address order: the page after an address, or the page before one.
public struct UsersPage: Sendable, Equatable {
    /// Where a page lies: after an address (nil: the first page) or before one (nil: the last page).
    public enum Anchor: Sendable, Equatable {
        case after(String?)
        case before(String?)
    }

    public var anchor: Anchor
    public var users: [StoredUser]
    /// Users in the store, for the pane's title; counted with the first page only (a count
    /// reads the whole table).
    public var total: Int?

    public init(anchor: Anchor, users: [StoredUser], total: Int?) {
        self.anchor = anchor
        self.users = users
        self.total = total
    }

    public init(after: String?, users: [StoredUser], total: Int?) {
        self.init(anchor: .after(after), users: users, total: total)
    }

    public init(before: String?, users: [StoredUser], total: Int? = nil) {
        self.init(anchor: .before(before), users: users, total: total)
    }
}

/// The Users screen's list: a window of pages in address order. The store may hold a million
/// users, so a page is asked for only as the selection comes near either end of what is loaded.
public struct UsersState: Sendable, Equatable {
    public static let pageSize = 200
    /// Rows from either end of what is loaded at which the page beyond it is asked for.
    static let prefetchDistance = 50
    /// Rows kept at most, so paging through a million users cannot fill memory: a page that
    /// takes the list past them drops as many rows from the other end.
    public static let maximumRows = 10_000

    public var rows: [StoredUser] = []
    public var total: Int?
    public var list = ListState()
    /// Whether ``rows`` end at the last stored address (a page after them held fewer than a page
    /// of users, or they are the last page).
    public var isComplete = false
    /// Whether ``rows`` start at the first stored address.
    var startsAtFirst = false
    /// The page being loaded, nil when none is asked for: one at a time.
    var loading: UsersPage.Anchor?
    /// What is typed after `/`, nil when not finding.
    public var findInput: String?
    /// The selected user's journeys, once read.
    public var journeys: UserJourneys?
    /// The page a jump asked for (a find, `g`, `G`): it starts the list afresh.
    var jump: UsersPage.Anchor?
    /// What a find looks for: a page whose first address does not start with it found nothing.
    var findPrefix = ""
    /// Rows moved past the end (positive) or the top (negative) of what is loaded, where the
    /// store has more: applied as the page that brings them comes, so a held key loses nothing.
    var pendingMove = 0

    public init() {}

    public var selected: StoredUser? { list.selected < rows.count ? rows[list.selected] : nil }

    /// Moves the selection by `delta` rows; what goes past the loaded rows, where the store has
    /// more, waits for their page. Returns whether the selection changed.
    mutating func move(by delta: Int, height: Int) -> Bool {
        let before = list.selected
        let wanted = pendingMove + min(max(delta, -Self.maximumRows), Self.maximumRows)
        list.move(by: wanted, count: rows.count, height: height)
        keep(before + wanted - list.selected)
        return list.selected != before
    }

    /// Asks for the page beyond the end that the selection, with the moves waiting, is near; nil
    /// when none is needed or one is loading already.
    mutating func pageRequest() -> Effect? {
        guard loading == nil else { return nil }
        let target = list.selected + pendingMove
        let needsAfter = !isComplete && target + Self.prefetchDistance >= rows.count
        if !startsAtFirst, let first = rows.first?.email, target - Self.prefetchDistance < 0, pendingMove < 0 || !needsAfter {
            loading = .before(first)
            return .loadUsersBefore(first)
        }
        guard needsAfter else { return nil }
        let after = rows.last?.email
        loading = .after(after)
        return .loadUsers(after: after)
    }

    /// Asks for the selected user's journeys unless they are shown already.
    mutating func journeysRequest() -> [Effect] {
        guard let email = selected?.email, journeys?.email != email else { return [] }
        journeys = nil
        return [.loadJourneys(email: email)]
    }

    /// Takes a page in. The one a jump asked for starts the list afresh (a find's only when its
    /// first address starts with what was looked for; else the list stays as it was); the first
    /// page replaces the rows; a page after the last row or before the first extends them, the
    /// selection kept on its user and the moves waiting applied. Other pages (asked for before a
    /// reload) are dropped.
    /// - Returns: What a find looked for and no address starts with; nil otherwise.
    @discardableResult
    mutating func receive(_ page: UsersPage) -> String? {
        if loading == page.anchor { loading = nil }
        if let jump, jump == page.anchor {
            self.jump = nil
            return land(page)
        }
        switch page.anchor {
        case .after(nil):
            rows = page.users
            startsAtFirst = true
            isComplete = page.users.count < Self.pageSize
        case .after(let after?) where after == rows.last?.email: append(page.users)
        case .before(let before?) where before == rows.first?.email: prepend(page.users)
        default: return nil
        }
        if let total = page.total { self.total = total }
        if pendingMove != 0, !rows.isEmpty {
            let target = list.selected + pendingMove
            list.selected = min(max(0, target), rows.count - 1)
            keep(target - list.selected)
        }
        return nil
    }

    /// Keeps the part of a move that went past the loaded rows, where the store has more.
    private mutating func keep(_ remainder: Int) {
        let more = remainder > 0 ? !isComplete : !startsAtFirst
        pendingMove = more ? min(max(remainder, -Self.maximumRows), Self.maximumRows) : 0
    }

    /// The page a jump asked for: the list starts there, selected at the user jumped to.
    private mutating func land(_ page: UsersPage) -> String? {
        pendingMove = 0
        switch page.anchor {
        case .after(let after):
            // Addresses sort by their UTF-8 bytes: so does the prefix match.
            guard findPrefix.isEmpty || page.users.first.map({ $0.email.utf8.starts(with: findPrefix.utf8) }) == true else {
                return findPrefix
            }
            rows = page.users
            list = ListState()
            startsAtFirst = after == nil
            isComplete = page.users.count < Self.pageSize
        case .before(let before):
            rows = page.users
            list = ListState(selected: max(0, rows.count - 1))
            startsAtFirst = page.users.count < Self.pageSize
            isComplete = before == nil
        }
        if let total = page.total { self.total = total }
        return nil
    }

    private mutating func append(_ users: [StoredUser]) {
        rows += users
        isComplete = users.count < Self.pageSize
        let excess = rows.count - Self.maximumRows
        guard excess > 0 else { return }
        rows.removeFirst(excess)
        list.selected = max(0, list.selected - excess)
        list.offset = max(0, list.offset - excess)
        startsAtFirst = false
    }

    private mutating func prepend(_ users: [StoredUser]) {
        rows.insert(contentsOf: users, at: 0)
        list.selected += users.count
        list.offset += users.count
        startsAtFirst = users.count < Self.pageSize
        let excess = rows.count - Self.maximumRows
        guard excess > 0 else { return }
        rows.removeLast(excess)
        isComplete = false
    }
}

extension UsersState {
    /// `g`: the first stored user, selected in place when the rows start there; else the first
    /// page is asked for and starts the list, as a find's does.
    mutating func first() -> Effect? {
        guard !startsAtFirst else {
            (jump, pendingMove) = (nil, 0)
            list.selected = 0
            return nil
        }
        return .loadUsers(after: find(""))
    }

    /// `G`: the last stored user, selected in place when the rows end there; else the last page
    /// is asked for and starts the list, which ends at that user.
    mutating func last() -> Effect? {
        pendingMove = 0
        guard !isComplete else {
            jump = nil
            list.selected = max(0, rows.count - 1)
            return nil
        }
        jump = .before(nil)
        loading = .before(nil)
        return .loadUsersBefore(nil)
    }

    /// Starts the list at the first address that begins with `prefix` (addresses sort by their
    /// UTF-8 bytes, as SQLite compares them); returns the address the page follows.
    mutating func find(_ prefix: String) -> String? {
        let after = Self.justBefore(prefix)
        jump = .after(after)
        findPrefix = prefix
        loading = .after(after)
        pendingMove = 0
        return after
    }

    /// The row of the first address starting with `prefix` when the rows loaded start at the
    /// first stored address and hold it: a find selects it there, keeping the users above it
    /// on screen, rather than starting the list at it (QA F15).
    func loadedMatch(_ prefix: String) -> Int? {
        guard startsAtFirst, !prefix.isEmpty else { return nil }
        return rows.firstIndex { $0.email.utf8.starts(with: prefix.utf8) }
    }

    /// The greatest string below every string that starts with `prefix`: its last character
    /// lowered by one, followed by the highest one. Nil for an empty prefix (the first page).
    static func justBefore(_ prefix: String) -> String? {
        var scalars = Array(prefix.unicodeScalars)
        guard let last = scalars.popLast() else { return nil }
        var lowered = last.value - 1
        // Surrogate code points are no scalars: step over them.
        if (0xD800...0xDFFF).contains(lowered) { lowered = 0xD7FF }
        guard last.value > 0, let previous = Unicode.Scalar(lowered) else { return String(String.UnicodeScalarView(scalars)) }
        scalars += [previous, "\u{10FFFF}"]
        return String(String.UnicodeScalarView(scalars))
    }
}

/// A user's recent journeys, newest first, as read for the Users screen.
public struct UserJourneys: Sendable, Equatable {
    public var email: String
    public var journeys: [UserJourney]
    /// Why they could not be read, if they could not.
    public var problem: String?

    public init(email: String, journeys: [UserJourney], problem: String? = nil) {
        self.email = email
        self.journeys = journeys
        self.problem = problem
    }
}

/// Where a user is in a workflow: one journey.
public struct UserJourney: Sendable, Equatable {
    public var workflowID: String
    /// `running`, `waiting`, `finished` or `failed`.
    public var status: String
    /// The step it is at (or ended at).
    public var stepID: String?
    /// When a waiting journey goes on.
    public var wakeAt: Date?
    public var updatedAt: Date

    public init(workflowID: String, status: String, stepID: String?, wakeAt: Date?, updatedAt: Date) {
        self.workflowID = workflowID
        self.status = status
        self.stepID = stepID
        self.wakeAt = wakeAt
        self.updatedAt = updatedAt
    }
}
