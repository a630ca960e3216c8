/// Warns about secrets that webhooks read but the secret store lacks: such a webhook's requests
/// are not sent (the attempt fails naming the secret), so `validate` says so beforehand. Also
/// about secrets too short to be masked where a template writes them, and about secrets an
/// Update Profile step writes into user profiles.
///
/// A warning, not an error: a new workspace names its secrets before anyone has set them.
public enum SecretUsageCheck {
    /// One warning per secret a webhook or system webhook of `workspace` reads that `known` lacks
    /// or that is in `tooShort`, where its file first names it.
    /// - Parameters:
    ///   - known: The names the secret store holds.
    ///   - tooShort: Names whose values are too short to mask (``tooShortToMask(_:)``).
    ///   - read: The text of a workspace file by its relative path.
    public static func warnings(
        in workspace: Workspace, known: Set<String>, tooShort: Set<String> = [], read: (String) -> String?
    ) -> [Diagnostic] {
        let paths = workspace.sourcePaths
        let webhooks = workspace.webhooks.map { ($0, paths.webhooks[$0.id] ?? "webhooks/\($0.id).yaml") }
            + workspace.systemWebhooks.map { ($0.webhook, paths.systemWebhooks[$0.id] ?? "system-webhooks/\($0.id).yaml") }
        return warnings(for: webhooks, known: known, tooShort: tooShort, read: read)
            + profileWriteWarnings(in: workspace, read: read)
    }

    /// One warning per secret an Update Profile step writes into user profiles, where the Users
    /// screen, the ingest API's getByEmail and exports show it as it is: masking covers requests, not
    /// profiles. A secret only hashed (`{{hmacSHA256 email secret.key}}`) is not written out.
    static func profileWriteWarnings(in workspace: Workspace, read: (String) -> String?) -> [Diagnostic] {
        var warnings: [Diagnostic] = []
        for workflow in workspace.workflows {
            let path = workspace.path(ofWorkflow: workflow.id) ?? "workflows/\(workflow.id).yaml"
            let lines = read(path).map(YAMLFile.lines(of:)) ?? []
            for node in workflow.nodes {
                guard case .updateProfile(let fields) = node.kind else { continue }
                var names: [String] = []
                for update in fields {
                    guard case .string(let source) = update.value, let template = try? Template(parsing: source) else { continue }
                    for name in template.secretNamesWrittenOut where !names.contains(name) { names.append(name) }
                }
                for name in names {
                    let (line, column) =
                        firstUse(of: name, in: lines, from: node.location?.line ?? 1)
                        ?? (node.location?.line ?? 0, node.location?.column ?? 0)
                    warnings.append(
                        Diagnostic(
                            path: path, line: line, column: column, severity: .warning,
                            message: "step '\(node.id)' writes secret '\(name)' into user profiles, where the Users screen, the ingest API's getByEmail and exports show it unmasked",
                            hint: "secrets belong in webhook requests; to keep a value made from one, hash it: {{hmacSHA256 email secret.\(name)}}"))
                }
            }
        }
        return warnings
    }

    /// The names of `secrets` whose values the masker leaves alone: it masks values from
    /// ``SecretMasker/shortestMaskedValue`` characters, so that `yes` does not hide every "yes".
    public static func tooShortToMask(_ secrets: [String: String]) -> Set<String> {
        Set(secrets.filter { !$0.value.isEmpty && $0.value.count < SecretMasker.shortestMaskedValue }.keys)
    }

    /// One warning per missing or too short secret and file, where the file first names it.
    /// - Parameters:
    ///   - webhooks: Each webhook with the path of its file.
    ///   - known: The names the secret store holds.
    ///   - tooShort: Names whose values are too short to mask.
    ///   - read: The text of a workspace file by its relative path.
    static func warnings(
        for webhooks: [(webhook: Webhook, path: String)], known: Set<String>, tooShort: Set<String> = [],
        read: (String) -> String?
    ) -> [Diagnostic] {
        var warnings: [Diagnostic] = []
        for (webhook, path) in webhooks {
            let lines = read(path).map(YAMLFile.lines(of:)) ?? []
            for name in webhook.secretNames where !known.contains(name) || tooShort.contains(name) {
                let (line, column) = firstUse(of: name, in: lines) ?? (1, 1)
                let (message, hint) =
                    known.contains(name)
                    ? ("secret '\(name)' is shorter than \(SecretMasker.shortestMaskedValue) characters, so it is not masked where a template writes it",
                        "only credential headers such as Authorization hide it; use a longer value")
                    : ("secret '\(name)' is not set, so this webhook's requests are not sent",
                        "add it to .hookline/secrets.yaml or set HOOKLINE_SECRET_\(name)")
                warnings.append(
                    Diagnostic(path: path, line: line, column: column, severity: .warning, message: message, hint: hint))
            }
        }
        return warnings
    }

    /// The 1-based line and column where `secret.NAME` is first written, from line `first` on.
    private static func firstUse(of name: String, in lines: [Substring], from first: Int = 1) -> (line: Int, column: Int)? {
        for (index, text) in lines.enumerated().dropFirst(max(0, first - 1)) {
            guard let found = use(of: name, in: text) else { continue }
            return (index + 1, text.distance(from: text.startIndex, to: found) + 1)
        }
        return nil
    }

    /// Where `secret.NAME` starts in `line`, not counting a longer name (`secret.api` is not in
    /// `secret.api_key`).
    private static func use(of name: String, in line: Substring) -> String.Index? {
        let written = "secret." + name
        var rest = line[...]
        while let range = rest.range(of: written) {
            let next = rest[range.upperBound...].first
            if next.map({ !($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-") }) ?? true { return range.lowerBound }
            rest = rest[range.upperBound...]
        }
        return nil
    }
}
