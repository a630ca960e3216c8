/// A top-level field a template reads, and where it is written.
public struct TemplateFieldReference: Sendable, Hashable {
    /// The field path as `Template.referencedFields` lists it, such as `address.city`.
    public var path: String
    /// The path's first component, such as `address`: the name looked up in the event, profile and live data.
    public var name: String
    /// 1-based line of the path in the template source.
    public var line: Int
    /// 1-based column of the path in the template source, counted in Characters.
    public var column: Int

    public init(path: String, name: String, line: Int, column: Int) {
        self.path = path
        self.name = name
        self.line = line
        self.column = column
    }
}

extension Template {
    /// Every top-level field the template reads, in source order, with the position of each use.
    ///
    /// The same fields as `referencedFields` (secrets, `@` variables other than `@root` and paths relative to an
    /// `#each`/`#with`/section scope are left out); a field used twice is listed twice. Computed on each call.
    public var fieldReferences: [TemplateFieldReference] {
        TemplateFieldCollector.references(in: nodes).map { reference in
            let location = TemplateError.location(ofUTF8Offset: reference.offset, in: source)
            return TemplateFieldReference(
                path: reference.path, name: reference.name, line: location.line, column: location.column)
        }
    }

    /// The helpers that take no parameter written alone in a tag (`{{now}}`, `{{timestamp}}`) where
    /// the context is the user's, with their position: there the helper is called, as in
    /// handlebars.js, and a profile or event field of the same name is not read.
    public var loneHelperCalls: [TemplateFieldReference] {
        TemplateFieldCollector.loneHelperCalls(in: nodes).map { call in
            let location = TemplateError.location(ofUTF8Offset: call.offset, in: source)
            return TemplateFieldReference(path: call.name, name: call.name, line: location.line, column: location.column)
        }
    }
}

/// Collects the top-level field paths a template reads, for `validate` warnings about unknown fields.
enum TemplateFieldCollector {
    struct Reference {
        var path: String
        var name: String
        /// UTF-8 byte offset of the path in the source.
        var offset: Int
    }

    static func fields(in nodes: [TemplateNode]) -> Set<String> {
        Set(references(in: nodes).map(\.path))
    }

    /// The field references in source order; `secret.NAME` is not a field.
    static func references(in nodes: [TemplateNode]) -> [Reference] {
        allReferences(in: nodes).filter { $0.name != "secret" }
    }

    /// The names of the secrets read (`{{secret.NAME}}`, also as a helper's argument), in
    /// first-use order.
    static func secretNames(in nodes: [TemplateNode]) -> [String] {
        var names: [String] = []
        for reference in allReferences(in: nodes) where reference.name == "secret" {
            let name = String(reference.path.dropFirst("secret.".count))
            if !name.isEmpty, !names.contains(name) { names.append(name) }
        }
        return names
    }

    /// The names of the secrets a render can write out, in first-use order: those read anywhere
    /// but as a parameter of a one-way helper (`{{sha256 secret.salt}}`) or as the condition of
    /// a block that only chooses what to render (`{{#if secret.token}}`).
    static func secretNamesWrittenOut(in nodes: [TemplateNode]) -> [String] {
        var hidden: Set<Int> = []
        collectHiddenOffsets(nodes, into: &hidden)
        var names: [String] = []
        for reference in allReferences(in: nodes) where reference.name == "secret" && !hidden.contains(reference.offset) {
            let name = String(reference.path.dropFirst("secret.".count))
            if !name.isEmpty, !names.contains(name) { names.append(name) }
        }
        return names
    }

    /// Helpers whose result does not give their parameters back.
    private static let oneWayHelpers: Set<TemplateHelper> = [.md5, .sha1, .sha256, .hmacSHA1, .hmacSHA256]

    /// Where paths are written whose value no render writes out (``secretNamesWrittenOut(in:)``).
    private static func collectHiddenOffsets(_ nodes: [TemplateNode], into hidden: inout Set<Int>) {
        for node in nodes {
            switch node {
            case .text: continue
            case .value(let tag): collectHiddenOffsets(tag.expression, into: &hidden)
            case .block(let block):
                let choosesOnly: Bool
                switch block.kind {
                case .section: choosesOnly = false
                case .helper(let helper): choosesOnly = !(helper.isInline || helper == .each || helper == .with)
                }
                for expression in block.params + block.hash.map(\.value) {
                    if choosesOnly, case .path(let path) = expression { hidden.insert(path.offset) }
                    collectHiddenOffsets(expression, into: &hidden)
                }
                collectHiddenOffsets(block.body, into: &hidden)
                collectHiddenOffsets(block.inverse, into: &hidden)
            }
        }
    }

    private static func collectHiddenOffsets(_ expression: TemplateExpression, into hidden: inout Set<Int>) {
        guard case .call(let call) = expression else { return }
        for parameter in call.params + call.hash.map(\.value) {
            if oneWayHelpers.contains(call.helper), case .path(let path) = parameter { hidden.insert(path.offset) }
            collectHiddenOffsets(parameter, into: &hidden)
        }
    }

    /// Whether any path reads the secret store: `secret.NAME`, or `secret` whole.
    static func readsSecrets(in nodes: [TemplateNode]) -> Bool {
        allReferences(in: nodes).contains { $0.name == "secret" }
    }

    /// ``Template/loneHelperCalls``, outside every block that changes the context.
    static func loneHelperCalls(in nodes: [TemplateNode]) -> [Reference] {
        nodes.flatMap { node -> [Reference] in
            switch node {
            case .text: return []
            case .value(let tag):
                guard case .call(let call) = tag.expression, call.params.isEmpty, call.hash.isEmpty else { return [] }
                return [Reference(path: call.helper.rawValue, name: call.helper.rawValue, offset: call.offset)]
            case .block(let block):
                let keepsContext: Bool
                switch block.kind {
                case .section: keepsContext = false
                case .helper(let helper): keepsContext = helper != .each && helper != .with
                }
                return (keepsContext ? loneHelperCalls(in: block.body) : []) + loneHelperCalls(in: block.inverse)
            }
        }
    }

    private static func allReferences(in nodes: [TemplateNode]) -> [Reference] {
        var references: [Reference] = []
        collect(nodes, depth: 0, into: &references)
        return references.sorted { $0.offset < $1.offset }
    }

    /// `depth` counts enclosing blocks that change the context (`each`, `with`, sections).
    private static func collect(_ nodes: [TemplateNode], depth: Int, into references: inout [Reference]) {
        for node in nodes {
            switch node {
            case .text: continue
            case .value(let tag): collect(tag.expression, depth: depth, into: &references)
            case .block(let block):
                for parameter in block.params { collect(parameter, depth: depth, into: &references) }
                for argument in block.hash { collect(argument.value, depth: depth, into: &references) }
                let changesContext: Bool
                switch block.kind {
                case .section(let path):
                    add(path, depth: depth, into: &references)
                    changesContext = true
                case .helper(let helper):
                    changesContext = helper == .each || helper == .with
                }
                collect(block.body, depth: changesContext ? depth + 1 : depth, into: &references)
                collect(block.inverse, depth: depth, into: &references)
            }
        }
    }

    private static func collect(_ expression: TemplateExpression, depth: Int, into references: inout [Reference]) {
        switch expression {
        case .literal: return
        case .path(let path): add(path, depth: depth, into: &references)
        case .call(let call):
            for parameter in call.params { collect(parameter, depth: depth, into: &references) }
            for argument in call.hash { collect(argument.value, depth: depth, into: &references) }
        }
    }

    private static func add(_ path: TemplatePath, depth: Int, into references: inout [Reference]) {
        if let data = path.data {
            guard data == .root else { return }
        } else if depth - path.up > 0 {
            return
        }
        var parts: [String] = []
        for segment in path.segments {
            if Int(segment) != nil || ((segment == "size" || segment == "length") && !parts.isEmpty) { break }
            parts.append(segment)
        }
        guard let first = parts.first else { return }
        references.append(Reference(path: parts.joined(separator: "."), name: first, offset: path.offset))
    }
}
