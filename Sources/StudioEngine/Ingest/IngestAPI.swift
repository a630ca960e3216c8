import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdCore
import NIOCore
import NIOHTTP1
import NIOPosix
import StudioModel

/// The handlers behind ``IngestServer``: JSON in, executor calls, Iterable-shaped answers out.
///
/// Error codes are Iterable's: `BadApiKey` (401), `BadJsonBody` (a body that is not a JSON object,
/// or a field of the wrong JSON type), `BadParams` (a field missing or naming nothing),
/// `InvalidEmailAddressError`, `BatchTooLarge` (413) and `DatabaseError` (500: not stored, send it
/// again). Unknown routes answer the same shape with `NotFound`, 404; a route asked with a method
/// it does not take, `MethodNotAllowed`, 405 with `Allow`; a method no RFC defines, 501.
struct IngestAPI: RouterMiddleware {
    typealias Context = BasicRequestContext

    let executor: Executor
    let store: any StateStore
    /// The secret whose value requests must send; nil for none.
    let apiKeySecret: String?
    /// Whether the server listens on a loopback address only (``webRequestRefusal(_:loopbackOnly:)``).
    let loopbackOnly: Bool

    /// The key requests must send now: the secret as the executor last read it.
    private var apiKey: String? { apiKeySecret.flatMap { executor.secrets[$0] } }

    // A constant, valid field name.
    static let apiKeyField = HTTPField.Name("Api-Key")!

    /// Largest request body read. Connectors batch Iterable's bulk calls up to 4 MB (Tealium's
    /// Iterable connector does), so such a batch is taken whole; a larger body is answered 413.
    static let maximumBodyBytes = 4 << 20

    /// Each POST route and what it runs on the request's JSON object.
    var postRoutes: [(path: String, handle: @Sendable (JSONObject) throws -> Response)] {
        [
            ("/api/events/track", track),
            ("/api/events/trackBulk", trackBulk),
            ("/api/workflows/triggerWorkflow", triggerWorkflow),
            ("/api/users/update", updateUser),
            ("/api/users/bulkUpdate", bulkUpdateUsers),
            ("/api/lists/subscribe", { try changeList($0, subscribing: true) }),
            ("/api/lists/unsubscribe", { try changeList($0, subscribing: false) }),
        ]
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        if let refusal = Self.webRequestRefusal(request.head, loopbackOnly: loopbackOnly) {
            return Self.answer(.forbidden, code: "Forbidden", message: refusal)
        }
        guard authorizes(request.head) else {
            var response = Self.answer(
                .unauthorized, code: "BadApiKey", message: "Invalid API key: send the ingest_api_key secret in an Api-Key header")
            // RFC 9110 §15.5.2: a 401 "MUST send a WWW-Authenticate header field containing at least
            // one challenge"; the scheme names the header, as Kong's key-auth sends `Key realm="kong"`.
            response.headers[.wwwAuthenticate] = #"Api-Key realm="hookline""#
            return response
        }
        do {
            return try await next(request, context)
        } catch let error as HTTPError where error.status == .notFound {
            return unrouted(request)
        }
    }

    /// Whether a request may be taken: it carries the key, or no key is set, or it asks for
    /// `/health` or `OPTIONS *` (what the server takes, which reads and changes nothing). Read
    /// from the head alone, so that `Expect: 100-continue` is not answered to a request that will
    /// be refused.
    func authorizes(_ head: HTTPRequest) -> Bool {
        guard let apiKey else { return true }
        if head.method == .options, head.path == "*" { return true }
        let uri = URI(head.path ?? "")
        // An empty key (refused where secrets are read) would match an empty `Api-Key:` header:
        // fail closed rather than take it.
        return uri.path == "/health" || (!apiKey.isEmpty && Self.key(in: head.headerFields, uri: uri) == apiKey)
    }

    /// The key a request carries: its `Api-Key` header, else its `api_key` query parameter.
    private static func key(in headers: HTTPFields, uri: URI) -> String? {
        headers[apiKeyField] ?? uri.queryParameters["api_key"].map(String.init)
    }

    /// The methods RFC 9110 §9 and RFC 5789 define; another is one this server does not know.
    private static let knownMethods: Set<HTTPRequest.Method> = [
        .get, .head, .post, .put, .delete, .connect, .options, .trace, .patch,
    ]

    /// The answer to a request no route takes: 501 for a method no RFC defines (RFC 9110 §9.1);
    /// 405 with `Allow` for a route asked with a method it does not take (§15.5.6); for
    /// `OPTIONS *`, 204 with the methods the server takes (§9.3.7); else 404 listing the routes.
    private func unrouted(_ request: Request) -> Response {
        let path = Self.routedPath(request.uri.path)
        let paths = postRoutes.map(\.path)
        guard Self.knownMethods.contains(request.method) else {
            return Self.answer(
                .notImplemented, code: "NotImplemented",
                message: "\(request.method) is not a method this server knows; it takes POST, and GET or HEAD for /health and the user lookups")
        }
        let allowed: (methods: String, hint: String)
        switch path {
        case _ where paths.contains(path): allowed = ("POST", "send it as POST")
        case _ where Self.isGetRoute(path): allowed = ("GET, HEAD", "ask it with GET or HEAD")
        case "*" where request.method == .options:
            return Response(status: .noContent, headers: [.allow: "GET, HEAD, POST, OPTIONS"])
        default:
            return Self.answer(
                .notFound, code: "NotFound",
                message: "no route \(request.method) \(path); this server takes POST \(paths.joined(separator: ", ")), "
                    + "GET \(Self.userByEmailPath)?email=… and \(Self.usersPath)/{email}, and GET or HEAD /health")
        }
        var response = Self.answer(
            .methodNotAllowed, code: "MethodNotAllowed", message: "\(request.method) \(path) is not supported; \(allowed.hint)")
        response.headers[.allow] = allowed.methods
        return response
    }

    /// Where Iterable's user calls live: `users/update` and the others under it, and
    /// `users/{email}` (the address, percent-encoded, as the last segment).
    static let usersPath = "/api/users"
    /// users/getByEmail, which names the user in its `email` query parameter.
    static let userByEmailPath = usersPath + "/getByEmail"

    /// Whether `path` (as ``routedPath(_:)`` gives it) is a route GET and HEAD take: `/health`,
    /// users/getByEmail, or users/{email}. A POST route under `/api/users` is one too here, so a
    /// caller asks about POST routes first.
    static func isGetRoute(_ path: String) -> Bool {
        guard path != "/health" else { return true }
        let segments = path.split(separator: "/")
        return segments.count == 3 && segments[0] == "api" && segments[1] == "users"
    }

    /// `path` as the router matches it: its segments without the empty ones, so `/api//users/`
    /// is `/api/users`; `*` (`OPTIONS *`) as it is.
    static func routedPath(_ path: String) -> String {
        guard path != "*" else { return path }
        return "/" + path.split(separator: "/").joined(separator: "/")
    }

    /// Whether a request's body is read: a POST to a route that takes one, sent uncompressed.
    /// Any other request is answered from its head alone (404, 405, 415, 501, or a lookup's
    /// answer), so `Expect: 100-continue` is not answered with a `100 Continue` that would have
    /// the client send a body for nothing. Read from the head alone.
    func readsBody(_ head: HTTPRequest) -> Bool {
        guard head.method == .post, Self.encodingRefusal(head.headerFields) == nil else { return false }
        let path = Self.routedPath(URI(head.path ?? "").path)
        return postRoutes.contains { $0.path == path }
    }

    /// Records the event; the answer's `params.id` is its id, the one given or a new one, which a
    /// client sends again with a retry so that it starts nothing twice.
    func track(_ body: JSONObject) throws -> Response {
        let event: TrackedEvent
        do { event = try self.event(from: body) } catch { return error.response }
        do { try executor.track(event) } catch let conflict as EventFieldTypeConflict {
            return Self.answer(.badRequest, code: "BadParams", message: conflict.description)
        }
        return Self.answer(.ok, code: "Success", params: ["id": .string(event.id ?? "")])
    }

    /// Records every event, as Iterable's trackBulk does: an event whose user cannot be named is
    /// counted in `failedUpdates` and the others are recorded; an event that is malformed
    /// (no `eventName`, a field of the wrong JSON type) refuses the whole request, naming its
    /// index, so that nothing is stored from a batch the client must fix and send again. The
    /// events are stored in one transaction: all of them, or none.
    func trackBulk(_ body: JSONObject) throws -> Response {
        let items: [JSONValue]
        do throws(Refusal) {
            guard let given = try Self.field("events", in: body, mustBe: "an array of events", as: \.arrayValue) else {
                throw .badParams("events must be an array of events")
            }
            items = given
        } catch { return error.response }
        var events: [TrackedEvent] = []
        var invalidEmails: [String] = []
        var unknownUserIDs: [String] = []
        for (index, item) in items.enumerated() {
            guard let fields = item.objectValue else {
                return Self.answer(.badRequest, code: "BadJsonBody", message: "events[\(index)] must be a JSON object")
            }
            do { events.append(try event(from: fields)) } catch {
                switch error {
                case .invalidEmail(let email): invalidEmails.append(email)
                case .userIDOnly(let userID): unknownUserIDs.append(userID)
                default: return Self.answer(.badRequest, code: error.code, message: "events[\(index)]: \(error.message)")
                }
            }
        }
        do { try executor.track(events) } catch let conflict as EventFieldTypeConflict {
            return Self.answer(
                .badRequest, code: "BadParams",
                message: "none of the \(events.count) events was stored: \(conflict.description)")
        } catch {
            return Self.answer(
                .internalServerError, code: "DatabaseError",
                message: "none of the \(events.count) events was stored: \(error); send the request again")
        }
        return Self.bulkCounts(
            succeeded: events.count,
            failed: [("invalidEmails", invalidEmails), ("invalidUserIds", []), ("notFoundEmails", []),
                ("notFoundUserIds", unknownUserIDs)],
            extra: [
                // Iterable's deprecated copies of failedUpdates' invalid lists, still read by older
                // clients: a userId alone names no user here, which is not found, not invalid.
                ("invalidEmails", .array(invalidEmails.map(JSONValue.string))),
                ("invalidUserIds", []),
                ("disallowedEventNames", []),
            ])
    }

    /// The event a track request describes.
    /// - Throws: ``Refusal``, saying why it describes none.
    private func event(from body: JSONObject) throws(Refusal) -> TrackedEvent {
        let email = try Self.recipient(in: body)
        guard let name = try Self.field("eventName", in: body, mustBe: "a string", as: \.stringValue), !name.isEmpty else {
            throw .badParams("eventName is required")
        }
        return TrackedEvent(
            email: email, name: name, dataFields: try Self.dataFields(of: body), createdAt: try Self.createdAt(of: body),
            id: try Self.eventID(in: body) ?? Self.newEventID())
    }

    /// The address a request names in `email`, lowercase as `users import` stores them.
    /// - Throws: ``Refusal``, saying why it names none.
    static func recipient(in body: JSONObject) throws(Refusal) -> String {
        let given = try field("email", in: body, mustBe: "a string", as: \.stringValue) ?? ""
        if EmailAddress.isValid(given) { return EmailAddress.normalized(given) }
        if !given.isEmpty { throw .invalidEmail(given) }
        if let userID = try identifier("userId", in: body) { throw .userIDOnly(userID) }
        throw .missingEmail
    }

    /// Why `dataFields` cannot be written to a profile by an API call: a reserved top-level field
    /// (``ProfileMerge/reservedFieldProblem(in:)``), or a name, at any depth, that is empty, dotted
    /// or holds a control character (``fieldNameProblem(in:)``).
    static func profileFieldProblem(in dataFields: JSONObject) -> String? {
        ProfileMerge.reservedFieldProblem(in: dataFields) ?? fieldNameProblem(in: dataFields)
    }

    /// The boolean in `key` (`mergeNestedObjects`, `createNewFields`, …); nil when it is missing
    /// or null.
    /// - Throws: ``Refusal/badParams(_:)`` naming the field when it is anything else (`"yes"`, 1),
    ///   as Iterable's typed API does: taking it as false would do what the client did not ask.
    static func flag(_ key: String, in body: JSONObject) throws(Refusal) -> Bool? {
        guard let value = body[key], value != .null else { return nil }
        guard case .bool(let flag) = value else {
            throw .badParams("\(key) must be true or false, not \(value.jsonText)")
        }
        return flag
    }

    /// The `dataFields` of a request: its object, or an empty one when it is missing or null.
    /// - Throws: ``Refusal/wrongType(_:)`` when it is something else (`"dataFields": "str"`).
    static func dataFields(of body: JSONObject) throws(Refusal) -> JSONObject {
        try field("dataFields", in: body, mustBe: "a JSON object", as: \.objectValue) ?? JSONObject()
    }

    /// `createdAt` as Iterable takes it, in seconds since 1970; now when it is missing or null.
    /// - Throws: ``Refusal`` when it is not a number, or no time the store can keep (a
    ///   millisecond timestamp among them).
    private static func createdAt(of body: JSONObject) throws(Refusal) -> Date {
        guard let value = body["createdAt"], value != .null else { return Date() }
        guard let seconds = value.doubleValue else {
            throw .wrongType("createdAt must be a number: seconds since 1970 (Unix time)")
        }
        guard createdAtSeconds.contains(seconds) else {
            var problem = "createdAt must be seconds since 1970 (Unix time), from 0 to \(Int(createdAtSeconds.upperBound))"
            // A millisecond timestamp of this century; a few seconds past the range is no such thing.
            if createdAtSeconds.contains(seconds / 1000), seconds / 1000 >= Self.millisecondsHintFloor {
                problem += "; \(value.displayText) looks like milliseconds: send \(JSONValue.double(seconds / 1000).displayText)"
            }
            throw .badParams(problem)
        }
        return Date(timeIntervalSince1970: seconds)
    }

    /// A `createdAt` that, read as milliseconds, falls after 2001-09-09 is taken for milliseconds
    /// sent by mistake: the advice to divide it by 1000 is given only then.
    static let millisecondsHintFloor: Double = 1_000_000_000

    /// The `createdAt` the store can keep: 1970 to the last second of 9999.
    static let createdAtSeconds: ClosedRange<Double> = Date.storableSeconds.lowerBound...(Date.storableSeconds.upperBound - 1)

    /// An event id for an event tracked without one: 32 hexadecimal digits, as Iterable's.
    static func newEventID() -> String {
        UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
    }

    /// The id in `key`, as Iterable sends it (a number) or as a workspace names it (text); nil when
    /// it is missing, null or empty.
    /// - Throws: ``Refusal/wrongType(_:)`` when it is neither.
    /// An event's `id`, of at most 512 characters, as Iterable's API clients hold it to; nil when missing.
    private static func eventID(in body: JSONObject) throws(Refusal) -> String? {
        guard let id = try identifier("id", in: body) else { return nil }
        guard id.count <= 512 else { throw .badParams("id must be at most 512 characters, found \(id.count)") }
        return id
    }

    static func identifier(_ key: String, in body: JSONObject) throws(Refusal) -> String? {
        let id = try field(key, in: body, mustBe: "text or a whole number") { value in
            switch value {
            case .string(let id): id
            case .int(let number): String(number)
            // `123.0` is the number 123 (JSON has one number type); `42.5` names nothing.
            case .double(let number) where number.rounded() == number && abs(number) < 9.0e15: String(Int(number))
            default: nil
            }
        }
        guard let id, !id.isEmpty else { return nil }
        return id
    }

    /// The value of `key` as `read` takes it; nil when the field is missing or null.
    /// - Throws: ``Refusal/wrongType(_:)``, saying the field must be `type`, when `read` cannot
    ///   take the value: a field of the wrong JSON type is not a missing one.
    static func field<Value>(
        _ key: String, in body: JSONObject, mustBe type: String, as read: (JSONValue) -> Value?
    ) throws(Refusal) -> Value? {
        guard let value = body[key], value != .null else { return nil }
        guard let taken = read(value) else { throw .wrongType("\(key) must be \(type)") }
        return taken
    }

    /// Runs `handle` on the request's JSON object body, or answers saying why it is not one; a
    /// store error is answered 500 `DatabaseError` (nothing was accepted: send it again).
    ///
    /// `handle` runs on SwiftNIO's thread pool for blocking work: its SQLite writes block the
    /// thread (for up to the store's busy timeout while another process writes), which must not
    /// be one of Swift's few cooperative threads that the executor's deliveries and the server's
    /// other requests run on. (A Dispatch queue would not do: on Linux the cooperative threads
    /// are Dispatch's.)
    ///
    /// The body stays counted in `budget` until it is stored, and is parsed on that thread pool
    /// too: bodies read while the store's one writer is busy wait there as bytes within the
    /// budget, not as parsed trees outside it (QA: 60 clients resending 4 MiB `trackBulk`s on
    /// 503, as asked, took `serve` to 977 MiB). Large bodies go there one at a time (`lane`).
    static func withBody(
        _ request: Request, within budget: RequestBodyBudget, lane: LargeBodyLane,
        _ handle: @escaping @Sendable (JSONObject) throws -> Response
    ) async -> Response {
        let contentType = request.headers[.contentType]
        let read = await body(of: request, within: budget) { buffer in
            await lane.run(bodyBytes: buffer.readableBytes) {
                await answering {
                    switch object(in: buffer, contentType: contentType) {
                    case .failure(let answer): answer.response
                    case .success(let body): try handle(body)
                    }
                }
            }
        }
        switch read {
        case .failure(let answer): return answer.response
        case .success(let response): return response
        }
    }

    /// Runs `handle`, which reads or writes the store, on SwiftNIO's thread pool for blocking work
    /// (as ``withBody(_:_:)`` says why); a store error is answered 500 `DatabaseError`.
    static func answering(_ handle: @escaping @Sendable () throws -> Response) async -> Response {
        do {
            return try await NIOThreadPool.singleton.runIfActive { try handle() }
        } catch {
            return answer(.internalServerError, code: "DatabaseError", message: "not stored, send it again: \(error)")
        }
    }

    /// What `use` answers for the request's body, read within `budget` and counted in it while
    /// `use` runs, or the answer that says why the body was not read.
    private static func body(
        of request: Request, within budget: RequestBodyBudget, _ use: (ByteBuffer) async -> Response
    ) async -> Result<Response, AnswerError> {
        let tooLarge = AnswerError(
            answer(
                .contentTooLarge, code: "BatchTooLarge",
                message: "the body is over \(maximumBodyBytes >> 20) MiB; send fewer events or subscribers per request"))
        // A body its head declares too large is refused before it is sent (after `Expect: 100-continue`) or read.
        guard !request.headers.declaresBody(over: maximumBodyBytes) else { return .failure(tooLarge) }
        if let refusal = encodingRefusal(request.headers) { return .failure(AnswerError(refusal)) }
        do {
            guard let answered = try await budget.collect(request, upTo: maximumBodyBytes, whileHeld: use) else {
                var busy = answer(
                    .serviceUnavailable, code: "ServiceUnavailable",
                    message: "the server is reading too many large bodies at once; send it again in a moment")
                busy.headers[.retryAfter] = "\(RequestBodyBudget.retryAfterSeconds)"
                return .failure(AnswerError(busy))
            }
            return .success(answered)
        } catch is NIOTooManyBytesError {
            return .failure(tooLarge)
        } catch let error as HTTPParserError {
            // Broken chunked framing: RFC 9112 §7.1 makes it a bad request, not a large one, and
            // not a JSON one; what follows it on the connection cannot be read.
            var malformed = answer(
                .badRequest, code: "GenericError", message: "the chunked body is malformed: \(error.chunkedBodyExplanation)")
            malformed.headers[.connection] = "close"
            return .failure(AnswerError(malformed))
        } catch {
            return .failure(AnswerError(answer(.badRequest, code: "GenericError", message: "the body was not read whole: \(error)")))
        }
    }

    /// The body `buffer` as a JSON object, or the answer that says why it is not one.
    private static func object(in buffer: ByteBuffer, contentType: String?) -> Result<JSONObject, AnswerError> {
        // JSON is UTF-8 (RFC 8259 §8.1): bytes that are not would be stored as U+FFFD, changed.
        guard let text = String(validating: buffer.readableBytesView, as: UTF8.self) else {
            let at = InvalidUTF8.firstLocation(in: Data(buffer.readableBytesView)).map { "\($0.line):\($0.column)" } ?? "?"
            return .failure(
                AnswerError(answer(.badRequest, code: "BadJsonBody", message: "the body is not UTF-8 text, at \(at)")))
        }
        do {
            // A lone surrogate (`"\ud800"`) is no character: stored, it would become U+FFFD.
            guard let object = try JSONValue.parse(text, refusingLoneSurrogates: true).objectValue else {
                return .failure(AnswerError(answer(.badRequest, code: "BadJsonBody", message: "expected a JSON object")))
            }
            return .success(object)
        } catch {
            var message = "invalid JSON at \(error)"
            // `curl -d` sends a form unless told otherwise, which is the likely mistake here.
            if let type = contentType, !type.lowercased().contains("json") {
                message += "; the body was sent as \(type): send JSON with Content-Type: application/json"
            }
            return .failure(AnswerError(answer(.badRequest, code: "BadJsonBody", message: message)))
        }
    }

    /// The 415 for a body sent compressed, which is not inflated: it says so, instead of reading
    /// the bytes as JSON. Nil for a body sent as it is. Read from the head alone.
    static func encodingRefusal(_ headers: HTTPFields) -> Response? {
        guard let coding = headers[.contentEncoding], coding.lowercased() != "identity" else { return nil }
        var refusal = answer(
            .unsupportedMediaType, code: "BadJsonBody", message: "Content-Encoding \(coding) is not taken: send the body uncompressed")
        refusal.headers[.acceptEncoding] = "identity"
        return refusal
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

    /// Iterable's answer to a bulk or list call: the counts, `failedUpdates` with the addresses
    /// and ids that failed by reason, and the field lists it always sends.
    static func bulkCounts(
        succeeded: Int, failed: [(reason: String, values: [String])], extra: [(String, JSONValue)] = []
    ) -> Response {
        let failedUpdates = JSONObject(
            failed.map { reason, values -> (String, JSONValue) in (reason, .array(values.map(JSONValue.string))) })
        var body: JSONObject = [
            "successCount": .int(succeeded), "failCount": .int(failed.map(\.values.count).reduce(0, +)),
            "failedUpdates": .object(failedUpdates), "createdFields": [], "filteredOutFields": [],
        ]
        for (key, value) in extra { body[key] = value }
        return json(.object(body), status: .ok)
    }

    static func json(_ body: JSONValue, status: HTTPResponse.Status) -> Response {
        Response(
            status: status, headers: [.contentType: "application/json"],
            body: .init(byteBuffer: ByteBuffer(string: body.jsonText)))
    }
}
