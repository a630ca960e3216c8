import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import StudioModel

/// The ingest API of `hookline serve`, shaped like Iterable's (DESIGN §6):
///
/// - `POST /api/events/track` `{email, eventName, dataFields, createdAt}` records the event and
///   starts the workflows it triggers;
/// - `POST /api/events/trackBulk` `{events: [...]}` does the same for each;
/// - `POST /api/workflows/triggerWorkflow` `{workflowId, email, dataFields}` starts a workflow, or
///   with `listId` instead of `email`, starts it for every member of that list;
/// - `POST /api/users/update` `{email, dataFields, mergeNestedObjects}` merges into a profile;
/// - `POST /api/lists/subscribe` `{listId, subscribers: [{email, dataFields}], updateExistingUsersOnly}`
///   adds users to a static list (creating or updating their profiles), `POST /api/lists/unsubscribe`
///   `{listId, subscribers: [{email}]}` removes them;
/// - `POST /api/users/bulkUpdate` `{users: [{email, dataFields, mergeNestedObjects}], createNewFields}`
///   does users/update's merge for each user, counting those that fail;
/// - `GET /api/users/getByEmail?email=` and `GET /api/users/{email}` answer `{"user": {email, dataFields}}`,
///   or `{}` for an unknown user;
/// - `GET /health` answers 200; `HEAD` is answered wherever `GET` is.
///
/// Addresses are stored lowercase, as Iterable does: `A@Example.COM` and `a@example.com` are one user.
///
/// Answers are Iterable's `{"msg", "code", "params"}` with its codes (`BadParams`, `BadJsonBody`,
/// `InvalidEmailAddressError`, `BadApiKey`, …), and for the bulk and list calls its counts
/// `{"successCount", "failCount", "failedUpdates": {"invalidEmails", …}}`. When the secret named
/// `apiKeySecret` is set, requests must carry it in `Api-Key`, or in an `api_key` query parameter
/// as Iterable's older clients send it.
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
    ///   - apiKeySecret: The name of the engine's secret whose value requests must send in
    ///     `Api-Key` (or `?api_key=`). It is read on each request, so a secret the engine reads
    ///     again (``Engine/reloadSecrets(workspaceRoot:)``) applies at once; nil, or a secret that is
    ///     not set, accepts every request.
    ///   - timeouts: How long a client may keep a connection waiting. Default: nginx's.
    public static func start(
        engine: Engine, host: String = "127.0.0.1", port: Int, apiKeySecret: String? = nil,
        timeouts: ConnectionTimeouts = ConnectionTimeouts(), logger: Logger = Logger(label: "hookline.ingest")
    ) async throws -> IngestServer {
        let api = IngestAPI(
            executor: engine.executor, store: engine.store, apiKeySecret: apiKeySecret,
            loopbackOnly: IngestAPI.isLoopbackName(host))
        let router = Router(options: .autoGenerateHeadEndpoints)
        router.add(middleware: api)
        let budget = RequestBodyBudget()
        let lane = LargeBodyLane()
        for route in api.postRoutes {
            router.post(RouterPath(stringLiteral: route.path)) { request, _ in
                await IngestAPI.withBody(request, within: budget, lane: lane, route.handle)
            }
        }
        router.get("/health") { _, _ in IngestAPI.answer(.ok, code: "Success") }
        // users/getByEmail before users/{email}: a path both match is the lookup's.
        router.get(RouterPath(stringLiteral: IngestAPI.userByEmailPath)) { request, _ in
            await IngestAPI.answering { try api.user(email: request.uri.queryParameters["email"].map(String.init)) }
        }
        router.get(RouterPath(stringLiteral: IngestAPI.usersPath + "/:email")) { request, context in
            // The segment as sent, `%40` and all: an address may hold a `/` or `?`, encoded.
            let segment = context.parameters.get("email").map { $0.removingPercentEncoding ?? $0 }
            return await IngestAPI.answering { try api.user(email: segment) }
        }
        let server = try await RunningServer.start(logger: logger) { onServerRunning in
            Application(
                router: router,
                server: .hookline(
                    timeouts: timeouts, bodyLimit: IngestAPI.maximumBodyBytes, refusing: .iterableJSON,
                    accepts: { api.acceptsHead($0) }),
                configuration: .hookline(host: host, port: port, serverName: "hookline"),
                onServerRunning: onServerRunning, logger: logger)
        }
        return IngestServer(host: host, server: server)
    }

    /// Stops accepting requests and returns once those in progress are answered.
    public func shutdown() async {
        await server.shutdown()
    }
}
