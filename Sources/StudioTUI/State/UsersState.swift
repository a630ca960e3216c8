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

/// Stored users in address order, the page after `after` (nil: the first page).
public struct UsersPage: Sendable, Equatable {
    public var after: String?
    public var users: [StoredUser]
    /// Users in the store, for the pane's title; counted with the first page only (a count
    /// reads the whole table).
    public var total: Int?

    public init(after: String?, users: [StoredUser], total: Int?) {
        self.after = after
        self.users = users
        self.total = total
    }
}

/// The Users screen's list: the pages loaded so far. The store may hold a million users, so a
/// page is asked for only as the selection comes near the end of what is loaded.
public struct UsersState: Sendable, Equatable {
    public static let pageSize = 200
    /// Rows from the end of what is loaded at which the next page is asked for.
    static let prefetchDistance = 50
    /// Rows kept at most, so paging through a million users cannot fill memory: past them, `/`
    /// finds a user (and starts the list there).
    public static let maximumRows = 10_000

    public var rows: [StoredUser] = []
    public var total: Int?
    public var list = ListState()
    /// Whether the last page asked for has come and held fewer than a page of users.
    public var isComplete = false
    /// The address the page being loaded follows (`""` for the first), nil when none is asked for.
    var loadingAfter: String?
    /// What is typed after `/`, nil when not finding.
    public var findInput: String?
    /// The selected user's journeys, once read.
    public var journeys: UserJourneys?
    /// The page a find asked for starts the list afresh, selected from its top: it follows this
    /// address (`.some(nil)`: the first page).
    var jumpAfter: String??
    /// What that find looks for: a page whose first address does not start with it found nothing.
    var findPrefix = ""
    /// Whether ``rows`` start at the first stored address (not at a find's page).
    var startsAtFirst = false

    public init() {}

    public var selected: StoredUser? { list.selected < rows.count ? rows[list.selected] : nil }

    /// Asks for the next page when the selection is near the end of what is loaded; returns the
    /// address it follows (nil for the first page) or `.none` when no page is needed.
    mutating func nextPageRequest() -> String?? {
        guard loadingAfter == nil, !isComplete, rows.count < Self.maximumRows,
            list.selected + Self.prefetchDistance >= rows.count
        else { return .none }
        let after = rows.last?.email
        loadingAfter = after ?? ""
        return .some(after)
    }

    /// Asks for the selected user's journeys unless they are shown already.
    mutating func journeysRequest() -> [Effect] {
        guard let email = selected?.email, journeys?.email != email else { return [] }
        journeys = nil
        return [.loadJourneys(email: email)]
    }

    /// Takes a page in: the first replaces the rows, a later one extends them when it follows
    /// the last loaded row (pages asked for before a reload are dropped). The page a find asked
    /// for starts the list there when its first address starts with what was looked for; else the
    /// list stays as it was.
    /// - Returns: What a find looked for and no address starts with; nil otherwise.
    @discardableResult
    mutating func receive(_ page: UsersPage) -> String? {
        if case .some(let after) = jumpAfter, page.after == after {
            jumpAfter = nil
            loadingAfter = nil
            // Addresses sort by their UTF-8 bytes: so does the prefix match.
            guard findPrefix.isEmpty || page.users.first.map({ $0.email.utf8.starts(with: findPrefix.utf8) }) == true else {
                return findPrefix
            }
            rows = page.users
            list = ListState()
            startsAtFirst = after == nil
        } else if page.after == nil {
            rows = page.users
            startsAtFirst = true
        } else {
            guard page.after == rows.last?.email else { return nil }
            rows += page.users
        }
        loadingAfter = nil
        if let total = page.total { self.total = total }
        isComplete = page.users.count < Self.pageSize
        return nil
    }
}

extension UsersState {
    /// Starts the list at the first address that begins with `prefix` (addresses sort by their
    /// UTF-8 bytes, as SQLite compares them); returns the address the page follows.
    mutating func find(_ prefix: String) -> String? {
        let after = Self.justBefore(prefix)
        jumpAfter = .some(after)
        findPrefix = prefix
        loadingAfter = after ?? ""
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
