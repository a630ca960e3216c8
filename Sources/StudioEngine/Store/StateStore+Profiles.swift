import StudioModel

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
