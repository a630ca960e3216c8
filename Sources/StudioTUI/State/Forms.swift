import StudioModel

/// The forms of DESIGN §8: ⏎ on a webhook (Webhooks screen) or a step (the tree) lists its
/// fields with their values; ⏎ on a field edits it — typed in the hint row, or chosen from its
/// values — and saves it into the file at once, checked like an edit. Fields a form cannot
/// edit safely say so and are left to `e`.
struct Forms {
    /// Hides the secret store's values in every label; a field holding one is left to `e`.
    private let masker: SecretMasker

    /// - Parameter hidden: The secret store's values.
    init(hidden: [String]) {
        masker = SecretMasker(secretValues: hidden)
    }

    func webhook(_ webhook: Webhook, path: String) -> Choice {
        func target(_ key: String, _ kind: FieldTarget.Kind) -> FieldTarget {
            FieldTarget(path: path, mapping: .root, key: key, kind: kind)
        }
        var fields: [Choice.Option] = [
            text("name", webhook.name, target("name", .text(optional: true))),
            choice("method", webhook.method.rawValue, HTTPMethod.allCases.map(\.rawValue), target("method", .plain)),
        ]
        let shownURL = SecretDisplay.url(webhook.url)
        fields.append(
            shownURL == webhook.url
                ? text("url", webhook.url, target("url", .text(optional: false)))
                : readOnly("url", shownURL, "the URL holds a literal secret: e edits it, keeping the secret"))
        fields.append(auth(webhook.auth, path: path))
        // Each header is a field of its own (an empty value removes it); a credential header, or
        // one holding a literal secret, is left to `e`, which keeps its secret hidden.
        let headers = FieldTarget(
            path: path, mapping: .nested("headers"), key: "", kind: .newEntry(existing: webhook.headers.map(\.name)))
        for header in webhook.headers {
            var target = headers
            target.key = header.name
            target.kind = .headerValue
            let shown = SecretDisplay.header(name: header.name, value: header.value)
            fields.append(
                CredentialNames.isCredentialHeader(header.name) || shown != header.value
                    ? readOnly(header.name, shown, "e edits a credential header, keeping its secret hidden")
                    : text(header.name, header.value, target, placeholder: "empty removes the header"))
        }
        fields.append(Choice.Option(
            label: label("+ header", "add one: Name: value"),
            then: .input(FieldInput(prompt: "new header: ", field: headers, text: "", original: "", placeholder: "X-Campaign: {{workflowName}}"))))
        switch webhook.body {
        case .json, .raw:
            fields.append(Choice.Option(
                label: label("body", webhook.body.typeName + ", b edits the template"),
                effects: [.openBodyEditor(webhookID: webhook.id, path: path)]))
        case .form, .none:
            fields.append(readOnly("body", webhook.body.typeName, "e edits a form body or adds one"))
        }
        fields.append(text("timeout", webhook.timeout?.text ?? "", target("timeout", .plain), placeholder: "15s, the default"))
        fields.append(text(
            "retries", webhook.retries.map { $0.isEmpty ? "none" : $0.map(\.text).joined(separator: " ") } ?? "standard",
            target("retries", .retries), placeholder: "standard · none · 5s 1m 1h"))
        return Choice(title: "Webhook \(webhook.id)", options: fields)
    }

    func step(_ node: WorkflowNode, in workflow: Workflow, path: String, workspace: Workspace) -> Choice {
        func target(_ key: String, _ kind: FieldTarget.Kind) -> FieldTarget {
            FieldTarget(path: path, mapping: .node(node.id), key: key, kind: kind)
        }
        var fields = [readOnly("id", node.id, "e renames a step (its references too)"), readOnly("type", node.kind.typeName, "a step keeps its type: d, then a, replaces it")]
        switch node.kind {
        case .callWebhook(let webhook, let onError), .updateProfileWebhook(let webhook, _, let onError):
            fields.append(choice("webhook", webhook, workspace.webhooks.map(\.id), target("webhook", .text(optional: false))))
            // `branch` written without an error output: choosing it again writes the output.
            let hasErrorOutput = if case .branches = node.next { true } else { false }
            fields.append(onErrorField(onError, of: node.id, path: path, complete: onError != .branch || hasErrorOutput))
            if case .updateProfileWebhook(_, let nested, _) = node.kind {
                fields.append(choice("mergeNestedObjects", nested ? "true" : "false", ["false", "true"], target("mergeNestedObjects", .plain)))
            }
        case .delay(let duration):
            fields.append(text("duration", duration.text, target("duration", .plain), placeholder: "1h · 2d · 30m"))
        case .delayUntil(let delay):
            fields.append(text("until", delay.field, target("until", .text(optional: false))))
            fields.append(text("offset", delay.offsetText ?? "", target("offset", .plain), placeholder: "-1d · 2h"))
        case .sendEmail(let subject, let body):
            fields.append(text("subject", subject, target("subject", .text(optional: false))))
            fields.append(text("body", body, target("body", .text(optional: true))))
        case .sendSMS(let body), .sendPush(let body):
            fields.append(text("body", body, target("body", .text(optional: false))))
        case .addToList(let list), .removeFromList(let list):
            fields.append(text("list", list, target("list", .text(optional: false))))
        case .yesNo(let condition):
            if let typed = condition.typedText {
                fields.append(text("condition", typed, target("condition", .condition),
                                   placeholder: "plan equals pro and age greaterThan 30"))
            } else {
                fields.append(readOnly("condition", condition.description, "e edits a condition that compares with a list or null"))
            }
        case .attributeSplit(let field, let branches):
            fields.append(text("field", field, target("field", .text(optional: false))))
            let values = branches.map { ($0.name, $0.values.count == 1 ? $0.values[0] : JSONValue.array($0.values)) }
            fields.append(text("branches", JSONValue.object(JSONObject(values)).yamlFlowText, target("branches", .flowMapping),
                               placeholder: "{gold: gold, other: [silver, bronze]}"))
        case .abSplit(let shares):
            let percents = shares.map { ($0.branch, JSONValue.int($0.percent)) }
            fields.append(text("branches", JSONValue.object(JSONObject(percents)).yamlFlowText, target("branches", .flowMapping),
                               placeholder: "{a: 50, b: 50}"))
        case .updateProfile(let updates):
            let values = updates.map { ($0.field, $0.value) }
            fields.append(text("fields", JSONValue.object(JSONObject(values)).yamlFlowText, target("fields", .flowMapping),
                               placeholder: "{plan: pro}"))
        case .exit:
            break
        }
        // Outputs that all lead to `exit` are left out of the model: a step with named outputs lists them anyway.
        let named = Self.namedOutputs(of: node.kind)
        let branchTargets: [String: String]? =
            switch node.next {
            case .branches(let targets): targets
            case .none: named.map { _ in [:] }
            case .single: nil
            }
        if let targets = branchTargets {
            // Each named output in the order the step defines them, then any other written one.
            let named = named ?? []
            for output in named + targets.keys.sorted().filter({ !named.contains($0) }) {
                // A webhook step's way on after success is written `ok:` under `next:`.
                let written = node.kind.webhookID != nil && output == "next" ? "ok" : output
                fields.append(Choice.Option(
                    label: label("→ " + written, targets[output] ?? "(exit)"),
                    then: .choice(Self.connect(node.id, output: written, in: workflow, path: path))))
            }
        } else {
            fields.append(Choice.Option(
                label: label("next", node.next.targets.first ?? "(end)"),
                then: .choice(Self.connect(node.id, in: workflow, path: path))))
        }
        return Choice(title: "Step \(node.id) of \(workflow.id)", options: fields)
    }

    /// The auth field: a type to choose, then its credentials as `{{secret.name}}` references.
    /// OAuth2 client credentials have several settings: `e` edits them.
    private func auth(_ auth: WebhookAuth, path: String) -> Choice.Option {
        if case .oauth2ClientCredentials = auth {
            return readOnly("auth", AuthText.describe(auth), "e edits OAuth2 client credentials")
        }
        func target(_ type: String) -> FieldTarget { FieldTarget(path: path, mapping: .root, key: "auth", kind: .auth(type)) }
        let types = [
            Choice.Option(label: "none", effects: [.setField(target("none"), .plain("{type: none}"))]),
            Choice.Option(
                label: "bearer",
                then: .input(FieldInput(prompt: "bearer token: ", field: target("bearer"), text: "", original: "",
                                        placeholder: "{{secret.name}}"))),
            Choice.Option(
                label: "basic",
                then: .input(FieldInput(prompt: "basic user and password: ", field: target("basic"), text: "", original: "",
                                        placeholder: "{{secret.user}} {{secret.password}}"))),
        ]
        let current = ["none", "bearer", "basic"].firstIndex(of: auth.typeName) ?? 0
        return Choice.Option(
            label: label("auth", AuthText.describe(auth)), then: .choice(Choice(title: "auth", options: types, selected: current)))
    }

    /// A step's outputs by name, as the model calls them: a split's, or a webhook step's `next`
    /// and `error` when failed journeys take a branch; nil for a step with one way on.
    private static func namedOutputs(of kind: WorkflowNode.Kind) -> [String]? {
        switch kind {
        case .callWebhook(_, .branch), .updateProfileWebhook(_, _, .branch): ["next", "error"]
        default: kind.splitOutputs
        }
    }

    /// What failed journeys do; `branch` adds the step's `→ error` output, the others remove it.
    private func onErrorField(
        _ current: WorkflowNode.OnError, of step: String, path: String, complete: Bool
    ) -> Choice.Option {
        let values = WorkflowNode.OnError.allCases
        let options = values.map { value in
            Choice.Option(
                label: value == .branch ? "branch (an error output to connect)" : value.rawValue,
                effects: value == current && complete ? [] : [.changeWorkflow(path: path, .setOnError(node: step, to: value))],
                selects: step)
        }
        return Choice.Option(
            label: label("onError", current.rawValue),
            then: .choice(Choice(title: "onError", options: options, selected: values.firstIndex(of: current) ?? 0)))
    }

    /// Where a step, or one of its named outputs, can lead: every other step, or nowhere.
    static func connect(_ step: String, output: String? = nil, in workflow: Workflow, path: String) -> Choice {
        func change(_ target: String?) -> [Effect] {
            let change: WorkflowNodeChange =
                if let output { .connectOutput(node: step, output: output, to: target) } else { .connect(node: step, to: target) }
            return [.changeWorkflow(path: path, change)]
        }
        var options = workflow.nodes.filter { $0.id != step }.map {
            Choice.Option(label: $0.id, effects: change($0.id), selects: step)
        }
        options.append(Choice.Option(label: "(end the journey here)", effects: change(nil), selects: step))
        return Choice(title: "\(step)\(output.map { " " + $0 } ?? "") leads to", options: options)
    }

    /// `name` padded to a column of 10, never cut: a longer one (a header's) pushes its value right.
    private func label(_ name: String, _ value: String) -> String {
        let padding = String(repeating: " ", count: max(0, 10 - DisplayWidth.width(of: name)))
        return name + padding + " " + masker.mask(value).replacingOccurrences(of: "\n", with: "⏎")
    }

    /// A value typed in the hint row; one of several lines is left to `e`, since one line cannot hold it.
    private func text(_ name: String, _ value: String, _ target: FieldTarget, placeholder: String = "") -> Choice.Option {
        guard !value.contains("\n") else { return readOnly(name, value, "\(name) has several lines: e edits it") }
        guard masker.mask(value) == value else {
            return readOnly(name, value, "\(name) holds a value of the secret store: e edits it, keeping it hidden")
        }
        // An unset field shows what applies instead (the placeholder), and opens empty.
        return Choice.Option(
            label: label(name, value.isEmpty && !placeholder.isEmpty ? "(\(placeholder))" : value),
            then: .input(FieldInput(prompt: "\(name): ", field: target, text: value, original: value, placeholder: placeholder)))
    }

    private func choice(_ name: String, _ value: String, _ values: [String], _ target: FieldTarget) -> Choice.Option {
        let options = values.map { option in
            Choice.Option(label: option, effects: [.setField(target, target.value(for: option))])
        }
        let current = values.firstIndex(of: value) ?? 0
        return Choice.Option(
            label: label(name, value), then: .choice(Choice(title: name, options: options, selected: current)))
    }

    private func readOnly(_ name: String, _ value: String, _ why: String) -> Choice.Option {
        Choice.Option(label: label(name, value), then: .status(StatusMessage(why, level: .warning)))
    }
}
