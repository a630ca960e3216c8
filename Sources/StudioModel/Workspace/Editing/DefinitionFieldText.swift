import Yams

/// One field of a definition file set from the studio's forms, as a text edit: a one-line value
/// is replaced where it is written (a comment after it stays), a longer one with its lines (the
/// comment that ends the key's line stays), a missing key is added after the last line of its
/// mapping. Nothing else in the file moves.
///
/// ```swift
/// let text = try DefinitionFieldText.setting("timeout", to: .plain("10s"), in: .root, text: file)
/// let next = try DefinitionFieldText.setting("next", to: nil, in: .node("wait"), text: file)
/// ```
public enum DefinitionFieldText {
    /// The mapping that holds the field.
    public enum Mapping: Sendable, Equatable {
        /// The file's top level (a webhook's `method`, `url`, `timeout`).
        case root
        /// The workflow step with this id under `nodes:`.
        case node(String)
        /// The mapping under a top-level key, such as a webhook's `headers:`; made when missing.
        case nested(String)
    }

    /// A value as it is written into the file.
    public enum Value: Sendable, Equatable {
        /// Text: written bare when YAML would read it back as the same text, else double-quoted.
        case text(String)
        /// Written as given: a number, `true`, a duration, a flow list.
        case plain(String)

        var yaml: String {
            switch self {
            case .plain(let text): text
            case .text(let text): Self.quotedIfNeeded(text)
            }
        }

        /// Bare when it is a simple word YAML reads as that same string, else double-quoted.
        public static func quotedIfNeeded(_ text: String) -> String {
            let simple = text.wholeMatch(of: #/[A-Za-z_][A-Za-z0-9_./-]*/#) != nil
            let ambiguous = ["true", "false", "yes", "no", "on", "off", "null", "y", "n"].contains(text.lowercased())
            if simple, !ambiguous { return text }
            // A JSON string is a YAML double-quoted scalar (YAML 1.2 is a superset of JSON).
            return JSONValue.string(text).jsonText
        }
    }

    /// Sets `key` of `mapping` to `value`; nil removes the key.
    /// - Throws: ``WorkflowNodesText/Problem`` when the mapping is written inline (`{…}`) or the
    ///   key cannot be located.
    public static func setting(
        _ key: String, to value: Value?, in mapping: Mapping, text: String
    ) throws(WorkflowNodesText.Problem) -> String {
        var lines = text.components(separatedBy: "\n")
        let written = Value.quotedIfNeeded(key)
        if case .nested(let name) = mapping {
            let parent = try root(of: text).first { $0.key.scalar?.string == name }
            // Missing, empty (`headers:`) or `{}`: the first entry makes it a block mapping.
            if parent == nil || parent?.value.scalar?.string == "" || parent?.value.mapping?.isEmpty == true {
                guard let value else { return text }
                let block = ["\(name):", "  \(written): \(value.yaml)"]
                if let mark = parent?.key.mark {
                    let keyLine = mark.line - 1
                    lines.replaceSubrange(
                        keyLine...(keyLine + continuationLines(after: keyLine, indent: mark.column - 1, lines: lines)), with: block)
                } else {
                    lines.insert(contentsOf: block, at: try locate(.root, in: text, lines: lines).lastLine + 1)
                }
                return lines.joined(separator: "\n")
            }
            // Its last entry removed, the mapping goes too (an empty `headers:` would not load as one).
            if value == nil, let parent, let mark = parent.key.mark, parent.value.mapping?.count == 1,
                parent.value.mapping?.first.flatMap({ $0.key.scalar?.string.lowercased() }) == key.lowercased()
            {
                let keyLine = mark.line - 1
                lines.removeSubrange(keyLine...(keyLine + continuationLines(after: keyLine, indent: mark.column - 1, lines: lines)))
                return lines.joined(separator: "\n")
            }
        }
        let located = try locate(mapping, in: text, lines: lines)
        // The keys of a nested mapping are header names, which match ignoring case.
        let matches: (String) -> Bool = if case .nested = mapping { { $0.lowercased() == key.lowercased() } } else { { $0 == key } }
        guard let entry = located.node.first(where: { $0.key.scalar.map { matches($0.string) } ?? false }) else {
            guard let value else { return text }
            let indent = String(repeating: " ", count: located.keyIndent)
            lines.insert(indent + "\(written): \(value.yaml)", at: located.lastLine + 1)
            return lines.joined(separator: "\n")
        }
        guard let keyMark = entry.key.mark else { throw .init("\(key) could not be located: e edits the file") }
        let keyLine = keyMark.line - 1
        let keyIndent = keyMark.column - 1
        let continuation = Self.continuationLines(after: keyLine, indent: keyIndent, lines: lines)
        if let value, continuation == 0, case .success(let range) = ScalarSource.wholeRange(of: entry.value, in: text),
            !text.unicodeScalars[range].contains(where: ScalarSource.isBreak)
        {
            var scalars = text.unicodeScalars
            scalars.replaceSubrange(range, with: value.yaml.unicodeScalars)
            return String(scalars)
        }
        let before = String(String.UnicodeScalarView(lines[keyLine].unicodeScalars.prefix(keyIndent)))
        let startsItem = before.contains("-")
        guard value != nil || !startsItem else { throw .init("\(key) starts its step: e edits the file") }
        let writtenKey = entry.key.scalar.map { Value.quotedIfNeeded($0.string) } ?? written
        // `next:   # both ways` above a mapping, or after a flow one: the comment stays with the key.
        let comment = trailingComment(of: lines[keyLine], from: keyIndent) ?? ""
        let replacement = value.map { [before + "\(writtenKey): \($0.yaml)" + comment] } ?? []
        lines.replaceSubrange(keyLine...(keyLine + continuation), with: replacement)
        return lines.joined(separator: "\n")
    }

    /// A mapping's entries, the column its keys start at and its last line (0-based).
    struct Located {
        var node: Node.Mapping
        var keyIndent: Int
        var lastLine: Int
    }

    private static func root(of text: String) throws(WorkflowNodesText.Problem) -> Node.Mapping {
        let root: Node?
        do { root = try YAMLAliasExpansion.compose(text) } catch { throw .init("the file does not parse as YAML") }
        guard let node = root?.mapping else { throw .init("the file is not a mapping") }
        return node
    }

    static func locate(_ mapping: Mapping, in text: String, lines: [String]) throws(WorkflowNodesText.Problem) -> Located {
        switch mapping {
        case .root:
            let node = try root(of: text)
            let lastLine = lines.lastIndex { line in
                !line.allSatisfy { $0 == " " || $0 == "\t" || $0 == "\r" } && !line.hasPrefix("#")
            } ?? 0
            return Located(node: node, keyIndent: 0, lastLine: lastLine)
        case .node(let id):
            let nodes = try WorkflowNodesText(text)
            guard let item = nodes.items.first(where: { $0.id == id }), let node = nodes.mappings[id] else {
                throw .init("no step '\(id)'")
            }
            guard !item.isInline else { throw .init("\(id) is written inline ({…}): e edits it") }
            return Located(node: node, keyIndent: item.keyIndent, lastLine: item.lines.upperBound - 1)
        case .nested(let name):
            guard let entry = try root(of: text).first(where: { $0.key.scalar?.string == name }), let keyMark = entry.key.mark,
                let nested = entry.value.mapping, let first = nested.first?.key.mark, lines.indices.contains(first.line - 1)
            else { throw .init("\(name) is empty or not a mapping: e edits it") }
            // A block mapping's keys start their lines; in `headers: {A: b}` they do not.
            guard first.line > keyMark.line, lines[first.line - 1].unicodeScalars.prefix(first.column - 1).allSatisfy({ $0 == " " })
            else { throw .init("\(name) is written inline ({…}): e edits it") }
            let keyLine = keyMark.line - 1
            let lastLine = keyLine + continuationLines(after: keyLine, indent: keyMark.column - 1, lines: lines)
            return Located(node: nested, keyIndent: first.column - 1, lastLine: lastLine)
        }
    }

    /// The comment that ends `line`, with the blanks before it (`   # the end`), looking from
    /// scalar `start`: a `#` after a blank, outside a quoted scalar. Nil when there is none.
    static func trailingComment(of line: String, from start: Int) -> Substring? {
        let scalars = Array(line.unicodeScalars)
        var quote: Unicode.Scalar?
        var index = min(start, scalars.count)
        while index < scalars.count {
            let scalar = scalars[index]
            let previous: Unicode.Scalar = index > 0 ? scalars[index - 1] : " "
            if let open = quote {
                if scalar == "\\", open == "\"" {
                    index += 1  // An escaped character, such as \", does not close the scalar.
                } else if scalar == open, open == "'", index + 1 < scalars.count, scalars[index + 1] == "'" {
                    index += 1  // '' is a quote inside '…'.
                } else if scalar == open {
                    quote = nil
                }
            } else if scalar == "#", previous == " " || previous == "\t" {
                let blanks = scalars[..<index].reversed().prefix { $0 == " " || $0 == "\t" }.count
                let from = line.unicodeScalars.index(line.unicodeScalars.startIndex, offsetBy: index - blanks)
                return line[from...]
            } else if scalar == "\"" || scalar == "'", " \t:[{,".unicodeScalars.contains(previous) {
                quote = scalar  // A quote opens a scalar only where one starts: `it's` is plain text.
            }
            index += 1
        }
        return nil
    }

    /// Lines after `line` (up to `limit`) that belong to its value: blank ones or ones indented
    /// past `indent`; blank lines at the end are not counted.
    static func continuationLines(after line: Int, indent: Int, lines: [String], limit: Int? = nil) -> Int {
        var last = line
        var index = line + 1
        while index < (limit ?? lines.count) {
            let text = lines[index]
            let blank = text.allSatisfy { $0 == " " || $0 == "\t" || $0 == "\r" }
            if !blank {
                guard text.prefix(while: { $0 == " " }).count > indent else { break }
                last = index
            }
            index += 1
        }
        return last - line
    }
}
