/// Warns about secrets that webhooks read but the secret store lacks: such a webhook's requests
/// are not sent (the attempt fails naming the secret), so `validate` says so beforehand.
///
/// A warning, not an error: a new workspace names its secrets before anyone has set them.
public enum SecretUsageCheck {
    /// One warning per missing secret and file, where the file first names it.
    /// - Parameters:
    ///   - webhooks: Each webhook with the path of its file.
    ///   - known: The names the secret store holds.
    ///   - read: The text of a workspace file by its relative path.
    public static func warnings(
        for webhooks: [(webhook: Webhook, path: String)], known: Set<String>, read: (String) -> String?
    ) -> [Diagnostic] {
        var warnings: [Diagnostic] = []
        for (webhook, path) in webhooks {
            let lines = read(path)?.split(separator: "\n", omittingEmptySubsequences: false) ?? []
            for name in webhook.secretNames where !known.contains(name) {
                var line = 1
                var column = 1
                if let index = lines.firstIndex(where: { $0.contains("secret.\(name)") }),
                    let range = lines[index].range(of: "secret.\(name)")
                {
                    line = index + 1
                    column = lines[index].distance(from: lines[index].startIndex, to: range.lowerBound) + 1
                }
                warnings.append(
                    Diagnostic(
                        path: path, line: line, column: column, severity: .warning,
                        message: "secret '\(name)' is not set, so this webhook's requests are not sent",
                        hint: "add it to .hookline/secrets.yaml or set HOOKLINE_SECRET_\(name)"))
            }
        }
        return warnings
    }
}
