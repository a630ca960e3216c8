import ArgumentParser
import Foundation
import StudioEngine
import StudioModel

/// What `preview` and `send` share: the webhook, the user and the rendered request.
struct PreparedWebhookRequest {
    var webhook: Webhook
    /// As rendered: an attempt signs it (and adds an OAuth2 token) when it is sent.
    var request: PreparedRequest
    var options: Deliverer.Options
    var store: SQLiteStateStore

    /// Loads the workspace and renders `webhookID` for the user `email`, with `eventFile` as trigger data.
    static func prepare(
        workspace options: WorkspaceOptions, webhookID: String, email: String, eventFile: String?
    ) throws -> PreparedWebhookRequest {
        try options.requireWorkspace()
        let workspace = WorkspaceLoader.load(from: options.root)
        // A webhook whose file does not load is left out of the workspace: its errors say more than "no webhook".
        let files = WorkspaceLoader.definitionExtensions.map { "/\(webhookID)\($0)" }
        let fileErrors = workspace.diagnostics.filter { $0.severity == .error && files.contains(where: $0.path.hasSuffix) }
        if report(fileErrors, root: options.root) {
            throw ExitCode.badInput
        }
        let webhook = try options.webhook(webhookID, in: workspace)
        let store = try SQLiteStateStore(path: options.storePath)
        guard let profile = try store.user(email: email) else {
            let candidates = try store.userEmails(after: nil, limit: userSuggestionScan)
            throw unknownName(
                "user", email, in: options.storePath, known: candidates, total: try store.userCount(),
                adding: "hookline users import FILE adds them")
        }
        var event = JSONObject()
        if let eventFile {
            let object = try readJSONObjectFile(eventFile)
            event = object["dataFields"]?.objectValue ?? object
        }
        let secrets = try options.secrets()
        let context = TemplateContext(event: event, profile: profile, secrets: secrets)
        do {
            let rendered = try RequestBuilder().testRequest(
                webhook, in: workspace, context: context, secrets: secrets, email: email)
            return PreparedWebhookRequest(
                webhook: webhook, request: rendered.request, options: rendered.options, store: store)
        } catch {
            printError("webhooks/\(webhookID).yaml: error: \(error.description)")
            throw ExitCode.badInput
        }
    }
}

/// The most stored addresses searched for one close to an unknown user's: a store of a million
/// users is not read whole to suggest a name.
private let userSuggestionScan = 10_000

/// The arguments `preview` and `send` share: which webhook, for whom.
struct WebhookRequestArguments: ParsableArguments {
    @Argument(help: "The webhook id (webhooks/<id>.yaml).")
    var webhook: String

    @Option(help: "The email address of a user in the store (any case: addresses are stored lowercase).",
        transform: EmailAddress.normalized)
    var user: String

    @Option(help: "A JSON file with the trigger event's data fields.", completion: .file())
    var event: String?
}

/// How a request is printed.
enum RequestFormat: String, ExpressibleByArgument, CaseIterable {
    case http, curl, json
}
