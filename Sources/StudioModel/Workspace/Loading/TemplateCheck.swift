import Yams

/// Parses the merge-parameter templates of a workspace file and reports problems at their position in the
/// YAML file: the scalar's start plus the template's own line and column.
///
/// For block scalars (`|`, `>`) the template's line 1 is the line after the indicator, indented; quoted
/// scalars count from after the opening quote, and their escapes (`\"`, `''`) are walked like the YAML
/// reader does, so columns land on the character the template error names.
enum TemplateCheck {
    /// The templates a webhook file renders: `url`, header values, auth fields and the body.
    static func webhook(_ mapping: YAMLMapping) {
        if let url = mapping["url"] { checkURL(url, in: mapping.file) }
        checkPairs("headers", in: mapping)
        if let auth = mapping.mapping("auth", what: "auth") {
            for key in ["username", "password", "token"] { check(key, in: auth) }
        }
        guard let bodyNode = mapping["body"], bodyNode.mapping != nil,
            let body = YAMLMapping(bodyNode, in: mapping.file, what: "body")
        else { return }
        switch body["type"]?.scalar?.string {
        case "json": check("template", in: body, asJSON: true)
        case "raw": check("template", in: body)
        case "form": checkPairs("fields", in: body)
        default: break
        }
    }

    /// The templates of a workflow node: the subject and body of sendEmail, sendSMS and sendPush.
    static func node(_ mapping: YAMLMapping, typeName: String) {
        switch typeName {
        case "sendEmail":
            check("subject", in: mapping)
            check("body", in: mapping)
        case "sendSMS", "sendPush":
            check("body", in: mapping)
        default: break
        }
    }

    // MARK: - Checks

    /// Checks `mapping[key]` when it is a text value (other problems are the readers' to report).
    static func check(_ key: String, in mapping: YAMLMapping, asJSON: Bool = false) {
        guard let node = mapping[key], case .scalar(let scalar) = node else { return }
        check(scalar.string, at: node, in: mapping.file, label: key, characterBase: 0, asJSON: asJSON)
    }

    /// Checks every text value of the nested mapping `mapping[key]` (headers, form fields).
    static func checkPairs(_ key: String, in mapping: YAMLMapping) {
        guard let node = mapping[key], let pairs = node.mapping else { return }
        for (keyNode, value) in pairs {
            guard case .scalar(let scalar) = value else { continue }
            let name = keyNode.scalar?.string ?? ""
            check(scalar.string, at: value, in: mapping.file, label: "\(key).\(name)", characterBase: 0, asJSON: false)
        }
    }

    /// Delivery renders the path and the query of a URL as separate templates, so they are parsed apart.
    static func checkURL(_ node: Node, in file: YAMLFile) {
        guard case .scalar(let scalar) = node else { return }
        let url = scalar.string
        guard let question = url.firstIndex(of: "?") else {
            check(url, at: node, in: file, label: "url", characterBase: 0, asJSON: false)
            return
        }
        check(String(url[..<question]), at: node, in: file, label: "url", characterBase: 0, asJSON: false)
        let queryBase = url.distance(from: url.startIndex, to: question) + 1
        check(
            String(url[url.index(after: question)...]), at: node, in: file, label: "url", characterBase: queryBase,
            asJSON: false)
    }

    /// Parses `template`, which starts `characterBase` Characters into the value of the scalar `node`.
    private static func check(
        _ template: String, at node: Node, in file: YAMLFile, label: String, characterBase: Int, asJSON: Bool
    ) {
        let problem: TemplateError
        var hint: String?
        do {
            let parsed = try Template(parsing: template)
            guard asJSON, let structure = parsed.jsonStructureProblem(TemplateContext()) else { return }
            problem = structure
            hint = "checked by rendering with every merge parameter empty"
        } catch {
            problem = error
        }
        let offset = characterBase + characterOffset(line: problem.line, column: problem.column, in: template)
        let location = ScalarSourceMap(node: node, file: file)?.location(ofCharacter: offset) ?? file.location(of: node.mark)
        file.add(.error, "template in '\(label)': \(problem.message)", at: location, hint: hint)
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
        lines = file.source.split(separator: "\n", omittingEmptySubsequences: false).map { Array($0) }
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
