import StudioModel

/// The Webhooks screen: webhooks at the left, the selected one's settings at the right, as the
/// file says them (secrets masked), with the steps that call it.
enum WebhookSettingsView {
    static func listRows(_ state: AppState) -> [SelectableListView.Row] {
        state.workspace.webhooks.map { SelectableListView.Row(name: $0.id, trailing: Segment($0.method.rawValue, .logMethod)) }
    }

    static func lines(_ state: AppState, width: Int) -> [StyledLine] {
        guard let webhook = state.selectedWebhook else { return [] }
        var lines = StyledLines(width: width)
        lines.hidden = state.secretValues
        lines.add(webhook.name, .titleFocused)
        lines.add("\(webhook.method.rawValue) \(SecretDisplay.url(webhook.url))", .foreground)
        lines.blank()
        lines.add(label: "auth", AuthText.describe(webhook.auth))
        HeaderLines.add(webhook.headers, to: &lines)
        switch webhook.body {
        case .none:
            lines.add(label: "body", webhook.method.allowsBody ? "none" : "none (\(webhook.method.rawValue) sends no body)")
        case .json(let template):
            lines.add(label: "body", "json, checked after rendering")
            lines.addBlock(template.trimmingTrailingNewlines, .treeDetail)
        case .form(let fields):
            lines.add(label: "body", "form (application/x-www-form-urlencoded)")
            for field in fields { lines.add("\(field.name) = \(field.value)", .treeDetail, indent: "  ") }
        case .raw(let template, let contentType):
            lines.add(label: "body", "raw, \(contentType)")
            lines.addBlock(template.trimmingTrailingNewlines, .treeDetail)
        }
        if let signing = webhook.signing {
            lines.add(label: "signing", "\(signing.scheme.rawValue), secret \(SecretDisplay.credential(signing.secret))")
        }
        lines.add(label: "timeout", webhook.timeout.map(\.text) ?? "15s (default)")
        lines.add(label: "retries", retriesText(webhook.retries))
        if let tls = webhook.tls { lines.add(label: "tls", "trusts the CAs in \(tls.caFile) only") }
        let steps = usages(of: webhook.id, in: state.workspace)
        if steps.isEmpty {
            lines.add(label: "used by", "no workflow step", .muted)
        } else {
            for (index, step) in steps.enumerated() { lines.add(label: index == 0 ? "used by" : "", step) }
        }
        if let path = state.workspace.path(ofWebhook: webhook.id) { lines.add(label: "file", path, .muted) }
        return lines.lines
    }

    static func retriesText(_ retries: [WorkflowDuration]?) -> String {
        guard let retries else { return "standard: 5s 5m 30m 2h 5h 10h 10h, ±20 %" }
        return retries.isEmpty ? "none: one attempt" : retries.map(\.text).joined(separator: " ")
    }

    /// `workflow › step` for every step that calls the webhook.
    static func usages(of webhookID: String, in workspace: Workspace) -> [String] {
        workspace.workflows.flatMap { workflow in
            workflow.nodes.filter { $0.kind.webhookID == webhookID }.map { "\(workflow.id) › \($0.id)" }
        }
    }
}

/// The System webhooks screen: each system webhook and the message events it is sent.
enum SystemWebhookSettingsView {
    static func listRows(_ state: AppState) -> [SelectableListView.Row] {
        state.workspace.systemWebhooks.map { .named($0.id, enabled: $0.enabled, glyphs: state.glyphs) }
    }

    static func lines(_ state: AppState, width: Int) -> [StyledLine] {
        guard let hook = state.selectedSystemWebhook else { return [] }
        var lines = StyledLines(width: width)
        lines.hidden = state.secretValues
        lines.add(hook.id, .titleFocused)
        lines.add("POST \(SecretDisplay.url(hook.endpoint))", .foreground)
        lines.blank()
        lines.add(label: "enabled", hook.enabled ? "yes" : "no: nothing is sent", hook.enabled ? .success : .statusWarn)
        lines.add(label: "events", hook.events.isEmpty ? "none" : hook.events.joined(separator: ", "))
        let sends = [hook.triggeredSends ? "triggered" : nil, hook.blastSends ? "blast" : nil].compactMap { $0 }
        lines.add(label: "sends", sends.isEmpty ? "none" : sends.joined(separator: " and "))
        lines.add(label: "auth", AuthText.describe(hook.auth))
        HeaderLines.add(hook.headers, to: &lines)
        lines.add(label: "body", "event JSON: email, eventName, dataFields", .muted)
        if let path = state.workspace.path(ofSystemWebhook: hook.id) { lines.add(label: "file", path, .muted) }
        return lines.lines
    }
}

/// A webhook's auth as the settings show it, credentials masked unless they name a secret.
enum AuthText {
    static func describe(_ auth: WebhookAuth) -> String {
        switch auth {
        case .none:
            return "none"
        case .basic(let username, let password):
            let user = "basic, user \(SecretDisplay.credential(username))"
            return password.isEmpty ? user : user + ", password \(SecretDisplay.credential(password))"
        case .bearer(let token):
            return "bearer \(SecretDisplay.credential(token))"
        case .oauth2ClientCredentials(let tokenURL, let clientID, let clientSecret, let scope):
            var text = "OAuth2 client credentials from \(SecretDisplay.url(tokenURL)), client \(clientID), "
                + "secret \(SecretDisplay.credential(clientSecret))"
            if let scope { text += ", scope \(scope)" }
            return text
        }
    }
}

enum HeaderLines {
    static func add(_ headers: [HeaderTemplate], to lines: inout StyledLines) {
        guard !headers.isEmpty else { return lines.add(label: "headers", "none") }
        for (index, header) in headers.enumerated() {
            lines.add(label: index == 0 ? "headers" : "", "\(header.name): \(SecretDisplay.header(name: header.name, value: header.value))")
        }
    }
}

extension String {
    fileprivate var trimmingTrailingNewlines: String {
        var text = self
        while text.last == "\n" { text.removeLast() }
        return text
    }
}
