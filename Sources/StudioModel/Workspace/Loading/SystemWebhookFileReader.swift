/// Reads `system-webhooks/<id>.yaml` into a `SystemWebhook`.
enum SystemWebhookFileReader {
    static let keys = ["id", "endpoint", "enabled", "auth", "headers", "events", "blastSends", "triggeredSends"]

    static func read(_ file: YAMLFile) -> SystemWebhook? {
        guard let root = file.composeRoot() else {
            if file.diagnostics.isEmpty {
                file.add(.error, "empty file; expected a system webhook", at: .init(line: 1, column: 1))
            }
            return nil
        }
        guard let mapping = YAMLMapping(root, in: file, what: "system webhook") else { return nil }
        mapping.checkKeys(keys)
        let id = IDCheck.id(in: mapping, kind: "system webhook")
        var endpoint = mapping.requiredString("endpoint")
        if let text = endpoint {
            if WebhookPartsReader.checkURL(text, key: "endpoint", in: mapping) {
                TemplateCheck.systemEndpoint(mapping)
            } else {
                endpoint = nil
            }
        }
        let auth = WebhookPartsReader.auth(in: mapping, allowed: ["none", "basic", "bearer"])
        let events = readEvents(mapping)
        let headers = WebhookPartsReader.headers(in: mapping)
        let enabled = mapping.bool("enabled") ?? true
        let blastSends = mapping.bool("blastSends") ?? true
        let triggeredSends = mapping.bool("triggeredSends") ?? true
        guard let endpoint, let auth, let events, let headers else { return nil }
        return SystemWebhook(
            id: id, endpoint: endpoint, enabled: enabled, auth: auth, headers: headers, events: events,
            blastSends: blastSends, triggeredSends: triggeredSends)
    }

    private static func readEvents(_ mapping: YAMLMapping) -> [String]? {
        guard mapping.required("events") != nil, let items = mapping.sequence("events") else { return nil }
        let known = SystemWebhook.knownEvents.sorted()
        var events: [String] = []
        for item in items {
            guard let name = mapping.text(of: item, key: "events") else { continue }
            if !SystemWebhook.knownEvents.contains(name) {
                mapping.file.warning(
                    "unknown system webhook event '\(name)'", at: item,
                    hint: NameHint.suggestion(for: name, in: known) ?? "expected an Iterable event name such as emailSend, emailOpen, smsSend or pushSend")
            }
            events.append(name)
        }
        if events.isEmpty { mapping.file.warning("system webhook has no events; it never fires", at: mapping["events"]) }
        return events
    }
}
