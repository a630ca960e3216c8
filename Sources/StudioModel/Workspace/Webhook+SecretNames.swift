extension Webhook {
    /// The names of the secrets its templates read (`{{secret.NAME}}`, also as a helper's
    /// argument), from the URL, auth, headers, body and signing secret, in first-use order.
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
        for text in texts {
            for name in SecretReference.names(in: text) where !names.contains(name) { names.append(name) }
        }
        return names
    }
}

/// `secret.NAME` in a template's text: what the secret store must hold for it to render.
public enum SecretReference {
    public static func names(in template: String) -> [String] {
        guard template.contains("secret.") else { return [] }
        return template.matches(of: #/secret\.([A-Za-z0-9_\-]+)/#).map { String($0.1) }
    }
}
