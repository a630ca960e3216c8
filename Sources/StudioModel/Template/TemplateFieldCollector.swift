/// Collects the top-level field paths a template reads, for `validate` warnings about unknown fields.
enum TemplateFieldCollector {
    static func fields(in nodes: [TemplateNode]) -> Set<String> {
        var fields: Set<String> = []
        collect(nodes, depth: 0, into: &fields)
        return fields
    }

    /// `depth` counts enclosing blocks that change the context (`each`, `with`, sections).
    private static func collect(_ nodes: [TemplateNode], depth: Int, into fields: inout Set<String>) {
        for node in nodes {
            switch node {
            case .text: continue
            case .value(let tag): collect(tag.expression, depth: depth, into: &fields)
            case .block(let block):
                for parameter in block.params { collect(parameter, depth: depth, into: &fields) }
                for argument in block.hash { collect(argument.value, depth: depth, into: &fields) }
                let changesContext: Bool
                switch block.kind {
                case .section(let path):
                    add(path, depth: depth, into: &fields)
                    changesContext = true
                case .helper(let helper):
                    changesContext = helper == .each || helper == .with
                }
                collect(block.body, depth: changesContext ? depth + 1 : depth, into: &fields)
                collect(block.inverse, depth: depth, into: &fields)
            }
        }
    }

    private static func collect(_ expression: TemplateExpression, depth: Int, into fields: inout Set<String>) {
        switch expression {
        case .literal: return
        case .path(let path): add(path, depth: depth, into: &fields)
        case .call(let call):
            for parameter in call.params { collect(parameter, depth: depth, into: &fields) }
            for argument in call.hash { collect(argument.value, depth: depth, into: &fields) }
        }
    }

    private static func add(_ path: TemplatePath, depth: Int, into fields: inout Set<String>) {
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
        guard let first = parts.first, first != "secret" else { return }
        fields.insert(parts.joined(separator: "."))
    }
}
