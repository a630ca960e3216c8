import StudioModel

/// A workflow drawn as a tree of nodes (DESIGN §8):
///
/// ```
/// start: event signup
/// └▶ direct-mail  Call webhook  lob-letter  POST json
///    └▶ is-pro  Yes/No  plan = pro
///       ├ yes ▶ welcome-email  Send email
///       └ no  ▶ exit
/// ```
public enum WorkflowTree {
    public struct Row: Sendable, Hashable {
        public var segments: [Segment]
        /// The node this row shows, if any.
        public var nodeID: String?
    }

    public static func rows(for workflow: Workflow, in workspace: Workspace, glyphs: Glyphs) -> [Row] {
        var builder = Builder(workflow: workflow, workspace: workspace, glyphs: glyphs)
        builder.rows.append(Row(segments: [
            Segment("start: ", .treeKind), Segment(Sanitizer.clean(workflow.start.summary), .treeDetail),
        ]))
        if let entry = workflow.entryNode {
            builder.visit(entry.id, prefix: "", lead: [Segment(glyphs.treeLast, .treeGuide)], childIndent: "   ")
        } else {
            builder.rows.append(Row(segments: [Segment("(no nodes)", .muted)]))
        }
        let unreachable = workflow.nodes.filter { !builder.visited.contains($0.id) }
        if !unreachable.isEmpty {
            builder.rows.append(Row(segments: [Segment("unreachable:", .warning)]))
            for node in unreachable where !builder.visited.contains(node.id) {
                builder.visit(node.id, prefix: "", lead: [Segment("  ", .treeGuide)], childIndent: "  ")
            }
        }
        return builder.rows
    }

    struct Builder {
        let workflow: Workflow
        let workspace: Workspace
        let glyphs: Glyphs
        var rows: [Row] = []
        var visited: Set<String> = []

        mutating func visit(_ id: String, prefix: String, lead: [Segment], childIndent: String) {
            let head = [Segment(prefix, .treeGuide)] + lead
            guard let node = workflow.node(id: id) else {
                if id == "exit" {
                    rows.append(Row(segments: head + [Segment("exit", .treeNode)], nodeID: nil))
                } else {
                    rows.append(Row(segments: head + [
                        Segment(Sanitizer.clean(id), .treeMissing), Segment("  unknown node", .treeMissing),
                    ]))
                }
                return
            }
            if visited.contains(id) {
                rows.append(Row(segments: head + [Segment(Sanitizer.clean(id), .treeNode), Segment("  (see above)", .muted)], nodeID: id))
                return
            }
            visited.insert(id)
            rows.append(Row(segments: head + describe(node), nodeID: id))
            let childPrefix = prefix + childIndent
            var next = node.next
            var declaredOrder: [String] = []
            // A split's unconnected output exits the user; show it, as the studio's users expect.
            if let splitOutputs = node.kind.splitOutputs {
                var outputs = Dictionary(splitOutputs.map { ($0, "exit") }, uniquingKeysWith: { first, _ in first })
                if case .branches(let map) = next { outputs.merge(map) { _, connected in connected } }
                next = .branches(outputs)
                declaredOrder = splitOutputs
            }
            // A webhook step with an error branch has two outputs, `ok` (stored as "next") and
            // `error`, as its file and form name them; an unconnected one exits.
            switch node.kind {
            case .callWebhook(_, .branch), .updateProfileWebhook(_, _, .branch):
                next = Self.okAndError(next)
                declaredOrder = ["ok", "error"]
            default:
                break
            }
            switch next {
            case .none:
                break
            case .single(let target):
                visit(target, prefix: childPrefix, lead: [Segment(glyphs.treeLast, .treeGuide)], childIndent: "   ")
            case .branches(let map):
                let names = Self.order(map.keys, declared: declaredOrder)
                let labelWidth = names.map { DisplayWidth.width(of: $0) }.max() ?? 0
                for (index, name) in names.enumerated() {
                    let isLast = index == names.count - 1
                    let label = DisplayWidth.pad(Sanitizer.clean(name), to: labelWidth)
                    let lead = [
                        Segment(isLast ? glyphs.branchLast : glyphs.branchMiddle, .treeGuide),
                        Segment(label, .treeBranch), Segment(" \(glyphs.arrow) ", .treeGuide),
                    ]
                    let indent = isLast ? "   " : glyphs.treeGuide
                    visit(map[name] ?? "", prefix: childPrefix, lead: lead, childIndent: indent)
                }
            }
        }

        /// The outputs of a webhook step that branches on error.
        static func okAndError(_ next: NodeNext) -> NodeNext {
            .branches(["ok": next.target(for: "next") ?? "exit", "error": next.target(for: "error") ?? "exit"])
        }

        /// A split's outputs as written (yes, no for a yes/no split), then error, then the rest
        /// alphabetically; each once (a webhook step declares `error` itself).
        static func order(_ names: Dictionary<String, String>.Keys, declared: [String]) -> [String] {
            let preferred = (declared.isEmpty ? ["yes", "no"] : declared) + (declared.contains("error") ? [] : ["error"])
            return preferred.filter(names.contains) + names.filter { !preferred.contains($0) }.sorted()
        }

        func describe(_ node: WorkflowNode) -> [Segment] {
            var segments = [Segment(Sanitizer.clean(node.id), .treeNode), Segment("  " + node.kind.title, .treeKind)]
            let detail: String
            switch node.kind {
            case .callWebhook(let webhookID, _), .updateProfileWebhook(let webhookID, _, _):
                if let webhook = workspace.webhook(id: webhookID) {
                    let body = webhook.body.typeName == "none" ? "" : " \(webhook.body.typeName)"
                    detail = "\(webhookID)  \(webhook.method.rawValue)\(body)"
                } else {
                    segments.append(Segment("  \(Sanitizer.clean(webhookID))", .treeMissing))
                    // A webhook whose file did not load is known by its path: say where to look.
                    let broken = workspace.path(ofWebhook: webhookID).map { " (\(Sanitizer.clean($0)) has errors: ! lists them)" }
                    segments.append(Segment(broken ?? " (no such webhook)", .treeMissing))
                    return segments
                }
            case .delay(let duration): detail = duration.text
            case .delayUntil(let delay): detail = delay.description
            case .addToList(let list), .removeFromList(let list): detail = list
            case .yesNo(let condition): detail = condition.description
            case .abSplit(let shares): detail = shares.map { "\($0.branch) \($0.percent)%" }.joined(separator: " · ")
            case .attributeSplit(let field, _): detail = "by \(field)"
            case .updateProfile(let fields):
                detail = fields.map { "\($0.field) = \($0.value.displayText)" }.joined(separator: ", ")
            case .sendEmail(let subject, _): detail = subject
            case .sendSMS(let body), .sendPush(let body): detail = body.split(separator: "\n").first.map(String.init) ?? ""
            case .exit: detail = ""
            }
            if !detail.isEmpty { segments.append(Segment("  " + Sanitizer.clean(detail), .treeDetail)) }
            return segments
        }
    }
}
