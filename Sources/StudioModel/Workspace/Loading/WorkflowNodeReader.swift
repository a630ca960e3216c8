import Yams

/// Reads one entry of a workflow's `nodes` list.
enum WorkflowNodeReader {
    static let types = [
        "callWebhook", "updateProfileWebhook", "delay", "yesNo", "abSplit", "attributeSplit", "updateProfile",
        "addToList", "removeFromList", "sendEmail", "sendSMS", "sendPush", "exit",
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
            mapping.checkKeys(common + ["duration", "until", "offset"])
            parsed.next = readNext(mapping, outputs: nil, typeName: typeName) ?? []
            parsed.kind = readDelay(mapping)
        case "yesNo":
            mapping.checkKeys(common + ["condition"])
            parsed.next = readNext(mapping, outputs: ["yes", "no"], typeName: typeName) ?? []
            guard let conditionNode = mapping.required("condition"),
                let condition = ConditionReader.read(conditionNode, in: file)
            else { return parsed }
            parsed.kind = .yesNo(condition)
        case "abSplit":
            mapping.checkKeys(common + ["branches"])
            let shares = readShares(mapping)
            parsed.next = readNext(mapping, outputs: shares?.map(\.branch) ?? writtenBranchNames(mapping), typeName: typeName) ?? []
            guard let shares else { return parsed }
            parsed.kind = .abSplit(shares)
        case "attributeSplit":
            mapping.checkKeys(common + ["field", "branches"])
            let field = mapping.requiredString("field")
            let branches = readAttributeBranches(mapping)
            let outputs = (branches?.map(\.name) ?? writtenBranchNames(mapping)) + [AttributeBranch.everyoneElse]
            parsed.next = readNext(mapping, outputs: outputs, typeName: typeName) ?? []
            guard let field, let branches else { return parsed }
            parsed.kind = .attributeSplit(field: field, branches: branches)
        case "updateProfile":
            mapping.checkKeys(common + ["fields"])
            parsed.next = readNext(mapping, outputs: nil, typeName: typeName) ?? []
            guard let fields = readFieldUpdates(mapping) else { return parsed }
            parsed.kind = .updateProfile(fields)
        case "addToList", "removeFromList":
            mapping.checkKeys(common + ["list"])
            parsed.next = readNext(mapping, outputs: nil, typeName: typeName) ?? []
            guard let list = mapping.requiredString("list") else { return parsed }
            guard !list.trimmingCharacters(in: .whitespaces).isEmpty else {
                mapping.file.error("'list' needs a list name", at: mapping["list"])
                return parsed
            }
            parsed.kind = typeName == "addToList" ? .addToList(list) : .removeFromList(list)
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
                        "unknown output '\(output)' for \(article(typeName)) \(typeName) node", at: keyNode,
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
            file.error("'next' of \(article(typeName)) \(typeName) node must be \(shape), found \(value.kindDescription)", at: value)
            return nil
        }
    }

    /// `branches: {A: 50, B: 50}`: up to 10 whole percentages adding up to 100, as Iterable requires.
    private static func readShares(_ mapping: YAMLMapping) -> [SplitShare]? {
        guard let branchesNode = mapping.required("branches"), let entries = branchEntries(branchesNode, in: mapping) else {
            return nil
        }
        let file = mapping.file
        var shares: [SplitShare] = []
        // Every branch is checked: one bad share must not hide the next.
        var valid = true
        for (keyNode, value) in entries {
            guard case .scalar(let scalar) = value, let percent = Int(scalar.string), (0...100).contains(percent) else {
                file.error(
                    "the share of branch '\(keyNode.scalar?.string ?? "")' must be a whole percentage from 0 to 100",
                    at: value)
                valid = false
                continue
            }
            shares.append(SplitShare(branch: keyNode.scalar?.string ?? "", percent: percent))
        }
        guard entries.count <= 10 else {
            file.error("an A/B split has at most 10 branches, found \(entries.count)", at: branchesNode)
            return nil
        }
        // A total without the bad shares would be one more error the user did not make.
        guard valid else { return nil }
        let total = shares.reduce(0) { $0 + $1.percent }
        guard total == 100 else {
            file.error("the branches' shares add up to \(total) %; they must add up to 100 %", at: branchesNode)
            return nil
        }
        return shares
    }

    /// `branches: {pro: pro, team: [team, enterprise]}`: the field's values per branch, in order.
    private static func readAttributeBranches(_ mapping: YAMLMapping) -> [AttributeBranch]? {
        guard let branchesNode = mapping.required("branches"), let entries = branchEntries(branchesNode, in: mapping) else {
            return nil
        }
        var branches: [AttributeBranch] = []
        var valid = true
        for (keyNode, value) in entries {
            let name = keyNode.scalar?.string ?? ""
            if name == AttributeBranch.everyoneElse {
                mapping.file.error(
                    "'else' is the output for everyone else; give this branch another name", at: keyNode,
                    hint: "connect everyone else with next: {else: <id>}")
                valid = false
            }
            let values = value.sequence.map { Array($0) } ?? [value]
            guard !values.isEmpty, values.allSatisfy({ $0.scalar != nil }) else {
                mapping.file.error("branch '\(name)' needs a value or a list of values", at: value)
                valid = false
                continue
            }
            branches.append(AttributeBranch(name: name, values: values.map(YAMLJSONValue.convert)))
        }
        return valid ? branches : nil
    }

    /// A split's `branches`: a non-empty map of uniquely named branches.
    /// The branch names as written, for checking `next` when the branches themselves were
    /// refused (shares not adding up to 100): their error is enough, `next` is not wrong too.
    private static func writtenBranchNames(_ mapping: YAMLMapping) -> [String] {
        mapping["branches"]?.mapping?.compactMap { $0.key.scalar?.string } ?? []
    }

    private static func branchEntries(_ node: Node, in mapping: YAMLMapping) -> [(Node, Node)]? {
        guard let pairs = node.mapping, pairs.count > 0 else {
            mapping.file.error("'branches' must be a map of branch names, found \(node.kindDescription)", at: node)
            return nil
        }
        var seen = Set<String>()
        var valid = true
        for (keyNode, _) in pairs {
            guard let name = keyNode.scalar?.string, !name.isEmpty, seen.insert(name).inserted else {
                mapping.file.error("each branch needs a name of its own", at: keyNode)
                valid = false
                continue
            }
        }
        return valid ? pairs.map { ($0.key, $0.value) } : nil
    }

    /// `fields: {tier: gold, points: 10, address.city: "{{city}}"}`: what an Update Profile node sets.
    private static func readFieldUpdates(_ mapping: YAMLMapping) -> [ProfileFieldUpdate]? {
        guard let fieldsNode = mapping.required("fields") else { return nil }
        guard let pairs = fieldsNode.mapping, pairs.count > 0 else {
            mapping.file.error("'fields' must be a map of profile fields to values, found \(fieldsNode.kindDescription)", at: fieldsNode)
            return nil
        }
        var updates: [ProfileFieldUpdate] = []
        var valid = true
        for (keyNode, value) in pairs {
            guard let field = keyNode.scalar?.string, !field.isEmpty, !field.hasPrefix("."), !field.hasSuffix("."),
                !field.contains("..")
            else {
                mapping.file.error("a field name must be a profile field such as 'tier' or 'address.city'", at: keyNode)
                valid = false
                continue
            }
            if field == "email" {
                mapping.file.error("'email' identifies the user and cannot be set here", at: keyNode)
                valid = false
                continue
            }
            updates.append(ProfileFieldUpdate(field: field, value: YAMLJSONValue.convert(value)))
        }
        return valid ? updates : nil
    }

    /// `duration: 2d`, or `until: renewsAt` with an optional signed `offset: -2d`.
    private static func readDelay(_ mapping: YAMLMapping) -> WorkflowNode.Kind? {
        let file = mapping.file
        switch (mapping["duration"], mapping["until"]) {
        case (.some, .some):
            file.error("a delay has either 'duration' or 'until', not both", at: mapping["until"])
            return nil
        case (.some, nil):
            if let offset = mapping.entries.first(where: { $0.key == "offset" }) {
                file.warning("'offset' is used only with 'until'; it is ignored", at: offset.keyNode)
            }
            return mapping.duration("duration").map(WorkflowNode.Kind.delay)
        case (nil, .some):
            guard let field = mapping.requiredString("until") else { return nil }
            guard let offsetNode = mapping["offset"] else { return .delayUntil(DateDelay(field: field)) }
            let text = offsetNode.scalar?.string.trimmingCharacters(in: .whitespaces) ?? ""
            let negative = text.hasPrefix("-")
            let magnitude = text.hasPrefix("-") || text.hasPrefix("+") ? String(text.dropFirst()) : text
            guard let duration = WorkflowDuration(parsing: magnitude) else {
                file.error(
                    "invalid offset '\(text)'", at: offsetNode, hint: "a signed duration such as -2d (before the date) or 3h")
                return nil
            }
            return .delayUntil(DateDelay(field: field, offset: negative ? -duration.seconds : duration.seconds, offsetText: text))
        case (nil, nil):
            file.error(
                "a delay needs 'duration' (such as 2d) or 'until' (a date field)", at: mapping.node,
                hint: "write duration: 2d, or until: renewsAt")
            return nil
        }
    }

    /// `a` or `an`, for messages that name a node type (`an abSplit node`).
    private static func article(_ typeName: String) -> String {
        typeName.first.map { "aeiou".contains($0) } == true ? "an" : "a"
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
