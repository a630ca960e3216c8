/// Reads `system-webhooks/<id>.yaml` into a `SystemWebhook`.
enum SystemWebhookFileReader {
    static let keys = ["id", "endpoint", "enabled", "auth", "headers", "events", "blastSends", "triggeredSends"]

    /// The system webhook, or nil when a required part is missing or bad; `parts` is what the
    /// save-time checks judge (``WebhookParts``), also when it does not load; nil when the file
    /// is no mapping.
    static func read(_ file: YAMLFile) -> (systemWebhook: SystemWebhook?, parts: WebhookParts?) {
        guard let root = file.composeRoot() else {
            if file.diagnostics.isEmpty {
                file.add(.error, "empty file; expected a system webhook", at: .init(line: 1, column: 1))
            }
            return (nil, nil)
        }
        guard let mapping = YAMLMapping(root, in: file, what: "system webhook") else { return (nil, nil) }
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
        let flags = ["enabled", "blastSends", "triggeredSends"].map { ($0, mapping.bool($0)) }
        let parts = WebhookParts(kind: .systemWebhook, id: id, path: file.path, url: endpoint, auth: auth)
        guard let endpoint, let auth, let events, let headers,
            !flags.contains(where: { mapping.wasWrittenButNotRead($0.0, $0.1) })
        else { return (nil, parts) }
        let systemWebhook = SystemWebhook(
            id: id, endpoint: endpoint, enabled: flags[0].1 ?? true, auth: auth, headers: headers, events: events,
            blastSends: flags[1].1 ?? true, triggeredSends: flags[2].1 ?? true)
        return (systemWebhook, parts)
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
