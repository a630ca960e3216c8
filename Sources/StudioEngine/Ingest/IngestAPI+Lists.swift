import Hummingbird
import StudioModel

extension IngestAPI {
    /// Starts a workflow for the user in `email`, or, as Iterable's triggerWorkflow does with
    /// `listId`, for every member of that list; a disabled workflow is refused, and so is a
    /// `listId` naming no list (it would start nothing while answering Success) or one sent with
    /// an `email` or `userId` (which one was meant cannot be told). The journeys are
    /// stored before the answer, all in one transaction: when the store cannot take them, the
    /// answer is 500 `DatabaseError` and none was started (for a list, no member), so the client
    /// can send it again.
    func triggerWorkflow(_ body: JSONObject) throws -> Response {
        let workflowID: String
        let list: String?
        var email: String?
        let dataFields: JSONObject
        do throws(Refusal) {
            guard let id = try Self.identifier("workflowId", in: body) else {
                throw .badParams("workflowId is required")
            }
            workflowID = id
            list = try Self.identifier("listId", in: body)
            if let list {
                for key in ["email", "userId"] {
                    guard let value = body[key], value != .null, value != .string("") else { continue }
                    throw .badParams("send either listId or \(key), not both: listId \(list) starts every member of the list")
                }
            } else {
                email = try Self.recipient(in: body)
            }
            dataFields = try Self.dataFields(of: body)
        } catch { return error.response }
        let workspace = executor.workspace
        guard let workflow = workspace.workflow(id: workflowID) else {
            let message =
                workspace.brokenWorkflowPath(workflowID).map {
                    "workflow '\(workflowID)' does not run while \($0) has errors (hookline validate lists them)"
                } ?? "no workflow '\(workflowID)'"
            return Self.answer(.badRequest, code: "BadParams", message: message)
        }
        // track skips a disabled workflow; a trigger must not start what no event would.
        guard workflow.enabled else {
            return Self.answer(
                .badRequest, code: "BadParams",
                message: "workflow '\(workflowID)' is disabled: set enabled: true in its file to trigger it")
        }
        if let list {
            // A list exists while it has members (as `hookline run --list` reads it), so a typo
            // and an emptied list look the same; either would start nothing.
            guard try !store.listMembers(list, after: nil, limit: 1).isEmpty else {
                return Self.answer(
                    .badRequest, code: "BadParams",
                    message: "no list '\(list)': a list exists while it has members; "
                        + "lists fill from /api/lists/subscribe and Add to list steps")
            }
            try executor.startCounting(workflowID: workflowID, for: .stored(list: list), dataFields: dataFields)
        } else if let email {
            try executor.start(workflowID: workflowID, emails: [email], dataFields: dataFields)
        }
        return Self.answer(.ok, code: "Success")
    }

    /// `lists/subscribe` and `lists/unsubscribe`: each subscriber with a valid address joins or
    /// leaves the list; subscribing also creates or updates the profile with its `dataFields`,
    /// unless `updateExistingUsersOnly` limits it to known users. A value of another type than
    /// the profile's field holds refuses the whole call, as in users/update. Unsubscribing an
    /// address no user has, or from a list no one is on, is counted in `notFoundEmails`, as
    /// Iterable counts it, not as a success.
    ///
    /// `listId` is Iterable's number or a list's name: lists here are named (`hookline run --list
    /// NAME`, `users import --list NAME`, Add to list steps), and `42` is the list named `42`.
    func changeList(_ body: JSONObject, subscribing: Bool) throws -> Response {
        let list: String
        let subscribers: [JSONValue]
        let existingUsersOnly: Bool
        do throws(Refusal) {
            guard let id = try Self.identifier("listId", in: body) else {
                throw .badParams("listId is required")
            }
            guard let given = try Self.field("subscribers", in: body, mustBe: "an array", as: \.arrayValue) else {
                throw .badParams("subscribers must be an array")
            }
            (list, subscribers) = (id, given)
            existingUsersOnly = try Self.flag("updateExistingUsersOnly", in: body) ?? false
        } catch { return error.response }
        var invalid: [String] = []
        var unknownUserIDs: [String] = []
        var valid: [(email: String, dataFields: JSONObject)] = []
        for (index, subscriber) in subscribers.enumerated() {
            guard let fields = subscriber.objectValue else {
                return Self.answer(.badRequest, code: "BadJsonBody", message: "subscribers[\(index)] must be a JSON object")
            }
            do {
                let email = try Self.recipient(in: fields)
                let dataFields = try Self.dataFields(of: fields)
                if subscribing,
                    let problem = Self.profileFieldProblem(in: dataFields)
                {
                    return Self.answer(.badRequest, code: "BadParams", message: "\(email): \(problem)")
                }
                valid.append((email, dataFields))
            } catch {
                switch error {
                case .invalidEmail(let given): invalid.append(given)
                case .missingEmail: invalid.append("")
                case .userIDOnly(let userID): unknownUserIDs.append(userID)
                default: return Self.answer(.badRequest, code: error.code, message: "subscribers[\(index)].\(error.message)")
                }
            }
        }
        var notFound: [String] = []
        if existingUsersOnly || !subscribing {
            // As Iterable's: an address no user has is not found, and nothing is done for it. A
            // list exists while it has members, so one no one is on (a typo, or emptied) has no
            // one to remove: its subscribers are not found either, not counted as removed.
            let known = try store.users(emails: valid.map(\.email))
            let listExists = try subscribing || !store.listMembers(list, after: nil, limit: 1).isEmpty
            let missing = Set(valid.map(\.email).filter { !listExists || known[$0] == nil })
            notFound = Self.distinct(valid.map(\.email)).filter(missing.contains)
            valid.removeAll { missing.contains($0.email) }
        }
        if subscribing {
            do {
                try store.mergeUsers(
                    valid.map { subscriber in
                        var update = subscriber.dataFields
                        update["email"] = .string(subscriber.email)
                        return update
                    }, mergeNestedObjects: false, keepingTypes: true, createNewFields: true)
            } catch let conflict as ProfileMerge.FieldTypeConflict {
                // Checked in the merge's transaction, so a field another request set meanwhile counts.
                return Self.answer(
                    .badRequest, code: "BadParams", message: (conflict.user.map { "\($0): " } ?? "") + conflict.description)
            }
        }
        let users = Self.distinct(valid.map(\.email))
        if subscribing {
            try store.addToList(list, emails: users)
        } else {
            try store.removeFromList(list, emails: users)
        }
        return Self.bulkCounts(
            succeeded: users.count,
            failed: [("invalidEmails", invalid), ("invalidUserIds", []), ("notFoundEmails", notFound),
                ("notFoundUserIds", unknownUserIDs)],
            extra: [
                // The top-level copies this API answered before `failedUpdates`, kept for its clients.
                ("invalidEmails", .array(invalid.map(JSONValue.string))),
                ("notFoundEmails", .array(notFound.map(JSONValue.string))),
            ])
    }

    /// `emails` without repeats, in order: a user named twice in one call (in any case, since
    /// addresses are lowercase by now) is one user, counted once.
    private static func distinct(_ emails: [String]) -> [String] {
        var seen = Set<String>()
        return emails.filter { seen.insert($0).inserted }
    }
}
