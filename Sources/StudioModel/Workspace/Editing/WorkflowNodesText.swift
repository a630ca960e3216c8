import Yams

/// A workflow file's `nodes:` list as text, for the studio's node commands (add, delete, move,
/// connect): each change rewrites only the lines of the nodes it touches, so comments and the
/// rest of the file stay as written. The result is checked like any edit before it is saved.
///
/// ```swift
/// let nodes = try WorkflowNodesText(workflowFile)
/// let text = try nodes.settingNext(of: "wait", to: "is-pro")
/// ```
public struct WorkflowNodesText {
    /// Why a change cannot be made as text; the user can still make it in the file (`e`).
    public struct Problem: Error, Sendable, Equatable, CustomStringConvertible {
        public var description: String
        init(_ description: String) { self.description = description }
    }

    /// Where one node's text is.
    struct Item {
        var id: String
        /// Lines of the item: its leading comments, the `- ` line, and its keys.
        var lines: Range<Int>
        /// The line with its `- `.
        var dashLine: Int
        /// Columns before the item's keys.
        var keyIndent: Int
        /// Written `- {id: …}`: a flow mapping, edited in the file only.
        var isInline: Bool
        var next: Next
    }

    enum Next {
        case none
        case single(id: String)
        /// `next: {yes: a, no: b}`: each branch's target and its node, to find where it is written.
        case branches([(output: String, id: String, node: Node)])
    }

    public let text: String
    private let lines: [String]
    let items: [Item]
    /// Each step's keys, by id.
    let mappings: [String: Node.Mapping]
    /// Columns before each item's `-`.
    let dashIndent: Int

    public init(_ text: String) throws(Problem) {
        let lines = text.components(separatedBy: "\n")
        self.text = text
        self.lines = lines
        let root: Node?
        do { root = try YAMLAliasExpansion.compose(text) } catch { throw Problem("the file does not parse as YAML") }
        guard let nodes = root?.mapping?.first(where: { $0.key.scalar?.string == "nodes" })?.value,
            let sequence = nodes.sequence, let sequenceMark = nodes.mark
        else { throw Problem("the workflow has no nodes list") }
        let dashIndent = sequenceMark.column - 1
        guard lines.indices.contains(sequenceMark.line - 1),
            lines[sequenceMark.line - 1].unicodeScalars.dropFirst(dashIndent).first == "-"
        else { throw Problem("the nodes are written inline (nodes: [ … ]): e edits the file") }
        self.dashIndent = dashIndent
        var items: [Item] = []
        var mappings: [String: Node.Mapping] = [:]
        for node in sequence {
            guard let mapping = node.mapping, let mark = node.mark,
                let id = mapping.first(where: { $0.key.scalar?.string == "id" })?.value.scalar?.string
            else { throw Problem("a node without an id: e edits the file") }
            // The dash is on the item's first line, or alone on a line above it.
            var dashLine = mark.line - 1
            while dashLine > 0, lines[dashLine].unicodeScalars.dropFirst(dashIndent).first != "-" { dashLine -= 1 }
            let isInline = lines[mark.line - 1].unicodeScalars.dropFirst(mark.column - 1).first == "{"
            mappings[id] = mapping
            items.append(
                Item(
                    id: id, lines: dashLine..<dashLine + 1, dashLine: dashLine, keyIndent: mark.column - 1,
                    isInline: isInline, next: Self.next(in: mapping, lines: lines)))
        }
        // Each item runs to the next one's leading comments, the last one to the end of its keys.
        for index in items.indices {
            var start = items[index].dashLine
            while start > 0, Self.isComment(lines[start - 1], atMost: dashIndent),
                index == 0 || start - 1 > items[index - 1].dashLine
            {
                start -= 1
            }
            items[index].lines = start..<items[index].dashLine + 1
        }
        for index in items.indices {
            let limit = index + 1 < items.count ? items[index + 1].lines.lowerBound : lines.count
            let dashLine = items[index].dashLine
            let last = dashLine + DefinitionFieldText.continuationLines(after: dashLine, indent: dashIndent, lines: lines, limit: limit)
            items[index].lines = items[index].lines.lowerBound..<last + 1
        }
        self.items = items
        self.mappings = mappings
    }

    // MARK: - Changes

    /// Sets where node `id` goes next; nil removes `next:`, so journeys end after it.
    /// - Throws: ``Problem`` for an inline node or one with named outputs (a split).
    public func settingNext(of id: String, to target: String?) throws(Problem) -> String {
        if case .branches = try editableItem(id).next {
            throw Problem("\(id) has named outputs (a split or an error branch): e edits them in the file")
        }
        return try DefinitionFieldText.setting("next", to: target.map(DefinitionFieldText.Value.text), in: .node(id), text: text)
    }

    /// The named output `output` of step `id` (`yes` of a Yes/No step, a split's branch,
    /// `error`) pointed at `target`; nil sends it to `exit`. Only the target's text changes.
    public func settingOutput(_ output: String, of id: String, to target: String?) throws(Problem) -> String {
        let next = try editableItem(id).next
        if case .none = next {
            // No `next:` at all (every output exits): the first one connected writes it.
            let written = Self.outputKey(output) + ": " + DefinitionFieldText.Value.quotedIfNeeded(target ?? "exit")
            return try DefinitionFieldText.setting("next", to: .plain("{\(written)}"), in: .node(id), text: text)
        }
        guard case .branches(let branches) = next else {
            throw Problem("\(id) has one way on: c connects it")
        }
        guard let branch = branches.first(where: { $0.output == output }) else {
            return try addingOutput(output, of: id, to: target, besides: branches)
        }
        guard case .success(let range) = ScalarSource.wholeRange(of: branch.node, in: text) else {
            throw Problem("the '\(output)' output of \(id) could not be located: e edits it")
        }
        var scalars = text.unicodeScalars
        scalars.replaceSubrange(range, with: DefinitionFieldText.Value.quotedIfNeeded(target ?? "exit").unicodeScalars)
        return String(scalars)
    }

    /// `output` added under step `id`'s `next:`, which does not name it yet (an unnamed output
    /// exits): a line after the others in a block mapping, after the last output in a flow one.
    private func addingOutput(
        _ output: String, of id: String, to target: String?, besides branches: [(output: String, id: String, node: Node)]
    ) throws(Problem) -> String {
        let key = Self.outputKey
        let written = key(output) + ": " + DefinitionFieldText.Value.quotedIfNeeded(target ?? "exit")
        guard let next = mappings[id]?.first(where: { $0.key.scalar?.string == "next" }), let nextMark = next.key.mark,
            let outputs = next.value.mapping
        else { throw Problem("\(id) has no '\(output)' under next: e adds it in the file") }
        // Yams does not keep a mapping's style: `{` where it starts tells a flow mapping.
        let isFlow = next.value.mark.map { mark in
            lines.indices.contains(mark.line - 1) && lines[mark.line - 1].unicodeScalars.dropFirst(mark.column - 1).first == "{"
        } ?? false
        if !isFlow, let last = outputs.reversed().first?.key.mark, last.line > nextMark.line {
            var lines = self.lines
            lines.insert(String(repeating: " ", count: last.column - 1) + written, at: last.line)
            return lines.joined(separator: "\n")
        }
        if isFlow, let last = branches.last,
            case .success(let range) = ScalarSource.wholeRange(of: last.node, in: text)
        {
            // After the last output, on its line: a flow mapping over several lines stays as written.
            var scalars = text.unicodeScalars
            scalars.insert(contentsOf: (", " + written).unicodeScalars, at: range.upperBound)
            return String(scalars)
        }
        let pairs = branches.map { key($0.output) + ": " + DefinitionFieldText.Value.quotedIfNeeded($0.id) }
        return try DefinitionFieldText.setting(
            "next", to: .plain("{" + (pairs + [written]).joined(separator: ", ") + "}"), in: .node(id), text: text)
    }

    /// An output name as a key: read as text whatever it looks like, so `yes` and `no` stay bare,
    /// as written by hand.
    private static func outputKey(_ name: String) -> String {
        name.wholeMatch(of: #/[A-Za-z_][A-Za-z0-9_-]*/#) != nil ? name : DefinitionFieldText.Value.quotedIfNeeded(name)
    }

    /// Every reference to node `id` (a `next:` or a branch) pointed at `target` instead; nil
    /// ends those journeys there (`next:` removed, a branch sent to `exit`).
    public func redirecting(referencesTo id: String, to target: String?) throws(Problem) -> String {
        // Pointing them at the step itself would leave a reference to rewrite for ever.
        guard target != id else { throw Problem("\(id) cannot take its own place") }
        var current = self
        while let item = current.items.first(where: { $0.references(id) }) {
            switch item.next {
            case .single:
                current = try WorkflowNodesText(try current.settingNext(of: item.id, to: target))
            case .branches(let branches):
                guard !item.isInline else { throw Problem("\(item.id) is written inline ({…}): e edits it") }
                var ranges: [Range<String.Index>] = []
                for branch in branches where branch.id == id {
                    guard case .success(let range) = ScalarSource.wholeRange(of: branch.node, in: current.text) else {
                        throw Problem("a branch of \(item.id) could not be located: e edits it")
                    }
                    ranges.append(range)
                }
                // From the last, so earlier ranges stay where they are.
                var scalars = current.text.unicodeScalars
                for range in ranges.sorted(by: { $0.lowerBound > $1.lowerBound }) {
                    scalars.replaceSubrange(range, with: (target ?? "exit").unicodeScalars)
                }
                current = try WorkflowNodesText(String(scalars))
            case .none:
                break
            }
        }
        return current.text
    }

    /// The file without node `id`'s lines (its leading comments go with it).
    public func removing(_ id: String) throws(Problem) -> String {
        let item = try editableItem(id)
        var lines = self.lines
        lines.removeSubrange(item.lines)
        return lines.joined(separator: "\n")
    }

    /// The file with `itemText` (a whole `- id: …` item, without indentation) as a node after
    /// node `id`, or first when `id` is nil.
    public func inserting(_ itemText: [String], after id: String?) throws(Problem) -> String {
        let position: Int
        if let id {
            position = try editableItem(id).lines.upperBound
        } else {
            guard let first = items.first else { throw Problem("the workflow has no nodes: e edits the file") }
            position = first.lines.lowerBound
        }
        let indent = String(repeating: " ", count: dashIndent)
        var lines = self.lines
        lines.insert(contentsOf: itemText.map { $0.isEmpty ? "" : indent + $0 }, at: position)
        return lines.joined(separator: "\n")
    }

    /// The file with node `id`'s lines moved to the front of the list (it becomes the entry).
    public func movingToFront(_ id: String) throws(Problem) -> String {
        let item = try editableItem(id)
        guard let first = items.first, first.id != id else { return text }
        var lines = self.lines
        let moved = Array(lines[item.lines])
        lines.removeSubrange(item.lines)
        lines.insert(contentsOf: moved, at: first.lines.lowerBound)
        return lines.joined(separator: "\n")
    }

    // MARK: - Reading

    /// The value written for `key` in step `id`, if any.
    func value(of key: String, inStep id: String) -> Node? {
        mappings[id]?.first { $0.key.scalar?.string == key }?.value
    }

    /// Whether step `id` calls a webhook: only those have `onError` and an `ok` output.
    func isWebhookStep(_ id: String) -> Bool {
        let type = value(of: "type", inStep: id)?.scalar?.string
        return type == "callWebhook" || type == "updateProfileWebhook"
    }

    /// Whether step `id` is an Exit step: journeys end there, and a `next:` on it is ignored.
    func isExitStep(_ id: String) -> Bool {
        value(of: "type", inStep: id)?.scalar?.string == "exit"
    }

    private func editableItem(_ id: String) throws(Problem) -> Item {
        guard let item = items.first(where: { $0.id == id }) else { throw Problem("no node '\(id)'") }
        guard !item.isInline else { throw Problem("\(id) is written inline ({…}): e edits it") }
        return item
    }

    private static func next(in mapping: Node.Mapping, lines: [String]) -> Next {
        guard let entry = mapping.first(where: { $0.key.scalar?.string == "next" }) else { return .none }
        if let scalar = entry.value.scalar { return .single(id: scalar.string) }
        if let branches = entry.value.mapping {
            return .branches(branches.compactMap { branch in
                guard let output = branch.key.scalar?.string, let scalar = branch.value.scalar else { return nil }
                return (output, scalar.string, branch.value)
            })
        }
        return .none
    }

    /// A comment line no deeper than the dashes: one written above a step. A deeper `#` line
    /// may be the text of the step before (a `body: |` with a heading).
    private static func isComment(_ line: String, atMost indent: Int) -> Bool {
        let spaces = line.prefix { $0 == " " }.count
        return spaces <= indent && line.dropFirst(spaces).first == "#"
    }
}

extension WorkflowNodesText.Item {
    func references(_ id: String) -> Bool {
        switch next {
        case .none: false
        case .single(let target): target == id
        case .branches(let branches): branches.contains { $0.id == id }
        }
    }
}
