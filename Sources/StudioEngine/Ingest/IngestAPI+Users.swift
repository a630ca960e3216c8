import Hummingbird
import StudioModel

/// Iterable's user calls: `users/update` and `users/bulkUpdate`, which share the reading of one
/// user's update (``profileUpdate(from:)``), and the user lookups `users/getByEmail` and
/// `users/{email}`.
extension IngestAPI {
    /// Merges `dataFields` into the user's profile, as Iterable's users/update does; a value of
    /// another type than the field holds refuses the call, and nothing of it is stored. With
    /// `createNewFields: false`, a field no user has yet is dropped rather than added.
    func updateUser(_ body: JSONObject) throws -> Response {
        let update: ProfileUpdate
        let createNewFields: Bool
        do throws(Refusal) {
            update = try Self.profileUpdate(from: body)
            createNewFields = try Self.flag("createNewFields", in: body) ?? true
        } catch { return error.response }
        if let conflict = try store.mergeUsersKeepingTypes([update], createNewFields: createNewFields).leftOut.first {
            return Self.answer(.badRequest, code: "BadParams", message: conflict.description)
        }
        return Self.answer(.ok, code: "Success")
    }

    /// users/bulkUpdate `{"users": [{email, dataFields, mergeNestedObjects}], "createNewFields"}`:
    /// each user's update as users/update takes it, all stored in one transaction (or, when the
    /// store fails, none: 500 `DatabaseError`). As Iterable's bulk calls do, a user that cannot be
    /// updated is counted as failed and the others are stored: an address that is not one in
    /// `invalidEmails`, a userId alone in `notFoundUserIds`, and an update the profile cannot take
    /// (a reserved or malformed field name, a value of another type than its field keeps, a
    /// `userId` beside the email) in `invalidDataEmails`. A user entry of the wrong JSON shape
    /// (not an object, `dataFields` not one) refuses the whole request, naming its index, as in
    /// trackBulk: the client must fix it and send it again.
    func bulkUpdateUsers(_ body: JSONObject) throws -> Response {
        let items: [JSONValue]
        let createNewFields: Bool
        do throws(Refusal) {
            guard let given = try Self.field("users", in: body, mustBe: "an array of users", as: \.arrayValue) else {
                throw .badParams("users must be an array of users")
            }
            items = given
            createNewFields = try Self.flag("createNewFields", in: body) ?? true
        } catch { return error.response }
        var updates: [ProfileUpdate] = []
        var invalidEmails: [String] = []
        var invalidData: [String] = []
        var unknownUserIDs: [String] = []
        for (index, item) in items.enumerated() {
            guard let fields = item.objectValue else {
                return Self.answer(.badRequest, code: "BadJsonBody", message: "users[\(index)] must be a JSON object")
            }
            do { updates.append(try Self.profileUpdate(from: fields)) } catch {
                switch error {
                case .invalidEmail(let email): invalidEmails.append(email)
                case .missingEmail: invalidEmails.append("")
                case .userIDOnly(let userID): unknownUserIDs.append(userID)
                case .badParams: invalidData.append((try? Self.recipient(in: fields)) ?? "")
                case .wrongType: return Self.answer(.badRequest, code: error.code, message: "users[\(index)].\(error.message)")
                }
            }
        }
        let merged: KeptTypesMerge
        do {
            merged = try store.mergeUsersKeepingTypes(updates, createNewFields: createNewFields)
        } catch {
            return Self.answer(
                .internalServerError, code: "DatabaseError",
                message: "none of the \(updates.count) users was stored: \(error); send the request again")
        }
        invalidData += merged.leftOut.map { $0.user ?? "" }
        return Self.bulkCounts(
            succeeded: updates.count - merged.leftOut.count,
            failed: [
                ("invalidEmails", invalidEmails), ("invalidUserIds", []), ("notFoundEmails", []),
                ("notFoundUserIds", unknownUserIDs), ("invalidDataEmails", invalidData), ("invalidDataUserIds", []),
            ],
            extra: [
                // Iterable's top-level copies of failedUpdates' invalid lists, read by older clients.
                ("invalidEmails", .array(invalidEmails.map(JSONValue.string))),
                ("invalidUserIds", []),
                ("createdFields", .array(merged.createdFields.map(JSONValue.string))),
                ("filteredOutFields", .array(merged.filteredOutFields.map(JSONValue.string))),
            ])
    }

    /// One user's update as users/update takes it, and each entry of users/bulkUpdate: the user in
    /// `email` (lowercase), `dataFields` with no reserved or malformed field name
    /// (``profileFieldProblem(in:)``), and the flags `mergeNestedObjects` and `preferUserId`.
    ///
    /// A `userId` is refused: hookline identifies users by email and keeps no userId, so answering
    /// Success would drop it while a later call naming the user by it is refused.
    /// - Throws: ``Refusal``, saying why the update cannot be made.
    static func profileUpdate(from body: JSONObject) throws(Refusal) -> ProfileUpdate {
        let email = try recipient(in: body)
        if let userID = try identifier("userId", in: body) {
            throw .badParams(
                "userId '\(userID)' is not supported: hookline identifies users by email and keeps no userId; "
                    + "send email alone")
        }
        var fields = try dataFields(of: body)
        let mergeNestedObjects = try flag("mergeNestedObjects", in: body) ?? false
        _ = try flag("preferUserId", in: body)
        if let problem = profileFieldProblem(in: fields) { throw .badParams(problem) }
        fields["email"] = .string(email)
        return ProfileUpdate(fields: fields, mergeNestedObjects: mergeNestedObjects)
    }

    /// users/getByEmail `?email=` and users/{email}: `{"user": {"email", "dataFields"}}` for a
    /// known user, as Iterable answers, the profile's fields but its address in `dataFields`;
    /// `{}` for an unknown one, as Iterable answers too (200: asking is no error). The address
    /// is taken as the other calls take it, in any case.
    /// - Parameter given: The address as the request gives it, decoded; nil when it gives none.
    func user(email given: String?) throws -> Response {
        let email: String
        do throws(Refusal) {
            email = try Self.recipient(in: given.map { JSONObject([("email", .string($0))]) } ?? JSONObject())
        } catch { return error.response }
        guard var profile = try store.user(email: email) else { return Self.json(.object(JSONObject()), status: .ok) }
        profile["email"] = nil
        return Self.json(
            .object(JSONObject([("user", .object(JSONObject([("email", .string(email)), ("dataFields", .object(profile))])))])),
            status: .ok)
    }
}
