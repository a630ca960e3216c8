import StudioModel

extension StateStore {
    /// Merges profile updates, each carrying its user's `email`, into the stored profiles as
    /// Iterable's user updates do (``ProfileMerge``); an unknown user is stored as given. One read,
    /// one write; updates without an email are skipped.
    /// - Returns: How many distinct users were created and how many existed already.
    @discardableResult
    public func mergeUsers(_ updates: [JSONObject], mergeNestedObjects: Bool) throws -> (created: Int, updated: Int) {
        let emails = updates.compactMap { $0["email"]?.stringValue }
        let existing = try users(emails: emails)
        var profiles = existing
        var order: [String] = []
        var seen = Set<String>()
        for update in updates {
            guard let email = update["email"]?.stringValue else { continue }
            if let current = profiles[email] {
                profiles[email] = ProfileMerge.merge(update, into: current, mergeNestedObjects: mergeNestedObjects)
            } else {
                profiles[email] = update
            }
            if seen.insert(email).inserted { order.append(email) }
        }
        try saveUsers(order.compactMap { profiles[$0] })
        let updated = order.filter { existing[$0] != nil }.count
        return (order.count - updated, updated)
    }
}

extension StateStore {
    /// The stored user `email`, or the first in address order when `email` is nil; nil when
    /// there is no such user (a test send's and a preview's whom).
    public func user(emailOrFirst email: String?) throws -> (email: String, profile: JSONObject)? {
        guard let address = try email ?? userEmails(after: nil, limit: 1).first, let profile = try user(email: address) else {
            return nil
        }
        return (address, profile)
    }
}
