import StudioModel

extension Executor {
    /// Whom ``startCounting(workflowID:for:dataFields:)`` starts a workflow for.
    public enum Audience {
        /// These addresses.
        case addresses([String])
        /// The addresses `next` returns, a batch at a time until it returns nil (a `--users`
        /// file); a batch it cannot read throws.
        case batches(_ next: () throws -> [String]?)
        /// Every stored user, or the members of a list when one is named.
        case stored(list: String?)

        /// Whether an address named twice starts one journey: a file of addresses (`--users`) is
        /// a list, as a stored one is. Addresses given one by one (``addresses(_:)``) are entries
        /// each, held only to the workflow's entry limits.
        var startsEachAddressOnce: Bool {
            if case .batches = self { return true }
            return false
        }
    }

    /// Journeys a start builds and stores at a time, and stored journeys ``resume()`` reads at a time.
    public static let startSlice = 10_000

    /// Starts `workflowID` for every stored user, or for the members of `list`, read a page at a
    /// time: queued journeys wait in the store, so a million users are never in memory at once.
    /// - Returns: How many users were asked for (those past the entry limits included); nil
    ///   when the workflow does not exist.
    /// - Throws: The store's error when a page could not be read or the journeys stored: none
    ///   was started.
    @discardableResult
    public func start(workflowID: String, forMembersOf list: String?, pageSize: Int = startSlice) throws -> Int? {
        try startCounting(workflowID: workflowID, forMembersOf: list, pageSize: pageSize)?.asked
    }

    /// ``start(workflowID:forMembersOf:pageSize:)``, telling how many journeys it started.
    /// - Returns: How many users were asked for and how many journeys started (the others were
    ///   past the entry limits); nil when the workflow does not exist.
    @discardableResult
    public func startCounting(
        workflowID: String, forMembersOf list: String?, pageSize: Int = startSlice
    ) throws -> (asked: Int, started: Int)? {
        try startCounting(workflowID: workflowID, for: .stored(list: list), pageSize: pageSize)
    }

    /// Starts one journey of `workflowID` for each user of `audience`, whatever the workflow's
    /// trigger, except for users who reached its entry limits.
    ///
    /// All or nothing: the journeys are stored at their entry step in one transaction, built
    /// and written `pageSize` at a time so that a million users never hold a million records,
    /// and queued only once it commits. A process killed meanwhile has started none, so running
    /// the command again starts each user once; a ``Audience/batches(_:)`` that throws (a bad
    /// line in a file) starts none either.
    /// - Parameter dataFields: Data for the journeys' merge parameters (`{{dataFields.x}}`), as
    ///   Iterable's triggerWorkflow passes it; nil for none.
    /// - Returns: How many users were asked for and how many journeys started; nil when the
    ///   workflow does not exist.
    /// - Throws: The store's error, or `audience`'s, when the journeys could not be stored: none
    ///   was started.
    @discardableResult
    public func startCounting(
        workflowID: String, for audience: Audience, dataFields: JSONObject? = nil, pageSize: Int = startSlice
    ) throws -> (asked: Int, started: Int)? {
        guard let workflow = workspace.workflow(id: workflowID) else { return nil }
        let trigger = dataFields.map { TrackedEvent(email: "", name: "triggerWorkflow", dataFields: $0) }
        let origin = PendingStart.Origin(workflow: workflow, trigger: .shared(trigger))
        let limits = workflow.limits.isUnlimited ? [:] : [workflow.id: workflow.limits]
        // A journey that ended a moment ago must count as ended: written before the transaction,
        // which the journey writer would otherwise wait for.
        if workflow.limits.simultaneous != nil { journeys.flush() }
        var pages = AudiencePages(audience, pageSize: max(1, pageSize))
        var queued: [Pending] = []
        var count = (asked: 0, started: 0)
        var repeated = 0
        var firstID: String?
        try store.startJourneys(within: limits) { starts in
            while var page = try pages.next(from: starts) {
                // A file may name a user twice (in any case; read lowercase): one journey each.
                if audience.startsEachAddressOnce {
                    let before = page.count
                    var seen: Set<String> = []
                    let earlier = try firstID.map { try starts.started(page, workflowID: workflow.id, since: $0) } ?? []
                    page = page.filter { !earlier.contains($0) && seen.insert($0).inserted }
                    repeated += before - page.count
                }
                let ids = DeliveryID.sequentialULIDs(count: page.count)
                // The lowest id of the run: a page made in the same millisecond may start lower.
                if let first = ids.first, firstID.map({ first < $0 }) ?? true { firstID = first }
                let records = zip(ids, page).map { id, email in
                    let start = PendingStart(id: id, email: email, origin: origin)
                    return start.entryRecord(trigger: start.sharedTrigger)
                }
                let stored = try starts.start(records)
                count.asked += page.count
                count.started += stored.count
                guard let first = ids.first else { continue }
                // When some users reached the entry limits, the others are queued one by one.
                queued +=
                    stored.count == page.count
                    ? [.stored(origin, first: first, count: page.count)]
                    : stored.map { .start(PendingStart(id: $0.id, email: $0.email, origin: origin, stage: .stored)) }
            }
        }
        if count.started < count.asked {
            state.withLock { $0.stats.journeysRefused += count.asked - count.started }
        }
        if repeated > 0 {
            logger.warning("\(counted(repeated, "address", "addresses")) repeated in the list: each user's journey started once")
        }
        enqueue(queued)
        return count
    }

    /// An ``Audience`` read a page at a time.
    private struct AudiencePages {
        let audience: Audience
        let pageSize: Int
        /// Addresses of ``Audience/addresses(_:)`` handed out so far.
        var offset = 0
        /// The last stored address read, for the next page of ``Audience/stored(list:)``.
        var after: String?

        init(_ audience: Audience, pageSize: Int) {
            self.audience = audience
            self.pageSize = pageSize
        }

        /// The next page of addresses, nil after the last.
        mutating func next(from starts: any JourneyStarts) throws -> [String]? {
            switch audience {
            case .addresses(let all):
                guard offset < all.count else { return nil }
                let page = Array(all[offset..<min(offset + pageSize, all.count)])
                offset += page.count
                return page
            case .batches(let next):
                return try next()
            case .stored(let list):
                let page = try starts.addresses(of: list, after: after, limit: pageSize)
                guard let last = page.last else { return nil }
                after = last
                return page
            }
        }
    }
}
