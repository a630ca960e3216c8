/// Merges a webhook's JSON answer into a user profile, as Iterable's profile updates do.
public enum ProfileMerge {
    /// Fields a webhook response may never overwrite (Iterable's reserved fields).
    public static let reservedFields: Set<String> = [
        "email", "userId", "emailListIds", "signupDate", "signupSource", "profileUpdatedAt",
        "subscribedMessageTypeIds", "unsubscribedChannelIds", "unsubscribedMessageTypeIds", "itblInternal",
    ]

    /// Why `fields` cannot be written to a profile through an API call's `dataFields`: a top-level
    /// field is one of Iterable's ``reservedFields``. Nil when none is. (A name that is no name at
    /// any depth is ``fieldNameProblem(in:)``'s.)
    ///
    /// Iterable's docs say only that these fields are reserved; a call that would set one is
    /// refused whole rather than stored in part, since a value dropped without a word (or, for a
    /// new user, stored once and then never again) is worse for the sender than a 400 naming it.
    public static func reservedFieldProblem(in fields: JSONObject) -> String? {
        guard let name = fields.keys.first(where: reservedFields.contains) else { return nil }
        if name == "email" {
            return "field 'email' is reserved: the user is the one named by the request's email; nothing was stored"
        }
        return "field '\(name)' is reserved (\(whyReserved(name))) and cannot be set by a request; nothing was stored"
    }

    /// Why the reserved field `name` cannot be written: `userId` because users are keyed by email,
    /// the others because Iterable sets them.
    public static func whyReserved(_ name: String) -> String {
        if name == "userId" { return "hookline identifies users by email, not userId" }
        return "Iterable's reserved fields: \(reservedFields.sorted().joined(separator: ", "))"
    }

    /// Returns `profile` updated with `update`.
    ///
    /// With `mergeNestedObjects` false (Iterable's default) a top-level object in the update
    /// replaces the profile's; with true the two objects are merged one level down. Arrays are
    /// always replaced. Reserved fields and field names containing a period are skipped.
    public static func merge(_ update: JSONObject, into profile: JSONObject, mergeNestedObjects: Bool) -> JSONObject {
        var merged = profile
        for (key, value) in update.pairs where isMerged(key) {
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

extension ProfileMerge {
    /// The type a profile field keeps once set, as Iterable's do. Whole and fractional numbers
    /// are one type, since either is coerced to the other.
    public enum FieldType: String, Sendable {
        case string, boolean, number, object, array

        /// The type of `value`; nil for null, which fits any field (it clears it).
        public init?(of value: JSONValue) {
            switch value {
            case .null: return nil
            case .bool: self = .boolean
            case .int, .double: self = .number
            case .string: self = .string
            case .array: self = .array
            case .object: self = .object
            }
        }
    }

    /// A field an update gives a value of another type than the profile holds.
    public struct FieldTypeConflict: Error, Equatable, Sendable, CustomStringConvertible {
        /// The field's path: `prefs.sms` for one nested in an object.
        public var field: String
        public var stored: FieldType
        public var given: FieldType
        /// The user whose profile holds the field, when a merge of several users' updates found it.
        public var user: String?
        /// The position of the update that gave the value among those of one merge (an import's
        /// row), when a merge of several updates found it.
        public var update: Int?

        public var description: String {
            "field '\(field)' has type \(stored.rawValue) and keeps it: a value of type \(given.rawValue) cannot be "
                + "stored in it (null clears it)"
        }
    }

    /// The first field of `update`, nested objects' fields included, whose value has another type
    /// than the field keeps; nil when every value fits.
    ///
    /// A top-level field keeps the type `fieldTypes` gives it: the project's, the type it was
    /// first stored with for any user. A top-level field `fieldTypes` does not name keeps the type
    /// `profile` holds in it, and a nested field always does.
    ///
    /// Iterable: "API calls attempting to set or update an existing field with a value that cannot
    /// be coerced into the appropriate type will fail"
    /// (<https://support.iterable.com/hc/en-us/articles/206430145-User-Profile-Fields->), and a
    /// field's type is the project's, not each user's.
    public static func typeConflict(
        in update: JSONObject, with profile: JSONObject, fieldTypes: [String: FieldType] = [:]
    ) -> FieldTypeConflict? {
        // The top-level fields a merge skips (reserved, dotted) cannot conflict.
        for (key, value) in update.pairs where isMerged(key) {
            guard let given = FieldType(of: value) else { continue }
            let storedValue = profile[key]
            if let stored = fieldTypes[key] ?? storedValue.flatMap(FieldType.init(of:)), stored != given {
                return FieldTypeConflict(field: key, stored: stored, given: given)
            }
            if case .object(let nestedUpdate) = value, case .object(let nestedProfile)? = storedValue,
                let conflict = typeConflict(in: nestedUpdate, with: nestedProfile, under: key + ".")
            {
                return conflict
            }
        }
        return nil
    }

    /// `update` with each value that has another type than its field keeps, but can be read as
    /// that type, written as it: Iterable fails only a value "that cannot be coerced into the
    /// appropriate type" (User Profile Fields). Numeric text for a number field, any number or
    /// boolean for a text field, `true`/`false` for a boolean one. A field keeps the type
    /// `fieldTypes` gives it at the top level, else the type `profile` holds in it, nested too;
    /// what cannot be coerced is left for ``typeConflict(in:with:fieldTypes:)`` to report.
    public static func coercing(
        _ update: JSONObject, toTypesOf profile: JSONObject, fieldTypes: [String: FieldType] = [:]
    ) -> JSONObject {
        coercing(update, toTypesOf: profile, fieldTypes: fieldTypes, takes: isMerged)
    }

    /// ``coercing(_:toTypesOf:fieldTypes:)`` of the fields `takes` names: at the top level those a
    /// merge writes, nested ones all.
    private static func coercing(
        _ update: JSONObject, toTypesOf profile: JSONObject, fieldTypes: [String: FieldType], takes: (String) -> Bool
    ) -> JSONObject {
        var coerced = update
        for (key, value) in update.pairs where takes(key) {
            let stored = profile[key]
            if let type = fieldTypes[key] ?? stored.flatMap(FieldType.init(of:)), let fitted = Self.value(value, as: type) {
                coerced[key] = fitted
            } else if case .object(let nestedUpdate) = value, case .object(let nestedProfile)? = stored {
                coerced[key] = .object(coercing(nestedUpdate, toTypesOf: nestedProfile, fieldTypes: [:], takes: { _ in true }))
            }
        }
        return coerced
    }

    /// `value` written as `type` when it has another type and can be read as it; nil otherwise
    /// (it has the type already, or cannot be coerced).
    static func value(_ value: JSONValue, as type: FieldType) -> JSONValue? {
        guard let given = FieldType(of: value), given != type else { return nil }
        switch (type, value) {
        case (.number, .string(let text)):
            let trimmed = text.trimmedOfSpaces
            guard isDecimalNumber(trimmed) else { return nil }
            if let integer = Int(trimmed) { return .int(integer) }
            guard let number = Double(trimmed), number.isFinite else { return nil }
            return .double(number)
        case (.string, .int), (.string, .double), (.string, .bool):
            return .string(value.displayText)
        case (.boolean, .string(let text)):
            switch text.trimmedOfSpaces.lowercased() {
            case "true": return .bool(true)
            case "false": return .bool(false)
            default: return nil
            }
        default:
            return nil
        }
    }

    /// Whether ``merge(_:into:mergeNestedObjects:)`` writes the top-level field `key`: not a
    /// reserved field, and no period in its name.
    public static func isMerged(_ key: String) -> Bool {
        !reservedFields.contains(key) && !key.contains(".")
    }

    /// ``merge(_:into:mergeNestedObjects:)`` of the fields of `update` that keep their types (as
    /// ``typeConflict(in:with:fieldTypes:)`` says): a top-level field whose value, or a value
    /// nested in it, has another type than the field keeps is left out, as Iterable refuses such
    /// a write, and returned.
    public static func mergeKeepingTypes(
        _ update: JSONObject, into profile: JSONObject, mergeNestedObjects: Bool, fieldTypes: [String: FieldType] = [:]
    ) -> (profile: JSONObject, refused: [FieldTypeConflict]) {
        var kept = JSONObject()
        var refused: [FieldTypeConflict] = []
        for (key, value) in coercing(update, toTypesOf: profile, fieldTypes: fieldTypes).pairs where isMerged(key) {
            if let conflict = typeConflict(in: JSONObject([(key, value)]), with: profile, fieldTypes: fieldTypes) {
                refused.append(conflict)
            } else {
                kept[key] = value
            }
        }
        return (merge(kept, into: profile, mergeNestedObjects: mergeNestedObjects), refused)
    }

    /// `profile` with each of `values` set at its path (`address.city`, as ``setField(_:to:in:)``
    /// sets it), except a value that has another type than its field keeps, or whose path would
    /// replace a field that is not an object (``typeConflict(in:with:fieldTypes:)``): that field is
    /// left as it is, and the conflict returned. An Update Profile step, as Iterable's refuses such a write.
    public static func settingKeepingTypes(
        _ values: [(field: String, value: JSONValue)], in profile: JSONObject, fieldTypes: [String: FieldType] = [:]
    ) -> (profile: JSONObject, refused: [FieldTypeConflict]) {
        var profile = profile
        var refused: [FieldTypeConflict] = []
        for (path, value) in values {
            var update = JSONObject()
            setField(path, to: value, in: &update)
            update = coercing(update, toTypesOf: profile, fieldTypes: fieldTypes)
            if let conflict = typeConflict(in: update, with: profile, fieldTypes: fieldTypes) {
                refused.append(conflict)
            } else {
                setField(path, to: lookupField(path, in: update) ?? value, in: &profile)
            }
        }
        return (profile, refused)
    }

    /// The first nested field of `update` whose value has another type than `profile` holds in
    /// it, named by its path under `prefix`.
    private static func typeConflict(in update: JSONObject, with profile: JSONObject, under prefix: String)
        -> FieldTypeConflict?
    {
        for (key, value) in update.pairs {
            guard let storedValue = profile[key], let stored = FieldType(of: storedValue), let given = FieldType(of: value)
            else { continue }
            guard stored == given else { return FieldTypeConflict(field: prefix + key, stored: stored, given: given) }
            if case .object(let nestedUpdate) = value, case .object(let nestedProfile) = storedValue,
                let conflict = typeConflict(in: nestedUpdate, with: nestedProfile, under: prefix + key + ".")
            {
                return conflict
            }
        }
        return nil
    }
}

extension ProfileMerge {
    /// Whether `text` is a number written in decimal, as JSON writes one (`-12`, `3.25`, `1e3`,
    /// a leading `+` too): not `0x10`, `5.`, `.5`, `inf` or `nan`, which Swift's number parsing
    /// takes, nor `0150`, whose leading zero a number would drop (a zip code, a phone number).
    static func isDecimalNumber(_ text: String) -> Bool {
        var bytes = text.utf8[...]
        if let sign = bytes.first, sign == UInt8(ascii: "-") || sign == UInt8(ascii: "+") { bytes = bytes.dropFirst() }
        func digits() -> Int {
            let count = bytes.prefix { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }.count
            bytes = bytes.dropFirst(count)
            return count
        }
        let leadingZero = bytes.first == UInt8(ascii: "0")
        let integerDigits = digits()
        guard integerDigits > 0, !(leadingZero && integerDigits > 1) else { return false }
        if bytes.first == UInt8(ascii: ".") {
            bytes = bytes.dropFirst()
            guard digits() > 0 else { return false }
        }
        if let e = bytes.first, e == UInt8(ascii: "e") || e == UInt8(ascii: "E") {
            bytes = bytes.dropFirst()
            if let sign = bytes.first, sign == UInt8(ascii: "-") || sign == UInt8(ascii: "+") { bytes = bytes.dropFirst() }
            guard digits() > 0 else { return false }
        }
        return bytes.isEmpty
    }
}

extension String {
    /// The text without leading and trailing spaces and tabs, as a coerced value is read.
    fileprivate var trimmedOfSpaces: String {
        String(drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
    }
}
