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
        guard let webhook = workspace.webhook(id: webhookID) else {
            let hint = nearestName(to: webhookID, in: workspace.webhooks.map(\.id)).map { " Did you mean '\($0)'?" } ?? ""
            throw ValidationError("No webhook '\(webhookID)' in \(options.root.path).\(hint)")
        }
        if report(workspace.diagnostics.filter { $0.severity == .error && $0.path.hasSuffix("/\(webhookID).yaml") }, root: options.root) {
            throw ExitCode.badInput
        }
        let store = try SQLiteStateStore(path: options.storePath)
        guard let profile = try store.user(email: email) else {
            throw ValidationError("No user '\(email)' in \(options.storePath); add the user first.")
        }
        var event = JSONObject()
        if let eventFile {
            let text = try readInputFile(eventFile)
            do {
                let value = try JSONValue.parse(text)
                event = value["dataFields"]?.objectValue ?? value.objectValue ?? JSONObject()
            } catch {
                printError("\(eventFile):\(error.line):\(error.column): error: \(error.message)")
                throw ExitCode.badInput
            }
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
