import Yams

/// A literal secret in a definition: which value holds it and, for a URL, which part.
struct SecretSite {
    /// Where it sits, as the user would name it: `auth.password`, `headers.Authorization`,
    /// `url?api_key`, `url password`.
    var field: String
    /// The scalar that holds it.
    var node: Node
    /// The secret's range within the scalar's value; nil for the whole value.
    var part: Range<String.Index>?
}

/// Finds the literal secrets in a webhook or system webhook file (delivery.md §8.9).
///
/// Secrets are the `auth` credentials (`username`, `password`, `token`, `clientSecret`),
/// `signing.secret`, the values of credential headers, and, in `url`, `endpoint` and
/// `auth.tokenUrl`, the values of credential query parameters and a user-info password. Header
/// and parameter names follow ``CredentialNames``; ``LiteralSecretRule`` tells literal values
/// from `{{secret.name}}` references, which are left alone.
enum LiteralSecretFinder {
    static let authKeys = ["username", "password", "token", "clientSecret"]

    /// The literal secrets under `root`, in no particular order.
    static func sites(in root: Node, kind: DefinitionFileKind) -> [SecretSite] {
        guard let urlKey = kind.urlKey, let definition = root.mapping else { return [] }
        var sites = urlSites(value(urlKey, in: definition), field: urlKey)
        if let auth = value("auth", in: definition)?.mapping {
            for key in authKeys {
                sites += wholeSite(value(key, in: auth), field: "auth.\(key)")
            }
            sites += urlSites(value("tokenUrl", in: auth), field: "auth.tokenUrl")
        }
        if let headers = value("headers", in: definition)?.mapping {
            for (key, header) in headers {
                guard let name = key.scalar?.string, CredentialNames.isCredentialHeader(name) else { continue }
                sites += wholeSite(header, field: "headers.\(name)")
            }
        }
        if let signing = value("signing", in: definition)?.mapping {
            sites += wholeSite(value("secret", in: signing), field: "signing.secret")
        }
        return sites
    }

    /// The value of `key`, compared as text the way the loader compares keys.
    static func value(_ key: String, in mapping: Node.Mapping) -> Node? {
        mapping.first { $0.key.scalar?.string == key }?.value
    }

    private static func wholeSite(_ node: Node?, field: String) -> [SecretSite] {
        guard let node, let text = node.scalar?.string, LiteralSecretRule.isLiteral(text) else { return [] }
        return [SecretSite(field: field, node: node, part: nil)]
    }

    private static func urlSites(_ node: Node?, field: String) -> [SecretSite] {
        guard let node, let url = node.scalar?.string else { return [] }
        return URLTemplateParts(url).literalSecrets(in: url).map { secret in
            SecretSite(field: secret.part.map { "\(field)?\($0)" } ?? "\(field) password", node: node, part: secret.range)
        }
    }
}

extension LiteralSecretFinder {
    /// The literal secrets of a file that does not parse, found line by line, so that the
    /// editor can open it to fix the syntax without showing one: the values of credential keys
    /// (`password: …`, `Authorization: …`, in block or flow style) and of credential query
    /// parameters. A value holding a `{{…}}` reference is left alone.
    static func unparsedSites(in source: String) -> [SecretMarkers.Hidden] {
        var hidden: [SecretMarkers.Hidden] = []
        for line in source.split(separator: "\n", omittingEmptySubsequences: false) {
            for match in line.matches(of: #/(?<key>[A-Za-z][A-Za-z0-9_-]*)["']?\s*:\s+(?<value>"[^"]*"|'[^']*'|[^,{}#\s][^,{}#]*)/#) {
                let key = String(match.key)
                guard authKeys.contains(key) || key == "secret" || CredentialNames.isCredentialHeader(key) else { continue }
                var value = match.value
                while value.last == " " || value.last == "\t" { value = value.dropLast() }
                guard !value.contains("{{"), !value.isEmpty else { continue }
                hidden.append(SecretMarkers.Hidden(range: value.startIndex..<value.endIndex, field: key, value: String(value)))
            }
            for match in line.matches(of: #/[?&](?<name>[A-Za-z0-9_%]+)=(?<value>[^&#\s"']+)/#)
            where CredentialNames.isSecretQueryParameter(String(match.name)) && !match.value.contains("{{") {
                hidden.append(
                    SecretMarkers.Hidden(
                        range: match.value.startIndex..<match.value.endIndex, field: "?\(match.name)", value: String(match.value)))
            }
        }
        return hidden
    }
}
