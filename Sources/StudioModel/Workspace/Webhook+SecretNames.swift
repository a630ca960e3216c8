extension Webhook {
    /// The names of the secrets its templates read (`{{secret.NAME}}`, also as a helper's
    /// argument), from the URL, auth, headers, body and signing secret, in first-use order.
    /// Parses each template: for checks, not for a request's hot path (``Template/secretNames``).
    public var secretNames: [String] {
        var texts = [url]
        switch auth {
        case .none: break
        case .basic(let username, let password): texts += [username, password]
        case .bearer(let token): texts.append(token)
        case .oauth2ClientCredentials(let tokenURL, let clientID, let clientSecret, let scope):
            texts += [tokenURL, clientID, clientSecret, scope ?? ""]
        }
        texts += headers.map(\.value)
        switch body {
        case .none: break
        case .json(let template), .raw(let template, _): texts.append(template)
        case .form(let fields): texts += fields.map(\.value)
        }
        if let signing { texts.append(signing.secret) }
        var names: [String] = []
        // A template that does not parse is reported by the loader; it names no secret here.
        for text in texts {
            for name in (try? Template(parsing: text))?.secretNames ?? [] where !names.contains(name) { names.append(name) }
        }
        return names
    }
}
