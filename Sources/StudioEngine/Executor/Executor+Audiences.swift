import StudioModel

extension Executor {
    /// Starts `workflowID` for every stored user, or for the members of `list`, read a page at a
    /// time: queued journeys wait in the store, so a million users are never in memory at once.
    /// - Returns: How many users were handed to ``start(workflowID:emails:dataFields:)`` (those
    ///   past the entry limits included); nil when the workflow does not exist.
    /// - Throws: The store's error when a page could not be read or its journeys stored; the
    ///   journeys of the pages before it were started.
    @discardableResult
    public func start(workflowID: String, forMembersOf list: String?, pageSize: Int = 10_000) throws -> Int? {
        try startCounting(workflowID: workflowID, forMembersOf: list, pageSize: pageSize)?.asked
    }

    /// ``start(workflowID:forMembersOf:pageSize:)``, telling how many journeys it started.
    /// - Returns: How many users were asked for and how many journeys started (the others were
    ///   past the entry limits); nil when the workflow does not exist.
    @discardableResult
    public func startCounting(
        workflowID: String, forMembersOf list: String?, pageSize: Int = 10_000
    ) throws -> (asked: Int, started: Int)? {
        guard workspace.workflow(id: workflowID) != nil else { return nil }
        var after: String?
        var count = (asked: 0, started: 0)
        while true {
            let page = try list.map { try store.listMembers($0, after: after, limit: pageSize) }
                ?? store.userEmails(after: after, limit: pageSize)
            guard let last = page.last else { return count }
            count.started += try startCounting(workflowID: workflowID, emails: page) ?? 0
            count.asked += page.count
            after = last
        }
    }
}
