import Yams

/// What `n` in the studio starts a new definition from: commented YAML that loads as it is and
/// shows the fields to fill in. The file is named after the `id:` the user gives it.
public enum DefinitionSkeleton {
    /// The folder a new definition of each kind goes to, with its skeleton.
    public enum Kind: String, Sendable, Hashable {
        case workflow
        case webhook
        case systemWebhook = "system webhook"

        /// The draft's name while a new one is being written: `workflow`, `webhook`, `system-webhook`.
        public var draftName: String { rawValue.replacingOccurrences(of: " ", with: "-") }

        /// `workflows`, `webhooks` or `system-webhooks`.
        public var folder: String {
            switch self {
            case .workflow: "workflows"
            case .webhook: "webhooks"
            case .systemWebhook: "system-webhooks"
            }
        }

        public var skeleton: String {
            switch self {
            case .workflow: DefinitionSkeleton.workflow
            case .webhook: DefinitionSkeleton.webhook
            case .systemWebhook: DefinitionSkeleton.systemWebhook
            }
        }
    }

    public static let workflow = """
        # A new workflow: give it an id (the file becomes workflows/<id>.yaml), a start and steps,
        # then save and quit. Quitting without a change creates nothing.
        id: new-workflow
        name: New workflow
        enabled: false
        start: {kind: manual}          # event (+ event: NAME) | api | list (+ list: NAME) | manual
        nodes:
          - id: done
            type: exit                   # callWebhook updateProfileWebhook delay yesNo abSplit attributeSplit updateProfile addToList removeFromList sendEmail sendSMS sendPush exit

        """

    public static let webhook = """
        # A new webhook: give it an id (the file becomes webhooks/<id>.yaml), then save and quit.
        # Quitting without a change creates nothing. Secrets go in .hookline/secrets.yaml, used
        # here as {{secret.name}}.
        id: new-webhook
        name: New webhook
        method: POST                     # GET POST PUT PATCH DELETE
        url: "https://api.example.com/v1/hook"   # templates only in the path and query
        auth: {type: none}               # none | basic | bearer | oauth2cc
        headers:
          X-Campaign: "{{workflowName}}"
        body:
          type: json                     # json | form | raw | none
          template: |
            {"email": "{{email}}", "firstName": "{{firstName}}"}
        timeout: 10s

        """

    public static let systemWebhook = """
        # A new system webhook: give it an id (the file becomes system-webhooks/<id>.yaml), then
        # save and quit. Quitting without a change creates nothing. Hookline POSTs each message
        # event listed here as JSON {email, eventName, dataFields}; it starts disabled.
        id: new-system-webhook
        endpoint: "https://api.example.com/v1/events"
        enabled: false
        auth: {type: none}               # none | basic | bearer | oauth2cc
        events: [emailSend]              # emailSend emailOpen emailClick emailBounce smsSend pushSend …
        triggeredSends: true             # sends from workflows
        blastSends: true                 # sends from campaigns

        """

    /// The top-level `id:` of a definition's text; nil when there is none or the text is not YAML.
    public static func id(in text: String) -> String? {
        guard let root = try? YAMLAliasExpansion.compose(text), let mapping = root.mapping,
            let id = mapping["id"]?.scalar?.string.trimmingCharacters(in: .whitespaces), !id.isEmpty
        else { return nil }
        return id
    }

    /// Whether `id` can name a file: letters of any script (with their combining marks), digits,
    /// `-`, `_` and `.`, not starting with a dot. `wh-日本` and `résumé` are ids; `Bad Id!` is not.
    public static func isFileName(_ id: String) -> Bool {
        !id.isEmpty && !id.hasPrefix(".")
            && id.unicodeScalars.allSatisfy { scalar in
                switch scalar.properties.generalCategory {
                case .decimalNumber, .nonspacingMark, .spacingMark: true
                default: scalar.properties.isAlphabetic || "-_.".unicodeScalars.contains(scalar)
                }
            }
    }
}
