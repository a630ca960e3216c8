/// A workflow whose steps can lead back to themselves without a delay between would run a
/// journey round that loop for ever, at full speed (and call its webhooks each time round):
/// such a loop is an error, reported where its last link is written.
enum WorkflowLoopCheck {
    static func check(_ nodes: [ParsedNode], in file: YAMLFile) {
        let byID = Dictionary(nodes.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        // A step that waits breaks a loop. A delay of zero does not wait, nor does a delay until
        // a date field: a date already past (the second time round) goes on at once.
        func waits(_ node: ParsedNode) -> Bool {
            if case .delay(let duration)? = node.kind { return duration.seconds > 0 }
            return false
        }
        enum Mark { case onPath, done }
        var marks: [String: Mark] = [:]

        func visit(_ node: ParsedNode, path: [String]) {
            marks[node.id] = .onPath
            for reference in node.next {
                guard let target = byID[reference.target], !waits(target) else { continue }
                switch marks[target.id] {
                case .onPath?:
                    // Each link that closes a loop: a second loop is reported with the first.
                    let loop = (path.drop { $0 != target.id } + [node.id, target.id]).joined(separator: " → ")
                    let label = reference.output.map { "next.\($0)" } ?? "next"
                    file.error(
                        "'\(label)' of '\(node.id)' closes a loop with no delay in it (\(loop)): a journey would go round it for ever",
                        at: reference.node, hint: "put a delay step in the loop, or end it")
                case .done?: continue
                case nil: visit(target, path: path + [node.id])
                }
            }
            marks[node.id] = .done
        }
        for node in nodes where marks[node.id] == nil && !waits(node) {
            visit(node, path: [])
        }
    }
}
