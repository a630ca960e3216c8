import Yams

/// Reads `workflows/<id>.yaml` into a `Workflow` and checks its node graph.
enum WorkflowFileReader {
    static let keys = ["id", "name", "enabled", "start", "limits", "nodes"]

    static func read(_ file: YAMLFile, catalog: WebhookCatalog) -> Workflow? {
        guard let root = file.composeRoot() else {
            if file.diagnostics.isEmpty { file.add(.error, "empty file; expected a workflow", at: .init(line: 1, column: 1)) }
            return nil
        }
        guard let mapping = YAMLMapping(root, in: file, what: "workflow") else { return nil }
        mapping.checkKeys(keys)
        let id = IDCheck.id(in: mapping, kind: "workflow")
        let start = readStart(mapping)
        let limits = readLimits(mapping)
        let nodes = readNodes(mapping, catalog: catalog)
        guard let start, let nodes else { return nil }
        return Workflow(
            id: id, name: mapping.string("name") ?? id, enabled: mapping.bool("enabled") ?? true, start: start,
            limits: limits, nodes: nodes)
    }

    private static func readStart(_ mapping: YAMLMapping) -> WorkflowStart? {
        guard let start = mapping.mapping("start", what: "start") else {
            let absent = mapping["start"]?.isNullScalar ?? true
            return absent ? .manual : nil
        }
        let kinds = ["event", "api", "list", "manual"]
        guard start.required("kind") != nil, let kind = start.choice("kind", from: kinds, noun: "start kind") else {
            return nil
        }
        switch kind {
        case "event":
            start.checkKeys(["kind", "event"])
            return start.requiredString("event").map(WorkflowStart.event)
        case "list":
            start.checkKeys(["kind", "list"])
            return start.requiredString("list").map(WorkflowStart.list)
        case "api":
            start.checkKeys(["kind"])
            return .api
        default:
            start.checkKeys(["kind"])
            return .manual
        }
    }

    private static func readLimits(_ mapping: YAMLMapping) -> WorkflowLimits {
        guard let limits = mapping.mapping("limits", what: "limits") else { return WorkflowLimits() }
        limits.checkKeys(["lifetime", "simultaneous"])
        return WorkflowLimits(
            lifetime: limits.int("lifetime", minimum: 1), simultaneous: limits.int("simultaneous", minimum: 1))
    }

    private static func readNodes(_ mapping: YAMLMapping, catalog: WebhookCatalog) -> [WorkflowNode]? {
        let file = mapping.file
        guard let listNode = mapping.required("nodes"), let items = mapping.sequence("nodes") else { return nil }
        guard !items.isEmpty else {
            file.error("a workflow needs at least one node", at: listNode)
            return nil
        }
        var parsed: [ParsedNode] = []
        var firstLine: [String: Int] = [:]
        for item in items {
            guard let node = WorkflowNodeReader.read(item, in: file, catalog: catalog) else { continue }
            if let line = firstLine[node.id] {
                file.error("duplicate node id '\(node.id)'", at: node.idNode, hint: "first defined on line \(line)")
                continue
            }
            firstLine[node.id] = file.location(of: node.idNode?.mark).line
            parsed.append(node)
        }
        WorkflowLoopCheck.check(parsed, in: file)
        WorkflowReachCheck.check(parsed, in: file)
        let ids = parsed.map(\.id)
        return parsed.compactMap { node in
            // Checked for a node too broken to run as well: its own error must not hide a wrong target.
            let next = resolveNext(node.next, ids: ids, file: file)
            guard let kind = node.kind else { return nil }
            return WorkflowNode(id: node.id, kind: kind, next: next, location: node.location)
        }
    }

    /// Checks targets against the workflow's node ids; `exit` (unless a node has that id) leaves the output unconnected.
    private static func resolveNext(_ references: [ParsedNode.NextReference], ids: [String], file: YAMLFile) -> NodeNext {
        var single: String?
        var branches: [String: String] = [:]
        var isMap = false
        for reference in references {
            if reference.output != nil { isMap = true }
            guard ids.contains(reference.target) else {
                if reference.target != "exit" {
                    let label = reference.output.map { "next.\($0)" } ?? "next"
                    file.error(
                        "'\(label)' points to unknown node '\(reference.target)'", at: reference.node,
                        hint: NameHint.suggestion(for: reference.target, in: ids + ["exit"])
                            ?? "node ids: \(ids.joined(separator: ", "))")
                }
                continue
            }
            if let output = reference.output {
                // `ok` is the success output of a webhook node; the executor asks for it as "next".
                branches[output == "ok" ? "next" : output] = reference.target
            } else {
                single = reference.target
            }
        }
        if isMap { return branches.isEmpty ? .none : .branches(branches) }
        return single.map(NodeNext.single) ?? .none
    }
}
