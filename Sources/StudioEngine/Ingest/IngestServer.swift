import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import StudioModel

/// The ingest API of `hookline serve`, shaped like Iterable's (DESIGN §6):
///
/// - `POST /api/events/track` `{email, eventName, dataFields}` records the event and starts the
///   workflows it triggers;
/// - `POST /api/events/trackBulk` `{events: [...]}` does the same for each;
/// - `POST /api/workflows/triggerWorkflow` `{workflowId, email, dataFields}` starts a workflow;
/// - `POST /api/users/update` `{email, dataFields, mergeNestedObjects}` merges into a profile;
/// - `POST /api/lists/subscribe` `{listId, subscribers: [{email, dataFields}], updateExistingUsersOnly}`
///   adds users to a static list (creating or updating their profiles), `POST /api/lists/unsubscribe`
///   `{listId, subscribers: [{email}]}` removes them;
/// - `GET /health` answers 200.
///
/// Answers are Iterable's `{"msg", "code", "params"}`, and for the list calls its bulk counts
/// `{"successCount", "failCount", "invalidEmails", "notFoundEmails"}`. When `apiKey` is set, requests must carry
/// it in `Api-Key`.
///
/// ```swift
/// let server = try await IngestServer.start(engine: engine, port: 7070)
/// await server.shutdown()
/// ```
public final class IngestServer: Sendable {
    public let host: String
    private let server: RunningServer

    public var port: Int { server.port }
    public var baseURL: String { "http://\(host):\(port)" }

    private init(host: String, server: RunningServer) {
        self.host = host
        self.server = server
    }

    /// Starts listening; returns once the port is bound.
    /// - Parameters:
    ///   - port: 0 picks a free port.
    ///   - apiKey: The key requests must send in `Api-Key`; nil accepts every request.
    public static func start(
        engine: Engine, host: String = "127.0.0.1", port: Int, apiKey: String? = nil,
        logger: Logger = Logger(label: "hookline.ingest")
    ) async throws -> IngestServer {
        let api = IngestAPI(executor: engine.executor, store: engine.store, apiKey: apiKey)
        let router = Router()
        router.add(middleware: api)
        router.post("/api/events/track") { request, _ in try await IngestAPI.withBody(request, api.track) }
        router.post("/api/events/trackBulk") { request, _ in try await IngestAPI.withBody(request, api.trackBulk) }
        router.post("/api/workflows/triggerWorkflow") { request, _ in
            try await IngestAPI.withBody(request, api.triggerWorkflow)
        }
        router.post("/api/users/update") { request, _ in try await IngestAPI.withBody(request, api.updateUser) }
        router.post("/api/lists/subscribe") { request, _ in
            try await IngestAPI.withBody(request) { try api.changeList($0, subscribing: true) }
        }
        router.post("/api/lists/unsubscribe") { request, _ in
            try await IngestAPI.withBody(request) { try api.changeList($0, subscribing: false) }
        }
        router.get("/health") { _, _ in IngestAPI.answer(.ok, code: "Success") }
        let server = try await RunningServer.start(logger: logger) { onServerRunning in
            Application(
                router: router, configuration: .init(address: .hostname(host, port: port), serverName: "hookline"),
                onServerRunning: onServerRunning, logger: logger)
        }
        return IngestServer(host: host, server: server)
    }

    /// Stops accepting requests and returns once those in progress are answered.
    public func shutdown() async {
        await server.shutdown()
    }
}

/// The handlers behind ``IngestServer``: JSON in, executor calls, Iterable-shaped answers out.
struct IngestAPI: RouterMiddleware {
    typealias Context = BasicRequestContext

    let executor: Executor
    let store: any StateStore
    let apiKey: String?

    // A constant, valid field name.
    static let apiKeyField = HTTPField.Name("Api-Key")!

    /// Largest request body read.
    static let maximumBodyBytes = 1 << 20

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        if let apiKey, request.uri.path != "/health", request.headers[Self.apiKeyField] != apiKey {
            return Self.answer(.unauthorized, code: "BadApiKey", message: "Missing or wrong Api-Key header")
        }
        return try await next(request, context)
    }

    func track(_ body: JSONObject) throws -> Response {
        if let problem = record(body) { return problem }
        return Self.answer(.ok, code: "Success")
    }

    func trackBulk(_ body: JSONObject) throws -> Response {
        guard let events = body["events"]?.arrayValue else {
            return Self.answer(.badRequest, code: "InvalidJsonBody", message: "events must be an array")
        }
        var failed = 0
        for case .object(let event) in events where record(event) != nil { failed += 1 }
        failed += events.filter { $0.objectValue == nil }.count
        return Self.answer(
            .ok, code: "Success",
            params: JSONObject([("successCount", .int(events.count - failed)), ("failCount", .int(failed))]))
    }

    /// Records one event; an error answer when a field is missing.
    private func record(_ event: JSONObject) -> Response? {
        guard let email = Self.email(in: event) else { return Self.invalidEmail(event) }
        guard let name = event["eventName"]?.stringValue, !name.isEmpty else {
            return Self.answer(.badRequest, code: "BadParams", message: "eventName is required")
        }
        guard let dataFields = Self.dataFields(of: event) else { return Self.badDataFields }
        executor.track(TrackedEvent(email: email, name: name, dataFields: dataFields))
        return nil
    }

    /// The request's `email` when it is an address, as `users import` takes them; nil otherwise
    /// (answered with ``invalidEmail(_:)``).
    private static func email(in body: JSONObject) -> String? {
        guard let email = body["email"]?.stringValue, EmailAddress.isPlausible(email) else { return nil }
        return email
    }

    private static func invalidEmail(_ body: JSONObject) -> Response {
        let given = body["email"]?.stringValue ?? ""
        return answer(
            .badRequest, code: "InvalidEmailAddressError",
            message: given.isEmpty ? "email is required" : "'\(given)' is not an email address")
    }

    /// The `dataFields` of a request: its object, or an empty one when it is missing or null; nil
    /// when it is something else (`"dataFields": "str"`), which is answered with ``badDataFields``.
    private static func dataFields(of body: JSONObject) -> JSONObject? {
        switch body["dataFields"] {
        case nil, .null?: JSONObject()
        case .object(let fields)?: fields
        default: nil
        }
    }

    private static var badDataFields: Response {
        answer(.badRequest, code: "InvalidJsonBody", message: "dataFields must be a JSON object")
    }

    /// An id as Iterable sends it (a number) or as a workspace names it (text).
    private static func identifier(_ value: JSONValue?) -> String? {
        switch value {
        case .string(let id)? where !id.isEmpty: id
        case .int(let number)?: String(number)
        default: nil
        }
    }

    func triggerWorkflow(_ body: JSONObject) throws -> Response {
        guard let workflowID = Self.identifier(body["workflowId"]) else {
            return Self.answer(.badRequest, code: "BadParams", message: "workflowId is required")
        }
        guard let email = Self.email(in: body) else { return Self.invalidEmail(body) }
        guard let dataFields = Self.dataFields(of: body) else { return Self.badDataFields }
        guard executor.start(workflowID: workflowID, emails: [email], dataFields: dataFields) else {
            return Self.answer(.badRequest, code: "BadParams", message: "no workflow '\(workflowID)'")
        }
        return Self.answer(.ok, code: "Success")
    }

    func updateUser(_ body: JSONObject) throws -> Response {
        guard let email = Self.email(in: body) else { return Self.invalidEmail(body) }
        guard var update = Self.dataFields(of: body) else { return Self.badDataFields }
        if let problem = dottedFieldProblem(in: update) { return Self.answer(.badRequest, code: "BadParams", message: problem) }
        update["email"] = .string(email)
        try store.mergeUsers([update], mergeNestedObjects: body["mergeNestedObjects"] == .bool(true))
        return Self.answer(.ok, code: "Success")
    }

    /// `lists/subscribe` and `lists/unsubscribe`: each subscriber with a valid address joins or
    /// leaves the list; subscribing also creates or updates the profile with its `dataFields`,
    /// unless `updateExistingUsersOnly` limits it to known users.
    func changeList(_ body: JSONObject, subscribing: Bool) throws -> Response {
        guard let list = Self.identifier(body["listId"]) else {
            return Self.answer(.badRequest, code: "BadParams", message: "listId is required")
        }
        guard let subscribers = body["subscribers"]?.arrayValue else {
            return Self.answer(.badRequest, code: "BadParams", message: "subscribers must be an array")
        }
        var invalid: [JSONValue] = []
        var valid: [(email: String, dataFields: JSONObject)] = []
        for subscriber in subscribers {
            guard let email = subscriber["email"]?.stringValue, EmailAddress.isPlausible(email) else {
                invalid.append(subscriber["email"] ?? .null)
                continue
            }
            let fields = subscriber["dataFields"]?.objectValue ?? JSONObject()
            if subscribing, let problem = dottedFieldProblem(in: fields) {
                return Self.answer(.badRequest, code: "BadParams", message: "\(email): \(problem)")
            }
            valid.append((email, fields))
        }
        var notFound: [String] = []
        if subscribing {
            let known = try store.users(emails: valid.map(\.email))
            if body["updateExistingUsersOnly"] == .bool(true) {
                notFound = valid.map(\.email).filter { known[$0] == nil }
                valid.removeAll { known[$0.email] == nil }
            }
            try store.mergeUsers(
                valid.map { subscriber in
                    var update = subscriber.dataFields
                    update["email"] = .string(subscriber.email)
                    return update
                }, mergeNestedObjects: false)
            try store.addToList(list, emails: valid.map(\.email))
        } else {
            try store.removeFromList(list, emails: valid.map(\.email))
        }
        let failed = invalid.count + notFound.count
        return Self.json(
            [
                "successCount": .int(valid.count), "failCount": .int(failed), "invalidEmails": .array(invalid),
                "notFoundEmails": .array(notFound.map(JSONValue.string)),
            ], status: .ok)
    }

    /// Runs `handle` on the request's JSON object body, or answers 400 saying why it is not one.
    static func withBody(_ request: Request, _ handle: (JSONObject) throws -> Response) async throws -> Response {
        switch await object(of: request) {
        case .failure(let error): return error.response
        case .success(let object): return try handle(object)
        }
    }

    /// The request body as a JSON object, or the 400 answer that says why it is not one.
    private static func object(of request: Request) async -> Result<JSONObject, AnswerError> {
        guard let buffer = try? await request.body.collect(upTo: maximumBodyBytes) else {
            return .failure(AnswerError(answer(.contentTooLarge, code: "InvalidJsonBody", message: "body over 1 MiB")))
        }
        let text = String(buffer: buffer)
        do {
            guard let object = try JSONValue.parse(text).objectValue else {
                return .failure(AnswerError(answer(.badRequest, code: "InvalidJsonBody", message: "expected a JSON object")))
            }
            return .success(object)
        } catch {
            return .failure(AnswerError(answer(.badRequest, code: "InvalidJsonBody", message: "\(error)")))
        }
    }

    /// An error answer carried through `Result`.
    struct AnswerError: Error {
        var response: Response
        init(_ response: Response) { self.response = response }
    }

    static func answer(
        _ status: HTTPResponse.Status, code: String, message: String = "", params: JSONObject? = nil
    ) -> Response {
        json(
            ["msg": .string(message), "code": .string(code), "params": params.map(JSONValue.object) ?? .null],
            status: status)
    }

    private static func json(_ body: JSONValue, status: HTTPResponse.Status) -> Response {
        Response(
            status: status, headers: [.contentType: "application/json"],
            body: .init(byteBuffer: ByteBuffer(string: body.jsonText)))
    }
}
