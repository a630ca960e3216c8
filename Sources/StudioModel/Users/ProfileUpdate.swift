/// One user's profile update as Iterable's `users/update` takes it, and each entry of its
/// `users/bulkUpdate`: the fields to merge, carrying the user's `email`, and how to merge them.
public struct ProfileUpdate: Sendable, Equatable {
    /// The fields to merge into the profile, with the user's address in `email`.
    public var fields: JSONObject
    /// Iterable's `mergeNestedObjects`: merge a top-level object into the profile's one level
    /// down instead of replacing it (``ProfileMerge/merge(_:into:mergeNestedObjects:)``).
    public var mergeNestedObjects: Bool

    public init(fields: JSONObject, mergeNestedObjects: Bool = false) {
        self.fields = fields
        self.mergeNestedObjects = mergeNestedObjects
    }
}
