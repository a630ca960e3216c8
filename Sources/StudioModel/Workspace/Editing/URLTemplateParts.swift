/// The parts of a URL template that matter for secrets: its origin, the values of credential
/// query parameters, and a password in its user info.
///
/// Merge-parameter segments (`{{…}}`, `{{{…}}}`) are opaque: a `?`, `&`, `=` or `#` inside one
/// does not split the URL.
struct URLTemplateParts {
    /// Scheme, host and port; nil when the URL has no literal `scheme://host`.
    var origin: URLOrigin?
    /// Each credential query parameter's name as written and the range of its value in the text.
    var secretQueryValues: [(name: String, range: Range<String.Index>)] = []
    /// The range of the password in `https://user:password@host/`.
    var userinfoPassword: Range<String.Index>?

    init(_ url: String) {
        guard let separator = url.firstRange(of: "://") else {
            readMistyped(url)
            return
        }
        let scheme = url[..<separator.lowerBound]
        let rest = url[separator.upperBound...]
        let authorityEnd = Self.firstTopLevel(of: ["/", "?", "#"], in: rest) ?? rest.endIndex
        let authority = rest[..<authorityEnd]
        if let at = authority.lastIndex(of: "@") {
            let userinfo = authority[..<at]
            if let colon = userinfo.firstIndex(of: ":") {
                userinfoPassword = userinfo.index(after: colon)..<at
            }
        }
        origin = URLOrigin(scheme: scheme, authority: authority)
        readQuery(of: url, after: rest[authorityEnd...])
    }

    /// A URL written without `://` (`https//ada:pw@host/`, `http:/…`, `//…`, `host/?token=…`) is
    /// refused, and its error quotes it: its user info is what comes before an `@` that is ahead
    /// of the path's last `/` before it, and its query is read as a URL's.
    private mutating func readMistyped(_ url: String) {
        let beforeQuery = url[..<(Self.firstTopLevel(of: ["?", "#"], in: url[...]) ?? url.endIndex)]
        if let at = beforeQuery.lastIndex(of: "@") {
            let userinfo = beforeQuery[..<at]
            let start = userinfo.lastIndex(of: "/").map(userinfo.index(after:)) ?? userinfo.startIndex
            if let colon = userinfo[start...].firstIndex(of: ":") {
                userinfoPassword = userinfo.index(after: colon)..<at
            }
        }
        readQuery(of: url, after: url[...])
    }

    /// The credential query parameters of `url`'s query, which starts at the first top-level `?`
    /// of `rest` (unless a `#` comes first).
    private mutating func readQuery(of url: String, after rest: Substring) {
        guard let question = Self.firstTopLevel(of: ["?", "#"], in: rest), url[question] == "?" else { return }
        let queryStart = url.index(after: question)
        let query = url[queryStart..<(Self.firstTopLevel(of: ["#"], in: url[queryStart...]) ?? url.endIndex)]
        var pairStart = query.startIndex
        while pairStart <= query.endIndex {
            let pairEnd = Self.firstTopLevel(of: ["&"], in: query[pairStart...]) ?? query.endIndex
            let pair = query[pairStart..<pairEnd]
            if let equals = Self.firstTopLevel(of: ["="], in: pair), CredentialNames.isSecretQueryParameter(pair[..<equals]) {
                secretQueryValues.append((String(pair[..<equals]), query.index(after: equals)..<pairEnd))
            }
            guard pairEnd < query.endIndex else { break }
            pairStart = query.index(after: pairEnd)
        }
    }

    /// The literal secrets in `url` (the text these parts were read from): a user-info password
    /// (`part` nil) and credential query values (`part` the parameter's name), in that order;
    /// `{{secret.name}}` references are left out.
    func literalSecrets(in url: String) -> [(part: String?, range: Range<String.Index>)] {
        var found: [(part: String?, range: Range<String.Index>)] = []
        if let password = userinfoPassword, LiteralSecretRule.isLiteral(String(url[password])) {
            found.append((nil, password))
        }
        for query in secretQueryValues where LiteralSecretRule.isLiteral(String(url[query.range])) {
            found.append((query.name, query.range))
        }
        return found
    }

    /// The first of `characters` in `text` outside merge-parameter segments.
    static func firstTopLevel(of characters: Set<Character>, in text: Substring) -> String.Index? {
        var index = text.startIndex
        while index < text.endIndex {
            if let end = TemplateSegments.end(ofSegmentAt: index, in: text) {
                index = end
                continue
            }
            if characters.contains(text[index]) { return index }
            index = text.index(after: index)
        }
        return nil
    }
}
