/// A step that no path from the first step leads to never runs: a warning, where its id is
/// written (the studio's tree lists it under "unreachable:").
enum WorkflowReachCheck {
    static func check(_ nodes: [ParsedNode], in file: YAMLFile) {
        guard let entry = nodes.first else { return }
        let byID = Dictionary(nodes.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        var reached: Set<String> = [entry.id]
        var queue = [entry]
        while let node = queue.popLast() {
            for reference in node.next where !reached.contains(reference.target) {
                guard let target = byID[reference.target] else { continue }
                reached.insert(target.id)
                queue.append(target)
            }
        }
        for node in nodes where !reached.contains(node.id) {
            file.warning(
                "step '\(node.id)' is never reached: no step leads to it from the first step, '\(entry.id)'",
                at: node.idNode, hint: "connect a step to it, or delete it")
        }
    }
}
