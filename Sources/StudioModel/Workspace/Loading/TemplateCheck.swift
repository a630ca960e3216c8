import Yams

/// Parses the merge-parameter templates of a workspace file and reports problems at their position in the
/// YAML file: the scalar's start plus the template's own line and column.
///
/// For block scalars (`|`, `>`) the template's line 1 is the line after the indicator, indented; quoted
/// scalars count from after the opening quote, and their escapes (`\"`, `''`) are walked like the YAML
/// reader does, so columns land on the character the template error names.
enum TemplateCheck {
    /// One merge-parameter template written in a workspace file: a scalar's value, or part of it.
    struct Site {
        /// How messages name it: the YAML key, or `headers.X-Name` for a nested value.
        let label: String
        let template: String
        /// The scalar that holds the template.
        let node: Node
        /// How many Characters into the scalar's value the template starts (a URL's query).
        let characterBase: Int
        let asJSON: Bool
        /// A URL up to its query (`url`, `endpoint`, `tokenUrl`), which renders in url-path mode.
        var isURLPath = false

        /// Where the template's 1-based `line` and `column` fall in the YAML file.
        func location(line: Int, column: Int, in file: YAMLFile) -> SourceLocation {
            let offset = characterBase + TemplateCheck.characterOffset(line: line, column: column, in: template)
            return ScalarSourceMap(node: node, file: file)?.location(ofCharacter: offset) ?? file.location(of: node.mark)
        }
    }

    /// The templates a webhook file renders: `url`, header values, auth fields and the body.
    static func webhook(_ mapping: YAMLMapping) {
        for site in webhookSites(mapping) { check(site, in: mapping.file) }
    }

    /// The endpoint of a system webhook file: the template checks of a webhook's URL, and a warning
    /// for each merge parameter outside the set Iterable fills there
    /// (``SystemWebhook/endpointMergeParameters``), which always renders blank.
    static func systemEndpoint(_ mapping: YAMLMapping) {
        guard let endpoint = mapping["endpoint"] else { return }
        let allowed = SystemWebhook.endpointMergeParameters
        for site in urlSites(endpoint, label: "endpoint") {
            check(site, in: mapping.file)
            guard let template = try? Template(parsing: site.template) else { continue }
            for reference in template.fieldReferences where !allowed.contains(reference.name) {
                let location = site.location(line: reference.line, column: reference.column, in: mapping.file)
                mapping.file.add(
                    .warning,
                    "merge parameter '\(reference.name)' always renders blank in a system webhook endpoint, as in Iterable",
                    at: location,
                    hint: NameHint.suggestion(for: reference.name, in: allowed)
                        ?? "the endpoint takes only \(NameHint.list(allowed)); the payload carries the other fields")
            }
        }
    }

    /// The templates of a workflow node: the subject and body of sendEmail, sendSMS and sendPush.
    static func node(_ mapping: YAMLMapping, typeName: String) {
        for site in nodeSites(mapping, typeName: typeName) { check(site, in: mapping.file) }
    }

    // MARK: - Sites

    /// The template sites of a webhook file, in file order.
    static func webhookSites(_ mapping: YAMLMapping) -> [Site] {
        var sites: [Site] = []
        if let url = mapping["url"] { sites += urlSites(url, label: "url") }
        sites += pairSites("headers", in: mapping)
        // An auth that is not a mapping is the auth reader's to report, once.
        if let authNode = mapping["auth"], authNode.mapping != nil, let auth = YAMLMapping(authNode, in: mapping.file, what: "auth") {
            for key in ["username", "password", "token"] { sites += site(key, in: auth) }
            // Rendered as the webhook's url is: its path and query apart.
            if let tokenURL = auth["tokenUrl"] { sites += urlSites(tokenURL, label: "tokenUrl") }
        }
        guard let bodyNode = mapping["body"], bodyNode.mapping != nil,
            let body = YAMLMapping(bodyNode, in: mapping.file, what: "body")
        else { return sites }
        switch body["type"]?.scalar?.string {
        case "json": sites += site("template", in: body, asJSON: true)
        case "raw": sites += site("template", in: body)
        case "form": sites += pairSites("fields", in: body)
        default: break
        }
        return sites
    }

    /// The template sites of a workflow node of type `typeName`.
    static func nodeSites(_ mapping: YAMLMapping, typeName: String) -> [Site] {
        switch typeName {
        case "sendEmail": site("subject", in: mapping) + site("body", in: mapping)
        case "sendSMS", "sendPush": site("body", in: mapping)
        case "updateProfile": pairSites("fields", in: mapping)
        default: []
        }
    }

    /// `mapping[key]` when it is a text value (other problems are the readers' to report).
    private static func site(_ key: String, in mapping: YAMLMapping, asJSON: Bool = false) -> [Site] {
        guard let node = mapping[key], case .scalar(let scalar) = node else { return [] }
        return [Site(label: key, template: scalar.string, node: node, characterBase: 0, asJSON: asJSON)]
    }

    /// Every text value of the nested mapping `mapping[key]` (headers, form fields).
    private static func pairSites(_ key: String, in mapping: YAMLMapping) -> [Site] {
        guard let node = mapping[key], let pairs = node.mapping else { return [] }
        return pairs.compactMap { keyNode, value in
            guard case .scalar(let scalar) = value else { return nil }
            let name = keyNode.scalar?.string ?? ""
            return Site(label: "\(key).\(name)", template: scalar.string, node: value, characterBase: 0, asJSON: false)
        }
    }

    /// Delivery renders the path and the query of a URL as separate templates, so they are parsed apart.
    private static func urlSites(_ node: Node, label: String) -> [Site] {
        guard case .scalar(let scalar) = node else { return [] }
        let url = scalar.string
        guard let question = url.firstIndex(of: "?") else {
            return [Site(label: label, template: url, node: node, characterBase: 0, asJSON: false, isURLPath: true)]
        }
        let queryBase = url.distance(from: url.startIndex, to: question) + 1
        return [
            Site(
                label: label, template: String(url[..<question]), node: node, characterBase: 0, asJSON: false,
                isURLPath: true),
            Site(
                label: label, template: String(url[url.index(after: question)...]), node: node,
                characterBase: queryBase, asJSON: false),
        ]
    }

    // MARK: - Checks

    /// Parses the template of `site` and reports helper arguments that fail whatever the data; a JSON body
    /// without such problems is also rendered with every merge parameter empty and must parse.
    private static func check(_ site: Site, in file: YAMLFile) {
        let parsed: Template
        do {
            parsed = try Template(parsing: site.template)
        } catch {
            report(error, of: site, in: file)
            return
        }
        let argumentProblems = parsed.literalArgumentProblems
        for problem in argumentProblems { report(problem, of: site, in: file) }
        if site.isURLPath {
            // Iterable's urlEncode is form encoding ("piña colada" → pi%C3%B1a+colada, domain.md
            // §4.2) and stays so; in a path a '+' is a plus sign, and a merged value there is
            // percent-encoded already.
            for offset in parsed.urlEncodeOffsets {
                let plus = TemplateError.at(
                    offset, in: site.template,
                    "urlEncode writes a space as '+', which a URL path reads as a plus sign: 'a b' reaches /a+b, not /a%20b")
                report(
                    plus, of: site, in: file, severity: .warning,
                    hint: "write {{…}}: a merge in the path is percent-encoded, a space as %20")
            }
        }
        if ["url", "endpoint", "tokenUrl"].contains(site.label) {
            for offset in parsed.rawTagOffsets {
                let raw = TemplateError.at(
                    offset, in: site.template,
                    "a raw merge parameter ({{{…}}} or {{& …}}) is not percent-encoded in a URL: a value holding '/', '?', "
                        + "'#' or '&' changes the request, and one with a line break is refused")
                report(raw, of: site, in: file, severity: .warning, hint: "write {{…}}, which encodes the value for the path or query")
            }
        }
        if site.label.hasPrefix("headers.") || site.label == "token" {
            // A header value is never escaped, raw or not: the builder refuses one that holds a line
            // break when it renders the request (`OutputMode.header`), which only a send shows.
            for offset in parsed.rawTagOffsets {
                let raw = TemplateError.at(
                    offset, in: site.template,
                    "a raw merge parameter ({{{…}}} or {{& …}}) in a header is written as it is: a value holding a line "
                        + "break (CR, LF) or NUL is refused when the request is sent")
                report(
                    raw, of: site, in: file, severity: .warning,
                    hint: "write {{…}} (a header value is never escaped either way) and keep line breaks out of the value")
            }
        }
        guard argumentProblems.isEmpty, site.asJSON, let structure = parsed.jsonStructureProblem(TemplateContext())
        else { return }
        report(structure, of: site, in: file, hint: "checked by rendering with every merge parameter empty")
    }

    private static func report(
        _ problem: TemplateError, of site: Site, in file: YAMLFile, severity: Diagnostic.Severity = .error,
        hint: String? = nil
    ) {
        let placed = problem.placed { site.location(line: $0.line, column: $0.column, in: file) }
        let location = SourceLocation(line: placed.line, column: placed.column)
        file.add(severity, "template in '\(site.label)': \(placed.message)", at: location, hint: hint)
    }

    /// The Character offset of a 1-based line and column in `text`.
    static func characterOffset(line: Int, column: Int, in text: String) -> Int {
        var offset = 0
        var currentLine = 1
        for character in text {
            if currentLine >= line { break }
            if character == "\n" { currentLine += 1 }
            offset += 1
        }
        return offset + max(0, column - 1)
    }
}

/// Walks a scalar's source text alongside its value to find where a value Character was written.
struct ScalarSourceMap {
    private let lines: [[Character]]
    private let value: [Character]
    private let style: Node.Scalar.Style
    private let start: SourceLocation
    /// Where the value's first Character is looked for (0-based line and column).
    private let first: (line: Int, column: Int)
    /// Columns to skip at the start of each continuation line: the block indentation, or nil to skip all
    /// leading blanks (flow scalars).
    private let indentation: Int?

    init?(node: Node, file: YAMLFile) {
        guard case .scalar(let scalar) = node else { return nil }
        lines = file.lines.map { Array($0) }
        value = Array(scalar.string)
        style = scalar.style
        start = file.location(of: node.mark)
        let line = start.line - 1
        guard lines.indices.contains(line) else { return nil }
        switch style {
        case .literal, .folded:
            first = (line + 1, 0)
            let content = lines.dropFirst(line + 1).first { !$0.allSatisfy { $0 == " " } }
            indentation = content.map { $0.prefix { $0 == " " }.count } ?? 0
        case .singleQuoted, .doubleQuoted:
            first = (line, start.column)
            indentation = nil
        default:
            first = (line, start.column - 1)
            indentation = nil
        }
    }

    /// The position of value Character `target`; the scalar's start when the walk loses its way.
    func location(ofCharacter target: Int) -> SourceLocation {
        var line = first.line
        var column = first.column
        if indentation != nil { column = skipIndentation(line: line) }
        var index = 0
        while index <= target, lines.indices.contains(line) {
            let here = SourceLocation(line: line + 1, column: column + 1)
            let text = lines[line]
            let character: Character = column < text.count ? text[column] : "\n"
            let wanted: Character? = index < value.count ? value[index] : nil
            if character == "\n" {
                // A line break is kept (block literal), folded into a space, or dropped (the value ended).
                let matches = wanted == "\n" || wanted == " "
                if matches, index == target { return here }
                if matches { index += 1 }
                line += 1
                column = indentation != nil ? skipIndentation(line: line) : skipBlanks(line: line)
                continue
            }
            if style == .doubleQuoted, character == "\\" {
                let escape: Character = column + 1 < text.count ? text[column + 1] : "\n"
                if escape == "\n" {
                    line += 1
                    column = skipBlanks(line: line)
                    continue
                }
                if index == target { return here }
                index += 1
                column += 2 + (escape == "x" ? 2 : escape == "u" ? 4 : escape == "U" ? 8 : 0)
                continue
            }
            if style == .singleQuoted, character == "'", column + 1 < text.count, text[column + 1] == "'" {
                if index == target { return here }
                index += 1
                column += 2
                continue
            }
            if character == wanted || wanted == nil {
                if index == target { return here }
                index += 1
            }
            column += 1
        }
        return start
    }

    private func skipIndentation(line: Int) -> Int {
        guard lines.indices.contains(line), let indentation else { return 0 }
        return min(indentation, lines[line].prefix { $0 == " " }.count)
    }

    private func skipBlanks(line: Int) -> Int {
        guard lines.indices.contains(line) else { return 0 }
        return lines[line].prefix { $0 == " " || $0 == "\t" }.count
    }
}
