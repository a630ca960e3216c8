import Yams

/// A change to a workflow's steps made from the studio's tree (DESIGN §8: add, delete, reorder
/// and connect nodes), applied to the workflow file's text by ``WorkflowNodesText``.
///
/// Steps with one way out can be moved and reconnected; a split's outputs can be reconnected.
public enum WorkflowNodeChange: Sendable, Equatable {
    /// Removes a step; whatever led to it leads to where it led.
    case delete(node: String)
    /// Sends the step's journeys to `target` next (nil: they end after it).
    case connect(node: String, to: String?)
    /// Sends one named output of the step (`yes`, a split's branch, `error`) to `target` (nil: `exit`).
    case connectOutput(node: String, output: String, to: String?)
    /// A new step of `kind` after `after` (nil: first), leading where `after` led.
    case add(NewNodeKind, after: String?)
    /// Swaps the step with the one after it (`down`) or before it.
    case move(node: String, down: Bool)
    /// What a webhook step's failed journeys do. `branch` gives the step an `error` output
    /// (leading to `exit` until it is connected); `exit` and `continue` take it away again.
    case setOnError(node: String, to: WorkflowNode.OnError)

    /// What the change did, for a status line: `deleted wait`.
    public var summary: String {
        switch self {
        case .delete(let id): "deleted \(id)"
        case .connect(let id, let target?): "\(id) now leads to \(target)"
        case .connect(let id, nil): "journeys now end after \(id)"
        case .connectOutput(let id, let output, let target?): "\(id) \(output) now leads to \(target)"
        case .connectOutput(let id, let output, nil): "journeys now end at \(id) \(output)"
        case .add(let kind, let after?): "added a step after \(after): \(kind.title)"
        case .add(let kind, nil): "added a first step: \(kind.title)"
        case .move(let id, let down): "moved \(id) \(down ? "later" : "earlier")"
        case .setOnError(let id, .branch): "failed journeys at \(id) now take its error output"
        case .setOnError(let id, .continue): "failed journeys at \(id) now go on"
        case .setOnError(let id, .exit): "failed journeys at \(id) now exit"
        }
    }

    /// The step types that can be added, each with values to change afterwards.
    public enum NewNodeKind: String, Sendable, CaseIterable {
        case delay, delayUntil, callWebhook, updateProfileWebhook, yesNo, abSplit, attributeSplit, updateProfile,
            addToList, removeFromList, sendEmail, sendSMS, sendPush, exit

        /// The id a new step of this kind gets in `workflow`: `delay`, or `delay-2` when taken.
        public func newID(in workflow: Workflow) -> String {
            WorkflowNodeChange.unusedID(rawValue, in: Set(workflow.nodes.map(\.id)))
        }

        public var title: String {
            switch self {
            case .delay: "Delay (1h)"
            case .delayUntil: "Delay until a date field"
            case .callWebhook: "Call webhook"
            case .updateProfileWebhook: "Update profile from a webhook"
            case .yesNo: "Yes/No split"
            case .abSplit: "A/B split"
            case .attributeSplit: "Attribute split"
            case .updateProfile: "Set profile fields"
            case .addToList: "Add to list"
            case .removeFromList: "Remove from list"
            case .sendEmail: "Send email"
            case .sendSMS: "Send SMS"
            case .sendPush: "Send push"
            case .exit: "Exit"
            }
        }
    }

    /// The workflow file `text` with the change made; every other line kept. The steps and
    /// their links are read from `text` itself, so a file changed on disk since the studio
    /// loaded it is changed as it is now.
    /// - Parameter webhooks: The workspace's webhooks, for a new webhook step's first choice.
    /// - Throws: ``WorkflowNodesText/Problem`` saying why the change cannot be made here.
    public func applied(to text: String, webhooks: [Webhook]) throws(WorkflowNodesText.Problem) -> String {
        let nodes = try WorkflowNodesText(text)
        let entry = nodes.items.first?.id
        func singleNext(_ id: String) throws(WorkflowNodesText.Problem) -> String? {
            guard let item = nodes.items.first(where: { $0.id == id }) else { throw .init("no step '\(id)'") }
            switch item.next {
            case .none: return nil
            case .single(let target): return target == "exit" ? nil : target
            case .branches: throw .init("\(id) has named outputs (a split or an error branch): e edits them in the file")
            }
        }
        switch self {
        case .delete(let id):
            guard nodes.items.count > 1 || nodes.items.first?.id != id else {
                throw .init("\(id) is the workflow's only step: add another first (a workflow needs one)")
            }
            // A step that leads to itself leaves nothing to lead to.
            let next = try Self.wayOn(afterDeleting: id, in: nodes, singleNext: singleNext).flatMap { $0 == id ? nil : $0 }
            var result = try nodes.redirecting(referencesTo: id, to: next)
            if entry == id, let next {
                result = try WorkflowNodesText(result).movingToFront(next)
            }
            return try WorkflowNodesText(result).removing(id)
        case .connect(let id, let target):
            guard target != id else { throw .init("a step cannot lead to itself") }
            guard !nodes.isExitStep(id) else {
                throw .init(Self.exitConnected(id))
            }
            _ = try singleNext(id)
            return try nodes.settingNext(of: id, to: target)
        case .connectOutput(let id, let output, let target):
            guard target != id else { throw .init("a step cannot lead to itself") }
            return try nodes.settingOutput(output, of: id, to: target)
        case .add(let kind, let after):
            // validate would ignore a `next:` on an Exit step, leaving the new step unreachable.
            if let after, nodes.isExitStep(after) {
                throw .init(Self.addedAfterExit(after))
            }
            let newID = WorkflowNodeChange.unusedID(kind.rawValue, in: Set(nodes.items.map(\.id)))
            let next = try after.map { id throws(WorkflowNodesText.Problem) in try singleNext(id) } ?? entry
            var item = Self.item(kind, id: newID, webhooks: webhooks)
            if kind != .exit, let written = Self.next(of: kind, to: next) { item.append("  next: " + written) }
            guard let after else { return try nodes.inserting(item, after: nil) }
            let linked = try nodes.settingNext(of: after, to: newID)
            return try WorkflowNodesText(linked).inserting(item, after: after)
        case .move(let id, let down):
            guard !down else { return try Self.moveDown(id, in: nodes, entry: entry, singleNext: singleNext) }
            guard !nodes.isExitStep(id) else {
                throw .init("\(id) is an Exit step: it stays last; a on the step before it adds steps before it")
            }
            let before = nodes.items.filter { $0.id != id && $0.references(id) }
            guard before.count == 1, let previous = before.first, case .single = previous.next else {
                throw .init(before.isEmpty ? "\(id) is the first step" : "\(id) is reached from several steps: connect them with c")
            }
            return try Self.moveDown(previous.id, in: nodes, entry: entry, singleNext: singleNext)
        case .setOnError(let id, let onError):
            guard let item = nodes.items.first(where: { $0.id == id }) else { throw .init("no step '\(id)'") }
            guard nodes.isWebhookStep(id) else {
                throw .init("\(id) calls no webhook: only a webhook step has onError")
            }
            let result = try DefinitionFieldText.setting("onError", to: .plain(onError.rawValue), in: .node(id), text: text)
            guard let next = Self.next(of: item.next, onError: onError) else { return result }
            return try DefinitionFieldText.setting("next", to: next, in: .node(id), text: result)
        }
    }

    /// A webhook step's `next:` for `onError`: `{ok: …, error: exit}` for a branch, the `ok`
    /// target alone otherwise (the error output removed); nil when it stays as written.
    private static func next(
        of current: WorkflowNodesText.Next, onError: WorkflowNode.OnError
    ) -> DefinitionFieldText.Value?? {
        switch (current, onError) {
        case (.single(let target), .branch):
            return .some(.plain("{ok: \(DefinitionFieldText.Value.quotedIfNeeded(target)), error: exit}"))
        case (.none, .branch):
            return .some(.plain("{error: exit}"))
        case (.branches(let outputs), .exit), (.branches(let outputs), .continue):
            guard outputs.contains(where: { $0.output == "error" }) else { return nil }
            return .some(outputs.first { $0.output == "ok" }.map { .text($0.id) })
        default:
            return nil
        }
    }

    /// Where the journeys that reached a deleted step go instead: where it led. A webhook step
    /// with an error output: where its successes went. A split: where all its outputs lead, when
    /// they agree (one just added, say); else the user must choose, in the file.
    private static func wayOn(
        afterDeleting id: String, in nodes: WorkflowNodesText,
        singleNext: (String) throws(WorkflowNodesText.Problem) -> String?
    ) throws(WorkflowNodesText.Problem) -> String? {
        guard let item = nodes.items.first(where: { $0.id == id }), case .branches(let outputs) = item.next else {
            return try singleNext(id)
        }
        if nodes.isWebhookStep(id) {
            // Successes went to `ok`; an `ok` not written is the end of the journey.
            return outputs.first { $0.output == "ok" }.map(\.id).flatMap { $0 == "exit" ? nil : $0 }
        }
        // An output the step has but the file does not name leads to `exit`.
        let branchNames = nodes.value(of: "branches", inStep: id)?.mapping?.compactMap { $0.key.scalar?.string } ?? []
        let named: [String] =
            switch nodes.value(of: "type", inStep: id)?.scalar?.string {
            case "yesNo": ["yes", "no"]
            case "abSplit": branchNames
            case "attributeSplit": branchNames + [AttributeBranch.everyoneElse]
            default: []
            }
        let written = Dictionary(outputs.map { ($0.output, $0.id) }, uniquingKeysWith: { first, _ in first })
        let targets = Set(outputs.map(\.id) + named.map { written[$0] ?? "exit" })
        guard targets.count == 1, let target = targets.first else {
            throw .init("\(id)'s outputs lead to different steps: connect them to one (⏎, → …), or e edits the file")
        }
        return target == "exit" ? nil : target
    }

    /// `a → s → n → m` becomes `a → n → s → m`; never past an Exit step, where `s` would be
    /// left with journeys that have already ended.
    private static func moveDown(
        _ id: String, in nodes: WorkflowNodesText, entry: String?,
        singleNext: (String) throws(WorkflowNodesText.Problem) -> String?
    ) throws(WorkflowNodesText.Problem) -> String {
        let text = nodes.text
        guard let next = try singleNext(id) else { throw .init("\(id) is the last step") }
        guard next != id else { throw .init("\(id) leads to itself: c connects it elsewhere first") }
        guard !nodes.isExitStep(next) else {
            throw .init("\(id) cannot move after \(next), an Exit step: journeys end there, so \(id) would never run")
        }
        let afterNext = try singleNext(next)
        var result = try WorkflowNodesText(text).redirecting(referencesTo: id, to: next)
        result = try WorkflowNodesText(result).settingNext(of: next, to: id)
        result = try WorkflowNodesText(result).settingNext(of: id, to: afterNext)
        if entry == id { result = try WorkflowNodesText(result).movingToFront(next) }
        return result
    }

    /// Why nothing is added after Exit step `id`: validate ignores a `next:` on it, so the new
    /// step would never run.
    public static func addedAfterExit(_ id: String) -> String {
        "\(id) is an Exit step: nothing runs after it; select the step before it to add one before the Exit"
    }

    /// Why Exit step `id` is not connected: validate ignores a `next:` on it.
    public static func exitConnected(_ id: String) -> String {
        "\(id) is an Exit step: journeys end there; connect the step before it instead"
    }

    /// `delay`, or `delay-2`, `delay-3`… when taken.
    static func unusedID(_ base: String, in taken: Set<String>) -> String {
        // A run of capitals is one word: `sendSMS` gives `send-sms`.
        let slug = base.replacing(#/[A-Z]+/#) { "-" + $0.output.lowercased() }
        guard taken.contains(slug) else { return slug }
        var number = 2
        while taken.contains("\(slug)-\(number)") { number += 1 }
        return "\(slug)-\(number)"
    }

    /// What a new step's `next:` says: where `after` led (nil: nowhere), from each of a split's
    /// outputs; nil when a step with one way on leads nowhere.
    static func next(of kind: NewNodeKind, to next: String?) -> String? {
        let target = next ?? "exit"
        return switch kind {
        case .yesNo: "{yes: \(target), no: \(target)}"
        case .abSplit: "{a: \(target), b: \(target)}"
        case .attributeSplit: "{pro: \(target), else: \(target)}"
        default: next
        }
    }

    /// The new step's lines, with values that pass the checks and are meant to be changed.
    static func item(_ kind: NewNodeKind, id: String, webhooks: [Webhook]) -> [String] {
        var lines = ["- id: \(id)", "  type: \(kind == .delayUntil ? "delay" : kind.rawValue)"]
        switch kind {
        case .delay:
            lines.append("  duration: 1h")
        case .delayUntil:
            lines.append("  until: renewsAt")
        case .yesNo:
            lines.append("  condition: {all: [{field: plan, op: equals, value: pro}]}")
        case .abSplit:
            lines.append("  branches: {a: 50, b: 50}")
        case .attributeSplit:
            lines += ["  field: plan", "  branches: {pro: pro}"]
        case .updateProfile:
            lines.append("  fields: {plan: pro}")
        case .addToList, .removeFromList:
            lines.append("  list: my-list")
        case .callWebhook:
            lines.append("  webhook: \(webhooks.first?.id ?? "my-webhook")")
        case .updateProfileWebhook:
            lines.append("  webhook: \((webhooks.first { $0.method == .get } ?? webhooks.first)?.id ?? "my-profile-lookup")")
        case .sendEmail:
            lines += ["  subject: \"Hello {{defaultIfEmpty firstName \\\"there\\\"}}\"", "  body: \"Hi {{firstName}}\""]
        case .sendSMS, .sendPush:
            lines.append("  body: \"Hi {{firstName}}\"")
        case .exit:
            break
        }
        return lines
    }
}
