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
    /// Who it is for, and the workflow step it was rendered as, if any.
    var origin: DeliveryClient.Origin
    /// The workspace's `hookline.yaml` settings: its network policy is the one `send` applies.
    var settings: WorkspaceSettings

    /// Loads the workspace and renders the target's webhook for its user, with its event file as
    /// trigger data and, given a workflow, as that workflow's step renders it.
    static func prepare(workspace options: WorkspaceOptions, _ target: WebhookRequestArguments) throws -> PreparedWebhookRequest {
        let webhookID = target.webhook
        let email = target.user
        try options.requireWorkspace()
        let workspace = WorkspaceLoader.load(from: options.root)
        // A webhook whose file does not load is left out of the workspace: its errors say more than "no webhook".
        let files = WorkspaceLoader.definitionExtensions.map { "/\(webhookID)\($0)" }
        let fileErrors = workspace.diagnostics.filter { $0.severity == .error && files.contains(where: $0.path.hasSuffix) }
        if report(fileErrors, root: options.root) {
            throw ExitCode.badInput
        }
        let webhook = try options.webhook(webhookID, in: workspace)
        let store = try options.openStore()
        let profile = try requireUser(email, in: store, storePath: options.storePath)
        var event = JSONObject()
        if let eventFile = target.event {
            let object = try readJSONObjectFile(eventFile)
            event = object["dataFields"]?.objectValue ?? object
        }
        var origin = DeliveryClient.Origin(webhookID: webhookID, userEmail: email)
        var journeyFields = JSONObject()
        if let workflowID = target.workflow {
            let workflow = try options.workflow(workflowID, in: workspace)
            let step = try target.step(of: workflow)
            journeyFields = JourneyFields.values(
                workflowID: workflow.id, workflowName: workflow.name, nodeID: step.id, eventName: workflow.start.eventName)
            origin.workflowID = workflow.id
            origin.nodeID = step.id
        }
        let secrets = try options.secrets()
        let context = TemplateContext(event: event, profile: profile, liveData: journeyFields, secrets: secrets)
        do {
            let rendered = try RequestBuilder().testRequest(
                webhook, in: workspace, context: context, secrets: secrets, email: email)
            return PreparedWebhookRequest(
                webhook: webhook, request: rendered.request, options: rendered.options, store: store, origin: origin,
                settings: workspace.settings)
        } catch {
            // Placed as `validate` places it: at the value of the key whose template failed.
            let path = workspace.path(ofWebhook: webhookID) ?? "webhooks/\(webhookID).yaml"
            let text = try? String(contentsOf: options.root.appendingPathComponent(path), encoding: .utf8)
            _ = report([error.diagnostic(path: path, text: text)], root: options.root)
            throw ExitCode.badInput
        }
    }
}

/// The profile of the user `email` names, given on the command line.
/// - Throws: The usage exit (64), after saying it is not in the store and which stored address
///   is nearest (``unknownName(_:_:in:known:total:adding:)``).
func requireUser(_ email: String, in store: any StateStore, storePath: String) throws -> JSONObject {
    guard let profile = try store.user(email: email) else {
        let candidates = try store.userEmails(after: nil, limit: userSuggestionScan)
        throw unknownName(
            "user", email, in: storePath, known: candidates, total: try store.userCount(),
            adding: "hookline users import FILE adds them")
    }
    return profile
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

    @Option(help: "Render it as this workflow's step that calls it: {{workflowName}}, {{workflowId}}, {{nodeId}} and {{eventName}} get the step's values, as in a journey.")
    var workflow: String?

    @Option(help: "With --workflow: the step, when more than one calls the webhook.")
    var step: String?

    func validate() throws {
        if step != nil, workflow == nil { throw ValidationError("--step needs --workflow: the workflow whose step it is.") }
    }

    /// The step of `workflow` that calls the webhook: the one ``step`` names, or its only one.
    /// - Throws: The usage exit (64), after one line on standard error saying which steps there
    ///   are: the command line is well formed, so no usage text follows (as ``unknownName(_:_:in:known:total:adding:)``).
    func step(of workflow: Workflow) throws -> WorkflowNode {
        let calling = workflow.nodes.filter { $0.kind.webhookID == webhook }
        let ids = calling.map(\.id).joined(separator: ", ")
        func refuse(_ message: String) -> ExitCode {
            printError("error: " + message)
            return .validationFailure
        }
        if let step {
            guard let node = calling.first(where: { $0.id == step }) else {
                throw refuse(
                    "workflow '\(workflow.id)' has no step '\(step)' that calls webhook '\(webhook)'"
                        + (calling.isEmpty ? "" : "; the steps that call it: \(ids)"))
            }
            return node
        }
        guard let only = calling.first, calling.count == 1 else {
            throw refuse(
                calling.isEmpty
                    ? "workflow '\(workflow.id)' has no step that calls webhook '\(webhook)'"
                    : "workflow '\(workflow.id)' calls webhook '\(webhook)' from \(calling.count) steps (\(ids)): pick one with --step")
        }
        return only
    }
}

/// How a request is printed.
enum RequestFormat: String, ExpressibleByArgument, CaseIterable {
    case http, curl, json
}
