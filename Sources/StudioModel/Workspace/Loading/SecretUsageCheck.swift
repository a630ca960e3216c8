/// Warns about secrets that webhooks read but the secret store lacks: such a webhook's requests
/// are not sent (the attempt fails naming the secret), so `validate` says so beforehand. Also
/// about secrets too short to be masked where a template writes them.
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
                var line = 1
                var column = 1
                for (index, text) in lines.enumerated() {
                    guard let found = Self.use(of: name, in: text) else { continue }
                    line = index + 1
                    column = text.distance(from: text.startIndex, to: found) + 1
                    break
                }
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
