import StudioModel

extension NetworkPolicy {
    /// The save-time check (delivery.md §8.8): every webhook and system-webhook URL this policy
    /// refuses, as an error at its `url:` or `endpoint:` line. Host names that pass are checked
    /// again, by address, before each attempt.
    /// - Parameter text: The text of a workspace file by relative path, to place each error;
    ///   nil places it at 1:1.
    public func saveTimeDiagnostics(for workspace: Workspace, text: (String) -> String?) -> [Diagnostic] {
        let targets =
            workspace.webhooks.map { (workspace.path(ofWebhook: $0.id), "url", $0.url) }
            + workspace.systemWebhooks.map { (workspace.path(ofSystemWebhook: $0.id), "endpoint", $0.endpoint) }
        return targets.compactMap { path, key, url in
            guard let path, let violation = check(url: url).violation else { return nil }
            let (line, column) = text(path).map { Self.position(ofKey: key, in: $0) } ?? (1, 1)
            return Diagnostic(path: path, line: line, column: column, message: violation.message)
        }
    }

    /// Line and column of the value of a top-level `key:` in YAML text; (1, 1) when not found.
    static func position(ofKey key: String, in text: String) -> (Int, Int) {
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated()
        where line.hasPrefix(key + ":") {
            let value = line.dropFirst(key.count + 1).prefix { $0 == " " }
            return (index + 1, key.count + 2 + value.count)
        }
        return (1, 1)
    }
}
