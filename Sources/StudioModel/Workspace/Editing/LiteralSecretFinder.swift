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
                guard let name = key.scalar?.string, let value = header.scalar?.string,
                    LiteralSecretRule.isLiteralHeader(name: name, value: value)
                else { continue }
                sites.append(SecretSite(field: "headers.\(name)", node: header, part: nil))
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
    /// The literal secrets of a file that does not parse, found line by line so that the editor
    /// can open it to fix the syntax without showing one. Generous on purpose: after a
    /// credential key (`password:`, `Authorization:`, in block or flow style) the rest of its
    /// line is hidden, and so are the more indented lines after it (a value written below its
    /// key); in `url`, `endpoint` and `tokenUrl`, a user-info password and credential query
    /// values. A value that is only `{{…}}` references is left alone.
    static func unparsedSites(in source: String) -> [SecretMarkers.Hidden] {
        var hidden: [SecretMarkers.Hidden] = []
        let lines = lineRanges(of: source)
        for (number, range) in lines.enumerated() {
            let line = source[range]
            let indent = line.prefix { $0 == " " || $0 == "\t" }.count
            guard line.dropFirst(indent).first != "#" else { continue }
            for match in line.matches(of: #/(?<key>[A-Za-z][A-Za-z0-9_-]*)["']?[ \t]*:(?=[ \t]|$)/#) {
                let key = String(match.key)
                var valueStart = match.range.upperBound
                while valueStart < line.endIndex, line[valueStart] == " " || line[valueStart] == "\t" {
                    valueStart = line.index(after: valueStart)
                }
                var value = line[valueStart...]
                while let last = value.last, last == " " || last == "\t" { value = value.dropLast() }
                if ["url", "endpoint", "tokenUrl"].contains(key) {
                    hidden += urlSecrets(in: value, field: key)
                    continue
                }
                guard authKeys.contains(key) || key == "secret" || CredentialNames.isCredentialHeader(key)
                    || CredentialNames.credentialSchemeLength(in: value.drop { $0 == "\"" || $0 == "'" }) != nil
                else { continue }
                if !value.isEmpty, LiteralSecretRule.isLiteral(String(value)) {
                    hidden.append(SecretMarkers.Hidden(range: value.startIndex..<value.endIndex, field: key, value: String(value)))
                }
                // A value below its key (`|`, `>`, or a plain scalar on the next lines).
                for next in lines[(number + 1)...] {
                    let text = source[next]
                    let nextIndent = text.prefix { $0 == " " || $0 == "\t" }.count
                    guard nextIndent > indent || text.allSatisfy({ $0 == " " || $0 == "\t" }) else { break }
                    let content = text.dropFirst(nextIndent)
                    guard !content.isEmpty else { continue }
                    hidden.append(SecretMarkers.Hidden(range: content.startIndex..<content.endIndex, field: key, value: String(content)))
                }
            }
        }
        return hidden
    }

    /// Each line of `source` without its line break (`\n` or `\r\n`, which Swift reads as one
    /// Character, so a split by Character would not see it).
    static func lineRanges(of source: String) -> [Range<String.Index>] {
        var ranges: [Range<String.Index>] = []
        let scalars = source.unicodeScalars
        var start = scalars.startIndex
        var index = scalars.startIndex
        while index < scalars.endIndex {
            if scalars[index] == "\n" {
                let end = index > start && scalars[scalars.index(before: index)] == "\r" ? scalars.index(before: index) : index
                ranges.append(start..<end)
                start = scalars.index(after: index)
            }
            index = scalars.index(after: index)
        }
        ranges.append(start..<scalars.endIndex)
        return ranges
    }

    /// The literal secrets of a URL written on one line (quoted or not), as the parsed path finds them.
    private static func urlSecrets(in value: Substring, field: String) -> [SecretMarkers.Hidden] {
        var text = value
        if let first = text.first, first == "\"" || first == "'", text.count >= 2, text.last == first {
            text = text.dropFirst().dropLast()
        }
        let url = String(text)
        let offset = value.base.utf8.distance(from: value.base.startIndex, to: text.startIndex)
        return URLTemplateParts(url).literalSecrets(in: url).map { secret in
            let lower = url.utf8.distance(from: url.startIndex, to: secret.range.lowerBound)
            let upper = url.utf8.distance(from: url.startIndex, to: secret.range.upperBound)
            let base = value.base.utf8
            let range = base.index(base.startIndex, offsetBy: offset + lower)..<base.index(base.startIndex, offsetBy: offset + upper)
            return SecretMarkers.Hidden(
                range: range, field: secret.part.map { "\(field)?\($0)" } ?? "\(field) password", value: String(url[secret.range]))
        }
    }
}
