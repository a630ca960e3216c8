/// Reads the parts that workflow and system webhooks share: auth, headers and signing.
enum WebhookPartsReader {
    static let authTypes = ["none", "basic", "bearer", "oauth2cc"]

    /// The `headers` pairs; nil after an error for each name that is not an HTTP token (RFC 9110
    /// §5.6.2): a name with a space, a colon or a line break could never be sent; for a reserved
    /// name (``ReservedHeaders``); and for an `Authorization` next to an `auth` that sets one.
    static func headers(in mapping: YAMLMapping) -> [HeaderTemplate]? {
        let headers = mapping.pairs("headers") ?? []
        var valid = true
        let authType = mapping["auth"]?.mapping?["type"]?.scalar?.string
        // In file order, so that a name given twice is reported where it is given the second time.
        let written = (mapping["headers"]?.mapping.map(Array.init) ?? []).sorted {
            ($0.key.mark?.line ?? 0, $0.key.mark?.column ?? 0) < ($1.key.mark?.line ?? 0, $1.key.mark?.column ?? 0)
        }
        var seen: [String: String] = [:]
        for (keyNode, value) in written {
            guard let name = keyNode.scalar?.string else { continue }
            if let first = seen[name.lowercased()] {
                // YAML tells `Content-Type` from `content-type`; HTTP does not, and both would be sent.
                mapping.file.error(
                    "header '\(name)' is also given as '\(first)': header names are case-insensitive", at: keyNode,
                    hint: "keep one of them")
                valid = false
                continue
            }
            seen[name.lowercased()] = name
            if !HTTPFieldSyntax.isToken(name) {
                mapping.file.error(
                    "\(name.debugDescription) is not a header name", at: keyNode,
                    hint: "a header name is letters, digits and \(HTTPFieldSyntax.tokenSymbols), without spaces or a colon")
                valid = false
            } else if let reason = ReservedHeaders.reason(forConfiguring: name) {
                mapping.file.error(reason, at: keyNode, hint: "remove the header")
                valid = false
            } else if name.lowercased() == "authorization", let type = authType, type != "none" {
                // The header replaces basic's or bearer's; an OAuth2 token would replace the header.
                let hint = "keep one: remove the header or set auth: {type: none}"
                if type == "oauth2cc" {
                    mapping.file.error("'\(name)' and auth type '\(type)' both set the Authorization header", at: keyNode, hint: hint)
                    valid = false
                } else {
                    mapping.file.warning(
                        "'\(name)' replaces the Authorization header of auth type '\(type)'", at: keyNode, hint: hint)
                }
            } else if name.lowercased() == "idempotency-key", let text = value.scalar?.string, !text.contains("{{") {
                mapping.file.warning(
                    "a constant Idempotency-Key is the same on every delivery: a receiver that honours it keeps only the first",
                    at: value, hint: "remove it to send each delivery's webhook-id, or merge a parameter: {{orderId}}")
            }
        }
        return valid ? headers : nil
    }

    /// `auth: {type: basic, username, password}`; nil after an error. `allowed` limits the types.
    static func auth(in mapping: YAMLMapping, allowed: [String] = authTypes) -> WebhookAuth? {
        guard let auth = mapping.mapping("auth", what: "auth") else { return mapping["auth"] == nil ? WebhookAuth.none : nil }
        guard auth.required("type") != nil, let type = auth.choice("type", from: authTypes, noun: "auth type") else {
            return nil
        }
        guard allowed.contains(type) else {
            auth.file.error(
                "auth type '\(type)' is not supported here", at: auth["type"], hint: "expected \(NameHint.list(allowed))")
            return nil
        }
        switch type {
        case "basic":
            auth.checkKeys(["type", "username", "password"])
            guard let username = auth.requiredString("username") else { return nil }
            if !username.contains("{{"), username.contains(":") {
                auth.file.error(
                    "'username': a Basic user name may not contain ':' (RFC 7617)", at: auth["username"],
                    hint: "the receiver splits at the first ':' and would read the rest as the password")
                return nil
            }
            return .basic(username: username, password: auth.string("password") ?? "")
        case "bearer":
            auth.checkKeys(["type", "token"])
            guard let token = auth.requiredString("token") else { return nil }
            return .bearer(token: token)
        case "oauth2cc":
            auth.checkKeys(["type", "tokenUrl", "clientId", "clientSecret", "scope"])
            let tokenURL = auth.requiredString("tokenUrl")
            let clientID = auth.requiredString("clientId")
            let clientSecret = auth.requiredString("clientSecret")
            if let tokenURL, let problem = WebhookURLCheck.problem(in: tokenURL) {
                auth.file.error("'tokenUrl': \(problem.message)", at: auth["tokenUrl"], hint: problem.hint)
                return nil
            }
            guard let tokenURL, let clientID, let clientSecret else { return nil }
            return .oauth2ClientCredentials(
                tokenURL: tokenURL, clientID: clientID, clientSecret: clientSecret, scope: auth.string("scope"))
        default:
            auth.checkKeys(["type"])
            return WebhookAuth.none
        }
    }

    /// `signing: {scheme: standard-webhooks, secret}`; nil when absent or bad.
    static func signing(in mapping: YAMLMapping) -> WebhookSigning? {
        guard let signing = mapping.mapping("signing", what: "signing") else { return nil }
        signing.checkKeys(["scheme", "secret"])
        let schemes = ["standard-webhooks"]
        var scheme: WebhookSigning.Scheme? = .standardWebhooks
        if let written = signing["scheme"], !written.isNullScalar {
            scheme = signing.choice("scheme", from: schemes, noun: "signing scheme").flatMap(WebhookSigning.Scheme.init)
        }
        // Read before deciding: an unknown scheme must not hide a missing secret.
        let secret = signing.requiredString("secret")
        guard let scheme, let secret else { return nil }
        return WebhookSigning(scheme: scheme, secret: secret)
    }

    /// `tls: {ca: PATH}`. The CA file is read now, through `files`, so a missing or unusable one
    /// is reported at the `ca:` value. `isValid` is false after an error: the webhook must then
    /// not load, rather than fall back to the system's CAs.
    static func tls(in mapping: YAMLMapping, files: ReferencedFiles) -> (tls: WebhookTLS?, isValid: Bool) {
        guard let tls = mapping.mapping("tls", what: "tls") else { return (nil, mapping["tls"]?.isNullScalar ?? true) }
        tls.checkKeys(["ca"])
        guard let path = tls.requiredString("ca") else { return (nil, false) }
        let at = tls["ca"]
        switch files.read(path) {
        case .failure(let problem):
            tls.file.error("CA file \(problem.message)", at: at, hint: "the path is relative to the workspace root")
            return (nil, false)
        case .success(let pem) where !pem.contains("-----BEGIN CERTIFICATE-----"):
            tls.file.error(
                "CA file '\(path)' holds no certificate", at: at,
                hint: "expected PEM text with one or more -----BEGIN CERTIFICATE----- blocks")
            return (nil, false)
        case .success(let pem):
            return (WebhookTLS(caFile: path, caPEM: pem), true)
        }
    }

    /// Reports a URL problem at the value of `key`; true when the URL is acceptable.
    static func checkURL(_ url: String, key: String, in mapping: YAMLMapping) -> Bool {
        guard let problem = WebhookURLCheck.problem(in: url) else { return true }
        mapping.file.error(
            "invalid \(key) '\(SecretDisplay.url(url).showingControlCharacters)': \(problem.message)", at: mapping[key],
            hint: problem.hint)
        return false
    }
}
