import Yams

/// Reads `webhooks/<id>.yaml` into a `Webhook`.
enum WebhookFileReader {
    static let keys = [
        "id", "name", "method", "url", "auth", "headers", "body", "signing", "timeout", "retries", "tls",
    ]
    static let bodyTypes = ["json", "form", "raw", "none"]

    /// The webhook, or nil when a required part is missing or bad. `declaredID` is the id
    /// other files may refer to, even when the rest of the file is broken. `parts` is what the
    /// save-time checks judge (``WebhookParts``): the parts that read well, also when the
    /// webhook does not load; nil when the file is no mapping. `files` reads the files the
    /// webhook names (its `tls.ca`).
    static func read(
        _ file: YAMLFile, files: ReferencedFiles
    ) -> (webhook: Webhook?, declaredID: String, parts: WebhookParts?) {
        guard let root = file.composeRoot() else {
            if file.diagnostics.isEmpty { file.add(.error, "empty file; expected a webhook", at: .init(line: 1, column: 1)) }
            return (nil, file.stem, nil)
        }
        guard let mapping = YAMLMapping(root, in: file, what: "webhook") else { return (nil, file.stem, nil) }
        mapping.checkKeys(keys)
        TemplateCheck.webhook(mapping)
        let id = IDCheck.id(in: mapping, kind: "webhook")

        let method = readMethod(mapping)
        var url = mapping.requiredString("url")
        if let text = url, !WebhookPartsReader.checkURL(text, key: "url", in: mapping) { url = nil }
        let auth = WebhookPartsReader.auth(in: mapping)
        let body = readBody(mapping, method: method ?? .post)
        let signing = WebhookPartsReader.signing(in: mapping)
        let timeout = mapping.timeout("timeout")
        let retries = readRetries(mapping)
        let headers = WebhookPartsReader.headers(in: mapping)
        let tls = WebhookPartsReader.tls(in: mapping, files: files)

        let parts = WebhookParts(
            kind: .webhook, id: id, path: file.path, url: url, auth: auth, signing: signing, retries: retries)
        let unread =
            mapping.wasWrittenButNotRead("signing", signing) || mapping.wasWrittenButNotRead("timeout", timeout)
            || mapping.wasWrittenButNotRead("retries", retries)
        guard let url, let method, let auth, let body, let headers, tls.isValid, !unread else { return (nil, id, parts) }
        let webhook = Webhook(
            id: id, name: mapping.string("name"), method: method, url: url, auth: auth, headers: headers, body: body,
            signing: signing, timeout: timeout, retries: retries, tls: tls.tls)
        return (webhook, id, parts)
    }

    /// `retries: none`, or a list of delays such as `[10s, 1m, 10m]`; absent means the standard schedule.
    private static func readRetries(_ mapping: YAMLMapping) -> [WorkflowDuration]? {
        guard let value = mapping["retries"], !value.isNullScalar else { return nil }
        if let text = value.scalar?.string {
            if text == "none" { return [] }
            mapping.file.error(
                "'retries' must be 'none' or a list of delays, found '\(text)'", at: value,
                hint: "write retries: [10s, 1m, 10m] or retries: none")
            return nil
        }
        guard let items = mapping.sequence("retries") else { return nil }
        let delays = items.compactMap { mapping.duration(of: $0, key: "retries") }
        return delays.count == items.count ? delays : nil
    }

    private static func readMethod(_ mapping: YAMLMapping) -> HTTPMethod? {
        guard let value = mapping["method"], !value.isNullScalar else { return .post }
        guard let text = mapping.text(of: value, key: "method") else { return nil }
        guard let method = HTTPMethod(rawValue: text.uppercased()) else {
            let names = HTTPMethod.allCases.map(\.rawValue)
            mapping.file.error("unknown HTTP method '\(text)'", at: value, hint: NameHint.hint(for: text, in: names))
            return nil
        }
        return method
    }

    private static func readBody(_ mapping: YAMLMapping, method: HTTPMethod) -> WebhookBody? {
        guard let value = mapping["body"], !value.isNullScalar else { return WebhookBody.none }
        guard let body = YAMLMapping(value, in: mapping.file, what: "body") else { return nil }
        guard body.required("type") != nil, let type = body.choice("type", from: bodyTypes, noun: "body type") else {
            return nil
        }
        if type != "none", !method.allowsBody {
            mapping.file.warning(
                "\(method.rawValue) requests carry no body; the body is ignored", at: value,
                hint: "remove 'body' or change the method")
        }
        switch type {
        case "json":
            body.checkKeys(["type", "template"])
            return body.requiredString("template").map { .json(template: $0) }
        case "form":
            body.checkKeys(["type", "fields"])
            guard body.required("fields") != nil, let fields = body.pairs("fields") else { return nil }
            return .form(fields: fields)
        case "raw":
            body.checkKeys(["type", "template", "contentType"])
            guard let template = body.requiredString("template") else { return nil }
            return .raw(template: template, contentType: body.string("contentType") ?? "text/plain")
        default:
            body.checkKeys(["type"])
            return WebhookBody.none
        }
    }
}
