/// Merges a webhook's JSON answer into a user profile, as Iterable's profile updates do.
public enum ProfileMerge {
    /// Fields a webhook response may never overwrite (Iterable's reserved fields).
    public static let reservedFields: Set<String> = [
        "email", "userId", "emailListIds", "signupDate", "signupSource", "profileUpdatedAt",
        "subscribedMessageTypeIds", "unsubscribedChannelIds", "unsubscribedMessageTypeIds", "itblInternal",
    ]

    /// Returns `profile` updated with `update`.
    ///
    /// With `mergeNestedObjects` false (Iterable's default) a top-level object in the update
    /// replaces the profile's; with true the two objects are merged one level down. Arrays are
    /// always replaced. Reserved fields and field names containing a period are skipped.
    public static func merge(_ update: JSONObject, into profile: JSONObject, mergeNestedObjects: Bool) -> JSONObject {
        var merged = profile
        for (key, value) in update.pairs where !reservedFields.contains(key) && !key.contains(".") {
            if mergeNestedObjects, case .object(let incoming) = value, case .object(var existing)? = merged[key] {
                for (nestedKey, nestedValue) in incoming.pairs { existing[nestedKey] = nestedValue }
                merged[key] = .object(existing)
            } else {
                merged[key] = value
            }
        }
        return merged
    }
}
