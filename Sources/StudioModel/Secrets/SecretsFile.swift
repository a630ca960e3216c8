import Yams

/// A workspace's secrets file, `.hookline/secrets.yaml`: a flat mapping of secret names to values.
///
/// ```yaml
/// crm_token: tok_live_51H…
/// lob_key: "test_0123"
/// ```
///
/// Each value is taken as written: YAML would read `pin: 0123` as the number 83 and `flag: yes`
/// as true, but a secret is text, so they stay `0123` and `yes`.
public enum SecretsFile {
    /// Where the file lives, relative to the workspace root.
    public static let path = ".hookline/secrets.yaml"

    /// The secret `hookline serve` takes as the key its ingest API's requests must send; the one
    /// secret that may not be empty.
    public static let ingestAPIKey = "ingest_api_key"

    /// The secrets in `text`; an empty file has none.
    /// - Throws: ``SecretsFileError`` at the first problem: invalid YAML, a file that is not a
    ///   mapping, a value that is empty, a list or a mapping, an ``ingestAPIKey`` that is `""`.
    public static func parse(_ text: String) throws(SecretsFileError) -> [String: String] {
        let file = YAMLFile(path: path, source: text)
        let root = file.composeRoot()
        if let problem = file.diagnostics.first { throw SecretsFileError(diagnostic: problem) }
        guard let root, !root.isNullScalar else { return [:] }
        guard let mapping = root.mapping else {
            // A lone scalar is most likely a secret pasted without its name: not quoted.
            let found = root.scalar == nil ? root.kindDescription : "a single value"
            throw problem(in: file, at: root, "the secrets file must map names to values (name: value), not \(found)")
        }
        var secrets: [String: String] = [:]
        for (key, value) in mapping {
            guard let name = key.scalar?.string, !name.isEmpty else {
                throw problem(in: file, at: key, "a secret's name must be text, not \(key.kindDescription)")
            }
            guard !value.isNullScalar else {
                throw problem(in: file, at: key, "secret '\(name)' has no value", hint: "write it after '\(name): ', or remove the line")
            }
            guard let text = value.scalar?.string else {
                throw problem(in: file, at: value, "secret '\(name)' must be text, not \(value.kindDescription)")
            }
            // Other secrets may be empty (`''` is taken as written), but an empty ingest key would
            // let in a request whose Api-Key header is empty.
            guard !text.isEmpty || name != ingestAPIKey else {
                throw problem(
                    in: file, at: value, "secret '\(name)' is empty, and an empty key would let in an empty Api-Key header",
                    hint: "write the key, or remove the line to take requests without one")
            }
            secrets[name] = text
        }
        return secrets
    }

    private static func problem(in file: YAMLFile, at node: Node, _ message: String, hint: String? = nil) -> SecretsFileError {
        file.error(message, at: node, hint: hint)
        return SecretsFileError(diagnostic: file.diagnostics[file.diagnostics.count - 1])
    }
}

/// What is wrong with a secrets file, and where.
public struct SecretsFileError: Error, Sendable, Hashable, CustomStringConvertible {
    public var diagnostic: Diagnostic

    public init(diagnostic: Diagnostic) {
        self.diagnostic = diagnostic
    }

    public var description: String { diagnostic.description }
}
