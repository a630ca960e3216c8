import Foundation
import StudioModel

/// Where a workspace's live state is kept: users, events, journeys and every attempt.
///
/// SQLite (``SQLiteStateStore``) is the embedded default; the protocol is the seam for a
/// PostgreSQL store shared by several workers.
public protocol StateStore: EndpointPauseStore {
    /// Inserts or replaces user profiles, keyed by their `email` field. A field new to the project
    /// takes the type it is saved with; types are not checked (fixtures, the demo's users).
    func saveUsers(_ profiles: [JSONObject]) throws
    /// The profile of one user, or nil when unknown.
    func user(email: String) throws -> JSONObject?
    /// The profiles of several users, keyed by email; unknown users are absent.
    func users(emails: [String]) throws -> [String: JSONObject]
    /// Merges profile updates, each carrying its user's `email`, into the stored profiles as
    /// Iterable's user updates do (``ProfileMerge``), reading and writing in one transaction, so
    /// that an update made meanwhile by another request is merged with, not written over. An
    /// unknown user is stored as given; updates without an email are skipped.
    /// - Parameters:
    ///   - keepingTypes: Throw ``ProfileMerge/FieldTypeConflict``, storing nothing, when an update
    ///     gives a field a value of another type than the field keeps: a top-level field the type
    ///     it was first stored with for any user of the project (an earlier update of the same
    ///     call included), a nested one the type the user's profile holds.
    ///   - createNewFields: Iterable's `createNewFields`: false drops a top-level field that no
    ///     user was ever stored with, instead of adding it to the project.
    /// - Returns: How many distinct users were created and how many existed already.
    @discardableResult
    func mergeUsers(_ updates: [JSONObject], mergeNestedObjects: Bool, keepingTypes: Bool, createNewFields: Bool) throws
        -> (created: Int, updated: Int)
    /// users/update and users/bulkUpdate: merges each update, with its own `mergeNestedObjects`,
    /// as ``mergeUsers(_:mergeNestedObjects:keepingTypes:createNewFields:)`` does keeping types,
    /// except that an update giving a field a value of another type than the field keeps is left
    /// out whole (nothing of it stored, no field it alone would add known to the project) rather
    /// than refusing the others, which are stored in one transaction, as Iterable's bulk calls
    /// count a user that fails without dropping the rest.
    /// - Returns: The updates left out, and the fields added to the project or dropped.
    func mergeUsersKeepingTypes(_ updates: [ProfileUpdate], createNewFields: Bool) throws -> KeptTypesMerge
    /// An Update Profile step: ``ProfileMerge/settingKeepingTypes(_:in:fieldTypes:)`` of `values`
    /// on user `email`'s stored profile (the address alone for a user not stored), with the
    /// project's field types, read and written in one transaction, so that what another request
    /// changed meanwhile is kept. Returns the profile written and the fields left as they were.
    func setFieldsKeepingTypes(_ values: [(field: String, value: JSONValue)], ofUser email: String) throws
        -> (profile: JSONObject, refused: [ProfileMerge.FieldTypeConflict])
    /// Update User Profile's merge: ``ProfileMerge/mergeKeepingTypes(_:into:mergeNestedObjects:fieldTypes:)``
    /// of `update` into user `email`'s stored profile (the address alone for a user not stored),
    /// with the project's field types, read and written in one transaction. Returns the profile
    /// written and the fields left out because their value has another type than the field keeps.
    func mergeKeepingTypes(_ update: JSONObject, intoUser email: String, mergeNestedObjects: Bool) throws
        -> (profile: JSONObject, refused: [ProfileMerge.FieldTypeConflict])
    /// The types those of `fields` that have one keep in the data of events named `eventName`:
    /// the type each was first tracked with.
    func eventFieldTypes(_ eventName: String, of fields: some Sequence<String>) throws -> [String: ProfileMerge.FieldType]
    /// The type each top-level profile field keeps in the project: the type it was first stored
    /// with for any user. Fields only ever stored as null are absent.
    func profileFieldTypes() throws -> [String: ProfileMerge.FieldType]
    /// At most `limit` addresses after `email` (from the first when nil), in order: the users page by page.
    func userEmails(after email: String?, limit: Int) throws -> [String]
    /// At most `limit` addresses before `email` (the last ones when nil), in order: the page before
    /// the first one loaded, or the last page.
    func userEmails(before email: String?, limit: Int) throws -> [String]
    /// How many users are stored.
    func userCount() throws -> Int

    /// Adds users to a static list; returns how many were not on it yet.
    @discardableResult
    func addToList(_ list: String, emails: [String]) throws -> Int
    /// Removes users from a static list; returns how many were on it.
    @discardableResult
    func removeFromList(_ list: String, emails: [String]) throws -> Int
    /// At most `limit` members of `list` after `email` (from the first when nil), in order.
    func listMembers(_ list: String, after email: String?, limit: Int) throws -> [String]
    /// The names of the lists that have members, in order: a list exists while it has one.
    func listNames() throws -> [String]

    /// Stores each entry's journeys at their entry step, with its event when given, all in one
    /// transaction: every event and its journeys are stored, or (when it throws) none. Journeys
    /// that would take a user past its workflow's entry `limits` (by workflow id; Iterable's
    /// lifetime and simultaneous limits) are left out. Returns each entry's stored journeys, in
    /// order.
    ///
    /// An `event` with the ``TrackedEvent/id`` of a stored one is the same event sent again (a
    /// client's retry): that one is updated to it, as Iterable does, none of its journeys is
    /// stored, and its answer is nil.
    func startJourneys(
        _ entries: [(event: TrackedEvent?, journeys: [JourneyRecord])], within limits: [String: WorkflowLimits]
    ) throws -> [[JourneyRecord]?]
    /// Runs `body` in one transaction, for a workflow started for many users a slice at a time:
    /// the journeys it stores through ``JourneyStarts/start(_:)`` are all stored, or, when it
    /// throws, none (a process killed meanwhile leaves none either). Entry limits apply as in
    /// ``startJourneys(_:within:)``, each slice seeing the journeys of the slices before it.
    func startJourneys(within limits: [String: WorkflowLimits], _ body: (any JourneyStarts) throws -> Void) throws
    /// How often a user entered a workflow, and how many of those journeys have not ended.
    func entryCount(workflowID: String, email: String) throws -> EntryCount

    /// Creates or updates journeys (position, status, wake time).
    func saveJourneys(_ journeys: [JourneyRecord]) throws
    /// The id and address of the stored journeys whose ids lie from `first` through `last`, in
    /// id order: journeys queued at their entry step, read back when they are admitted.
    func journeyAddresses(from first: String, through last: String) throws -> [(id: String, email: String)]
    /// The stored journeys of `ids` that can be read, with their triggers, by id: one read for a
    /// batch of admitted journeys, whose triggers wait here rather than in memory.
    func journeys(ids: [String]) throws -> [String: JourneyRecord]

    /// Stores attempts and applies delivery settlements in one transaction; returns the attempts
    /// with their assigned ids.
    func recordAttempts(_ attempts: consuming [AttemptRecord], settling settlements: [DeliverySettlement]) throws
        -> [AttemptRecord]
    /// The most recent attempts, oldest first.
    func recentAttempts(limit: Int) throws -> [AttemptRecord]
    func attemptCount() throws -> Int

    // MARK: Outbox

    /// Writes new deliveries, leased and ready to send, with the journeys they belong to, in one
    /// transaction: once this returns, a crash cannot lose them.
    func enqueueDeliveries(_ deliveries: [OutboxDelivery], journeys: [JourneyRecord]) throws
    /// One delivery by its id.
    func delivery(id: String) throws -> OutboxDelivery?
    /// The deliveries a journey made, oldest first.
    func deliveries(journeyID: String) throws -> [OutboxDelivery]
    /// The deliveries of several journeys, oldest first, by journey id: one read for a batch of
    /// resumed journeys.
    func deliveries(journeyIDs: [String]) throws -> [String: [OutboxDelivery]]
    /// Deliveries matching `filter`, oldest first.
    func deliveries(matching filter: DeliveryFilter) throws -> [OutboxDelivery]
    /// The deliveries cancelled at `instant` or later, by any process (`hookline cancel`).
    func deliveriesCancelled(since instant: Date) throws -> [String]
    /// Leases every unsettled delivery whose lease expired by `now` or whose owner has exited,
    /// to `owner` until `leaseUntil`, and returns them; deliveries leased by live owners are left alone.
    func claimUnsettledDeliveries(owner: String, leaseUntil: Date, now: Date) throws -> [OutboxDelivery]
    /// Makes the deliveries of `webhookID` held by its paused endpoint unsettled again, due at
    /// `now` and leased to `owner` until `leaseUntil`, and returns them, oldest first.
    func claimHeldDeliveries(webhookID: String, owner: String, leaseUntil: Date, now: Date) throws -> [OutboxDelivery]
    /// Frees the leases `owner` holds on unsettled deliveries (a clean shutdown).
    func releaseLeases(owner: String) throws
    /// Journeys that were running or waiting, with their triggers.
    func unfinishedJourneys() throws -> [JourneyRecord]
    /// A user's most recent journeys (unfinished ones and finished ones retention kept), newest first.
    func journeys(email: String, limit: Int) throws -> [JourneyRecord]
    /// At most `limit` journeys with `status`, last stored by `instant`, of `workflowIDs` (of
    /// every workflow when nil), whose ids come after `id` (from the first when nil), in id
    /// order: the unfinished journeys page by page. Without their triggers, which a restart
    /// with a large backlog would otherwise read and hold all at once: ``journeys(ids:)`` reads
    /// them when the journeys are admitted.
    func journeys(
        _ status: JourneyRecord.Status, of workflowIDs: [String]?, after id: String?, updatedBy instant: Date,
        limit: Int
    ) throws -> [JourneyRecord]
    /// How many journeys with `status`, last stored by `instant`, each workflow has, by workflow
    /// id: what a restart queues, counted without reading the journeys.
    func journeyCounts(_ status: JourneyRecord.Status, updatedBy instant: Date) throws -> [String: Int]
    /// Attempts of one delivery, oldest first.
    func attempts(deliveryID: String) throws -> [AttemptRecord]
    /// A delivery's attempts made at once, outside its schedule (trigger `immediate`).
    func immediateAttempts(deliveryID: String) throws -> ImmediateAttempts
    /// Deletes attempts started, and settled deliveries and finished journeys last changed, before
    /// `cutoff`; marks deliveries held since before `heldCutoff` failed. Returns the rows deleted.
    @discardableResult
    func prune(before cutoff: Date, heldBefore heldCutoff: Date) throws -> Int
    /// The most recent attempts matching `filter` (at most `filter.limit`), oldest first.
    func attempts(matching filter: AttemptFilter) throws -> [AttemptRecord]
    /// The ids of the oldest and the newest of the attempts ``attempts(matching:)`` returns for
    /// `filter` without its `afterID`; nil when none matches.
    func attemptIDs(matching filter: AttemptFilter) throws -> ClosedRange<Int64>?

    /// The union of every user profile's top-level keys, for `validate`'s merge-parameter warnings.
    func userFieldNames() throws -> Set<String>
    /// The union of every tracked event's top-level `dataFields` keys.
    func eventFieldNames() throws -> Set<String>
}

extension StateStore {
    /// The attempts ``attempts(matching:)`` returns for `filter` (its `afterID` aside), handed to
    /// `body` a page at a time, oldest first, so that an export of hundreds of thousands holds one
    /// page; attempts stored meanwhile are not among them. Stops early when `body` returns false.
    public func forEachPage(
        ofAttemptsMatching filter: AttemptFilter, pageSize: Int = 1_000, _ body: ([AttemptRecord]) throws -> Bool
    ) throws {
        guard let ids = try attemptIDs(matching: filter) else { return }
        var page = filter
        page.afterID = ids.lowerBound - 1
        page.limit = pageSize
        while true {
            let records = try attempts(matching: page).filter { $0.id <= ids.upperBound }
            guard let last = records.last, try body(records), last.id < ids.upperBound else { return }
            page.afterID = last.id
        }
    }

    /// ``journeys(_:of:after:updatedBy:limit:)`` of every workflow.
    public func journeys(_ status: JourneyRecord.Status, after id: String?, updatedBy instant: Date, limit: Int) throws
        -> [JourneyRecord]
    {
        try journeys(status, of: nil, after: id, updatedBy: instant, limit: limit)
    }

    /// ``startJourneys(_:within:)`` for one entry.
    public func startJourneys(
        _ journeys: [JourneyRecord], within limits: [String: WorkflowLimits], recording event: TrackedEvent?
    ) throws -> [JourneyRecord]? {
        try startJourneys([(event, journeys)], within: limits)[0]
    }

    /// Stores attempts in one transaction and returns them with their assigned ids.
    public func recordAttempts(_ attempts: [AttemptRecord]) throws -> [AttemptRecord] {
        try recordAttempts(attempts, settling: [])
    }

    /// The profiles of several users in one read, keyed by email; unknown users are absent.
    /// Stores override it to read in one transaction; the default asks ``user(email:)`` for each.
    public func users(emails: [String]) throws -> [String: JSONObject] {
        var profiles: [String: JSONObject] = [:]
        for email in emails {
            if let profile = try user(email: email) { profiles[email] = profile }
        }
        return profiles
    }
}

/// The transaction ``StateStore/startJourneys(within:_:)`` runs its body in: stored addresses
/// read a page at a time, and journeys stored at their entry step.
public protocol JourneyStarts {
    /// At most `limit` addresses after `email` (from the first when nil), in order: every stored
    /// user's when `list` is nil, else the list's members.
    func addresses(of list: String?, after email: String?, limit: Int) throws -> [String]
    /// Stores `journeys` at their entry step, leaving out those past their workflow's entry
    /// limits; returns the stored ones.
    func start(_ journeys: [JourneyRecord]) throws -> [JourneyRecord]
    /// Of `emails`, those with a journey of `workflowID` whose id is `id` or later: started
    /// already by this transaction, for a list that names a user twice.
    func started(_ emails: [String], workflowID: String, since id: String) throws -> Set<String>
}

/// An event that may start journeys: `{email, eventName, dataFields, id}` as Iterable tracks it.
public struct TrackedEvent: Sendable, Hashable {
    public var email: String
    public var name: String
    public var dataFields: JSONObject
    public var createdAt: Date
    /// Iterable's event id: an event tracked again with the id of a stored one updates it and
    /// starts nothing (a client's retry). Nil for none.
    public var id: String?

    public init(
        email: String, name: String, dataFields: JSONObject = JSONObject(), createdAt: Date = Date(), id: String? = nil
    ) {
        self.email = email
        self.name = name
        self.dataFields = dataFields
        self.createdAt = createdAt
        self.id = id
    }
}

/// One user's pass through one workflow, as stored.
public struct JourneyRecord: Sendable, Hashable {
    public enum Status: String, Sendable {
        case running, waiting, finished, failed
    }

    public var id: String
    public var workflowID: String
    public var email: String
    public var nodeID: String?
    public var status: Status
    public var wakeAt: Date?
    /// The event that started the journey, for its merge parameters after a restart.
    public var trigger: TrackedEvent?
    public var updatedAt: Date

    public init(
        id: String, workflowID: String, email: String, nodeID: String?, status: Status, wakeAt: Date? = nil,
        trigger: TrackedEvent? = nil, updatedAt: Date = Date()
    ) {
        self.id = id
        self.workflowID = workflowID
        self.email = email
        self.nodeID = nodeID
        self.status = status
        self.wakeAt = wakeAt
        self.trigger = trigger
        self.updatedAt = updatedAt
    }
}
