import StudioModel

extension RequestBuilder {
    /// What every send of a webhook would refuse, found when its file is checked: a `retries:`
    /// list the schedule refuses (over 20 delays or 7 days) and a `signing:` secret that is no
    /// Standard Webhooks key. The functions that refuse them at send time decide here too.
    /// Warnings, too, for what a URL writes that is not sent as it reads (``urlWarnings``).
    /// A file that does not load has the parts it reads well checked too (``Workspace/webhookParts``).
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
        return workspace.webhookParts.flatMap { parts -> [Diagnostic] in
            var problems: [RequestBuildError] = []
            do throws(RequestBuildError) { _ = try Self.retryPolicy(retries: parts.retries) } catch {
                problems.append(error)
            }
            if let signing = parts.signing, let template = try? templates.template(signing.secret),
                template.referencedFields.isEmpty, template.secretNames.allSatisfy({ secrets[$0] != nil })
            {
                do throws(RequestBuildError) { _ = try signer(for: signing, context: context) } catch {
                    problems.append(error.masked(by: masker))
                }
            }
            let source = text(parts.path)
            let warnings = parts.url.map { urlWarnings($0, key: parts.urlKey, path: parts.path, text: text) } ?? []
            return problems.map { $0.diagnostic(path: parts.path, text: source) } + warnings
        }
    }

    /// What a URL says in its own text that is not sent as it reads: a fragment, which no HTTP
    /// request carries, and a path segment `.` or `..`, which servers and proxies resolve away.
    /// The same segments made by a merged value are refused when a request is built; these are
    /// the file's choice, so they are sent as written, with a warning.
    private func urlWarnings(_ source: String, key: String, path: String, text: (String) -> String?) -> [Diagnostic] {
        guard let template = try? templates.template(source),
            let traced = try? template.renderTracingMerges(TemplateContext(), mode: .urlPath)
        else { return [] }
        var warnings: [(message: String, hint: String)] = []
        if let hash = RequestTarget.fragmentStart(in: traced.text), !traced.merges.contains(where: { $0.range.contains(hash) }) {
            warnings.append(
                ("the \(key)'s fragment (from '#') is never sent: an HTTP request carries only the path and query",
                    "remove it; what it says can go into the query"))
        }
        for segment in RequestTarget.dotSegments(in: traced.text) where Self.merge(shaping: segment.range, among: traced.merges) == nil {
            let dots = segment.isParent ? "'..'" : "'.'"
            let resolved = segment.isParent ? "away with the segment before it" : "away"
            warnings.append(
                ("the \(key)'s path segment \(dots) is sent as written, but servers and proxies resolve it \(resolved) "
                    + "(RFC 3986 §5.2.4)", "write the path it stands for"))
        }
        guard !warnings.isEmpty else { return [] }
        let (line, column) = text(path).map { NetworkPolicy.position(ofKey: key, under: nil, in: $0) } ?? (1, 1)
        return warnings.map {
            Diagnostic(path: path, line: line, column: column, severity: .warning, message: $0.message, hint: $0.hint)
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
