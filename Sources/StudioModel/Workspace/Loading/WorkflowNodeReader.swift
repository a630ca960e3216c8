import Yams

/// Reads one entry of a workflow's `nodes` list.
enum WorkflowNodeReader {
    static let types = [
        "callWebhook", "updateProfileWebhook", "delay", "yesNo", "sendEmail", "sendSMS", "sendPush", "exit",
    ]

    static func read(_ node: Node, in file: YAMLFile, catalog: WebhookCatalog) -> ParsedNode? {
        guard let entry = YAMLMapping(node, in: file, what: "node") else { return nil }
        guard let id = entry.requiredString("id") else { return nil }
        let mapping = YAMLMapping(node, in: file, what: "node '\(id)'") ?? entry
        var parsed = ParsedNode(
            id: id, idNode: mapping["id"], kind: nil, next: [], location: file.location(of: node.mark))
        guard let typeNode = mapping.required("type"), let typeName = mapping.text(of: typeNode, key: "type") else {
            return parsed
        }
        guard types.contains(typeName) else {
            file.error("unknown node type '\(typeName)'", at: typeNode, hint: NameHint.hint(for: typeName, in: types))
            return parsed
        }
        TemplateCheck.node(mapping, typeName: typeName)
        let common = ["id", "type", "next"]
        switch typeName {
        case "callWebhook", "updateProfileWebhook":
            let isProfile = typeName == "updateProfileWebhook"
            mapping.checkKeys(common + ["webhook", "onError"] + (isProfile ? ["mergeNestedObjects"] : []))
            parsed.next = readNext(mapping, outputs: ["ok", "error"], typeName: typeName) ?? []
            let onError = readOnError(mapping, next: parsed.next)
            let mergeNested = isProfile ? (mapping.bool("mergeNestedObjects") ?? false) : false
            guard let webhook = readWebhookReference(mapping, catalog: catalog, isProfile: isProfile),
                let onError
            else { return parsed }
            parsed.kind =
                isProfile
                ? .updateProfileWebhook(webhook: webhook, mergeNestedObjects: mergeNested, onError: onError)
                : .callWebhook(webhook: webhook, onError: onError)
        case "delay":
            mapping.checkKeys(common + ["duration"])
            parsed.next = readNext(mapping, outputs: nil, typeName: typeName) ?? []
            guard mapping.required("duration") != nil, let duration = mapping.duration("duration") else { return parsed }
            parsed.kind = .delay(duration)
        case "yesNo":
            mapping.checkKeys(common + ["condition"])
            parsed.next = readNext(mapping, outputs: ["yes", "no"], typeName: typeName) ?? []
            guard let conditionNode = mapping.required("condition"),
                let condition = ConditionReader.read(conditionNode, in: file)
            else { return parsed }
            parsed.kind = .yesNo(condition)
        case "sendEmail":
            mapping.checkKeys(common + ["subject", "body"])
            parsed.next = readNext(mapping, outputs: nil, typeName: typeName) ?? []
            guard let subject = mapping.requiredString("subject") else { return parsed }
            parsed.kind = .sendEmail(subject: subject, body: mapping.string("body") ?? "")
        case "sendSMS", "sendPush":
            mapping.checkKeys(common + ["body"])
            parsed.next = readNext(mapping, outputs: nil, typeName: typeName) ?? []
            guard let body = mapping.requiredString("body") else { return parsed }
            parsed.kind = typeName == "sendSMS" ? .sendSMS(body: body) : .sendPush(body: body)
        default:
            mapping.checkKeys(common)
            if let next = mapping.entries.first(where: { $0.key == "next" }) {
                file.warning("an exit node has no next; 'next' is ignored", at: next.keyNode)
            }
            parsed.kind = .exit
        }
        return parsed
    }

    /// `next: id` or, when `outputs` is given, `next: {yes: a, no: b}`; nil when absent or bad.
    static func readNext(_ mapping: YAMLMapping, outputs: [String]?, typeName: String) -> [ParsedNode.NextReference]? {
        guard let value = mapping["next"], !value.isNullScalar else { return nil }
        let file = mapping.file
        switch value {
        case .scalar(let scalar):
            return [ParsedNode.NextReference(output: nil, target: scalar.string, node: value)]
        case .mapping(let map) where outputs != nil:
            let outputs = outputs ?? []
            var references: [ParsedNode.NextReference] = []
            for (keyNode, target) in map {
                let output = keyNode.scalar?.string ?? ""
                guard outputs.contains(output) else {
                    file.warning(
                        "unknown output '\(output)' for a \(typeName) node", at: keyNode,
                        hint: NameHint.hint(for: output, in: outputs))
                    continue
                }
                guard case .scalar(let scalar) = target, !target.isNullScalar else {
                    file.error("'next.\(output)' must be a node id, found \(target.kindDescription)", at: target)
                    continue
                }
                references.append(ParsedNode.NextReference(output: output, target: scalar.string, node: target))
            }
            return references
        default:
            let shape = outputs.map { "a node id or a map of outputs (\(NameHint.list($0)))" } ?? "a node id"
            file.error("'next' of a \(typeName) node must be \(shape), found \(value.kindDescription)", at: value)
            return nil
        }
    }

    private static func readOnError(_ mapping: YAMLMapping, next: [ParsedNode.NextReference]) -> WorkflowNode.OnError? {
        let names = WorkflowNode.OnError.allCases.map(\.rawValue)
        let hasErrorBranch = next.contains { $0.output == "error" }
        guard mapping["onError"] != nil else {
            if hasErrorBranch {
                mapping.file.warning(
                    "'next.error' is used only with onError: branch", at: next.first { $0.output == "error" }?.node,
                    hint: "add 'onError: branch'")
            }
            return .exit
        }
        guard let name = mapping.choice("onError", from: names, noun: "onError action"),
            let onError = WorkflowNode.OnError(rawValue: name)
        else { return nil }
        if onError == .branch, !hasErrorBranch {
            mapping.file.warning(
                "onError: branch needs a 'next.error' target; failed users exit", at: mapping["onError"],
                hint: "write next: {ok: <id>, error: <id>}")
        } else if onError != .branch, hasErrorBranch {
            mapping.file.warning(
                "'next.error' is used only with onError: branch", at: next.first { $0.output == "error" }?.node,
                hint: "change onError to 'branch'")
        }
        return onError
    }

    private static func readWebhookReference(_ mapping: YAMLMapping, catalog: WebhookCatalog, isProfile: Bool) -> String? {
        guard let id = mapping.requiredString("webhook") else { return nil }
        guard catalog.declaredIDs.contains(id) else {
            mapping.file.error(
                "unknown webhook '\(id)'", at: mapping["webhook"],
                hint: NameHint.suggestion(for: id, in: catalog.declaredIDs) ?? "no file webhooks/\(id).yaml defines it")
            // Keep the node so the graph still loads; the error stops it from running.
            return id
        }
        if isProfile, let webhook = catalog.webhooks[id], webhook.method != .get {
            mapping.file.warning(
                "Update Profile webhook '\(id)' uses \(webhook.method.rawValue); Iterable saves only GET responses",
                at: mapping["webhook"], hint: "set 'method: GET' in webhooks/\(id).yaml")
        }
        return id
    }
}
