import StudioModel

extension RequestBuilder {
    /// What every send of a webhook would refuse, found when its file is checked: a `retries:`
    /// list the schedule refuses (over 20 delays or 7 days) and a `signing:` secret that is no
    /// Standard Webhooks key. The functions that refuse them at send time decide here too.
    ///
    /// A signing secret is checked when it reads only secrets that are set (a literal, or
    /// `{{secret.NAME}}`): one made from profile data is only known when a user's request is made.
    /// - Parameter text: The text of a workspace file by relative path, to place each error;
    ///   nil places it at 1:1.
    public func saveTimeDiagnostics(
        for workspace: Workspace, secrets: [String: String], text: (String) -> String?
    ) -> [Diagnostic] {
        let masker = SecretMasker(secretValues: Array(secrets.values))
        let context = TemplateContext().adding(secrets: secrets)
        return workspace.webhooks.flatMap { webhook -> [Diagnostic] in
            guard let path = workspace.path(ofWebhook: webhook.id) else { return [] }
            var problems: [RequestBuildError] = []
            do throws(RequestBuildError) { _ = try Self.retryPolicy(for: webhook) } catch {
                problems.append(error)
            }
            if let signing = webhook.signing, let template = try? templates.template(signing.secret),
                template.referencedFields.isEmpty, template.secretNames.allSatisfy({ secrets[$0] != nil })
            {
                do throws(RequestBuildError) { _ = try signer(for: webhook, context: context) } catch {
                    problems.append(error.masked(by: masker))
                }
            }
            let source = text(path)
            return problems.map { $0.diagnostic(path: path, text: source) }
        }
    }
}

extension RequestBuildError {
    /// This error in the webhook file at `path`, as `validate` and a test send report it: at the
    /// value of the key its ``part`` names (`auth.username` → `username:` under `auth:`,
    /// `body` → the body's `template:`, `body.NAME` → form field `NAME:`), with the part kept in
    /// the message.
    /// - Parameter text: The file's text; nil, or a file without that key, places it at 1:1 (at
    ///   the parent's line when only the key is missing).
    public func diagnostic(path: String, text: String?) -> Diagnostic {
        let (key, parent) = keyInFile
        let (line, column) = text.map { NetworkPolicy.position(ofKey: key, under: parent, in: $0) } ?? (1, 1)
        return Diagnostic(path: path, line: line, column: column, message: "\(self)")
    }

    /// The key that holds the part's template, and the top-level key it is under, if any.
    private var keyInFile: (key: String, parent: String?) {
        guard let dot = part.firstIndex(of: ".") else {
            // A JSON or raw body's text is its `template:`.
            return part == "body" ? ("template", "body") : (part, nil)
        }
        return (String(part[part.index(after: dot)...]), String(part[..<dot]))
    }
}
