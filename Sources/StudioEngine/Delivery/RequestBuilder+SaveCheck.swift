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
            var problems: [(key: String, parent: String?, error: RequestBuildError)] = []
            do throws(RequestBuildError) { _ = try Self.retryPolicy(for: webhook) } catch {
                problems.append(("retries", nil, error))
            }
            if let signing = webhook.signing, let template = try? templates.template(signing.secret),
                template.referencedFields.isEmpty, template.secretNames.allSatisfy({ secrets[$0] != nil })
            {
                do throws(RequestBuildError) { _ = try signer(for: webhook, context: context) } catch {
                    problems.append(("secret", "signing", error.masked(by: masker)))
                }
            }
            return problems.map { problem in
                let (line, column) =
                    text(path).map { NetworkPolicy.position(ofKey: problem.key, under: problem.parent, in: $0) } ?? (1, 1)
                return Diagnostic(path: path, line: line, column: column, message: "\(problem.error)")
            }
        }
    }
}
