import Yams

/// Delivery.md §9 row 48: editing an endpoint's host while masked secrets are kept refuses
/// the save until they are re-entered, so a kept secret is never sent to a host it was not
/// written for. `{{secret.name}}` references may follow the host: the secret store decides.
extension DefinitionEdit {
    /// The URL keys whose origin decides where kept secrets go: `url` or `endpoint`, then the
    /// OAuth token URL that receives `auth.clientSecret`.
    static func destinationFields(for kind: DefinitionFileKind) -> [String] {
        guard let urlKey = kind.urlKey else { return [] }
        return [urlKey, "auth.tokenUrl"]
    }

    /// Each destination field's URL text, where the file has one.
    static func destinations(in root: Node, kind: DefinitionFileKind) -> [String: String] {
        guard let definition = root.mapping else { return [:] }
        var urls: [String: String] = [:]
        for field in destinationFields(for: kind) {
            var mapping = definition
            var key = field
            if field.hasPrefix("auth.") {
                guard let auth = LiteralSecretFinder.value("auth", in: definition)?.mapping else { continue }
                mapping = auth
                key = String(field.dropFirst("auth.".count))
            }
            if let url = LiteralSecretFinder.value(key, in: mapping)?.scalar?.string { urls[field] = url }
        }
        return urls
    }

    /// ``destinations(in:kind:)`` of a file that does not parse, read line by line: the first
    /// `url: …` (`endpoint`, `tokenUrl`) written as a key (at the start of a line, or after `{`
    /// or `,`; not in a comment, not the end of `base_url`), unquoted.
    static func unparsedDestinations(in source: String, kind: DefinitionFileKind) -> [String: String] {
        var urls: [String: String] = [:]
        let lines = LiteralSecretFinder.lineRanges(of: source).map { source[$0] }.filter {
            $0.drop { $0 == " " || $0 == "\t" }.first != "#"
        }
        for field in destinationFields(for: kind) {
            let key = field.split(separator: ".").last.map(String.init) ?? field
            for line in lines {
                let pairs = line.matches(
                    of: #/(?:^|[{,])[ \t]*(?:-[ \t]+)?(?<key>[A-Za-z]+)[ \t]*:[ \t]*(?:"(?<double>[^"]*)"|'(?<single>[^']*)'|(?<bare>[^,{}#\s]+))/#)
                guard let match = pairs.first(where: { $0.key == key }) else { continue }
                urls[field] = String(match.double ?? match.single ?? match.bare ?? "")
                break
            }
        }
        return urls
    }

    /// The refusal message when a destination's origin changed while markers are kept; nil
    /// when the save may go on (a file that does not parse is left to the loader to report).
    ///
    /// A URL whose origin cannot be read counts as a change from one that can, and a URL that
    /// was not there before counts as a change.
    func hostChangeRefusal(_ restored: SecretMarkers.Restored) -> String? {
        guard !restored.kept.isEmpty, let root = try? YAMLAliasExpansion.compose(restored.text) else { return nil }
        let now = Self.destinations(in: root, kind: kind)
        for field in Self.destinationFields(for: kind) {
            guard let newURL = now[field] else { continue }
            let oldURL = originalDestinations[field]
            let new = URLTemplateParts(newURL).origin
            let old = oldURL.flatMap { URLTemplateParts($0).origin }
            guard oldURL == nil || new != old else { continue }
            let subject = field == kind.urlKey ? "the host" : "the \(field) host"
            let change: String
            if let old, let new, old.scheme == new.scheme {
                change = "\(subject) changed from \(old.hostDescription) to \(new.hostDescription)"
            } else {
                let before = old?.description ?? (oldURL == nil ? "no URL" : "an unreadable URL")
                change = "\(subject) changed from \(before) to \(new?.description ?? "an unreadable URL")"
            }
            let secrets = restored.kept.compactMap { markers.secret(numbered: $0) }
            var fields: [String] = []
            for field in secrets.flatMap(\.fields) where !fields.contains(field) { fields.append(field) }
            let plural = fields.count > 1
            return "\(change) while \(Self.list(fields)) \(plural ? "are" : "is") kept: "
                + "re-enter \(plural ? "them" : "it") (replace \(secrets.map(\.marker).joined(separator: ", "))) "
                + "or change the host back"
        }
        return nil
    }

    /// `a`, `a and b`, `a, b and c`.
    private static func list(_ items: [String]) -> String {
        guard items.count > 1, let last = items.last else { return items.first ?? "" }
        return items.dropLast().joined(separator: ", ") + " and " + last
    }
}
