import Foundation
import StudioModel

/// Renders a webhook's templates for one user into a ``PreparedRequest``.
///
/// Each part is rendered in the output mode of where it lands: URL path and query, header
/// values, JSON or form bodies. A rendering problem is a ``RequestBuildError`` naming the part.
public struct RequestBuilder: Sendable {
    public static let userAgent = "Hookline/\(HooklineVersion.current)"
    /// Largest body sent (delivery.md §8.10): 1 MiB.
    public static let maximumBodyBytes = 1 << 20

    let templates: TemplateCache

    public init(templates: TemplateCache = TemplateCache()) {
        self.templates = templates
    }

    /// The URL is sent without its fragment, which HTTP never sends, so what is shown and
    /// stored is what goes on the wire.
    /// - Parameters:
    ///   - appendEmailQuery: For Update User Profile nodes: adds `email=<address>` to the query.
    /// - Throws: ``RequestBuildError`` naming the part that cannot be rendered or sent, among
    ///   them a URL whose merged values make a path segment `.` or `..` (``renderURL(_:context:part:derivedSecrets:)``).
    public func build(
        _ webhook: Webhook, context: TemplateContext, secrets: [String: String], deliveryID: String,
        appendEmailQuery email: String? = nil
    ) throws(RequestBuildError) -> PreparedRequest {
        do {
            return try unmaskedBuild(
                webhook, context: context, secrets: secrets, deliveryID: deliveryID, appendEmailQuery: email)
        } catch {
            throw error.masked(by: SecretMasker(secretValues: Array(secrets.values)))
        }
    }

    private func unmaskedBuild(
        _ webhook: Webhook, context: TemplateContext, secrets: [String: String], deliveryID: String,
        appendEmailQuery email: String?
    ) throws(RequestBuildError) -> PreparedRequest {
        let context = context.adding(secrets: secrets)
        // What helpers computed from secrets (`{{upper secret.key}}`) is masked as the secrets are.
        var derived: [String] = []
        let url = try sendableURL(webhook.url, context: context, part: "url", appendingEmailQuery: email, derivedSecrets: &derived)
        var configured: [HeaderField] = []
        for header in webhook.headers {
            let part = "headers.\(header.name)"
            if let reason = ReservedHeaders.reason(forConfiguring: header.name) {
                throw RequestBuildError(part: part, error: TemplateError(line: 0, column: 0, message: reason))
            }
            configured.append(
                HeaderField(header.name, try render(header.value, context, .header, part: part, derivedSecrets: &derived)))
        }
        // A header Hookline adds that the webhook configures too is the webhook's: one `Content-Type`,
        // one `Authorization` (RFC 9110 §5.3), never the default and then the configured one.
        let configuredNames = Set(configured.map { $0.name.lowercased() })
        var headers: [HeaderField] = []
        func addDefault(_ name: String, _ value: @autoclosure () throws(RequestBuildError) -> String) throws(RequestBuildError) {
            guard !configuredNames.contains(name.lowercased()) else { return }
            headers.append(HeaderField(name, try value()))
        }
        try addDefault("User-Agent", Self.userAgent)
        switch webhook.auth {
        case .none, .oauth2ClientCredentials:
            break
        case .basic(let username, let password):
            let user = try render(username, context, .text, part: "auth.username", derivedSecrets: &derived)
            // RFC 7617 §2: the receiver splits at the first `:`, so the rest would be read as the password.
            if user.contains(":") {
                throw RequestBuildError(
                    part: "auth.username",
                    error: TemplateError(
                        line: 0, column: 0,
                        message: "a Basic user name may not contain ':' (RFC 7617): the receiver would read what follows as the password"))
            }
            let pass = try render(password, context, .text, part: "auth.password", derivedSecrets: &derived)
            try addDefault("Authorization", "Basic " + Data("\(user):\(pass)".utf8).base64EncodedString())
        case .bearer(let token):
            try addDefault(
                "Authorization", "Bearer " + (try render(token, context, .header, part: "auth.token", derivedSecrets: &derived)))
        }
        headers += configured
        headers.append(HeaderField("webhook-id", deliveryID))
        if [.post, .put, .patch].contains(webhook.method) {
            try addDefault("Idempotency-Key", deliveryID)
        }

        var body = ""
        if webhook.method.allowsBody {
            switch webhook.body {
            case .none:
                break
            case .json(let source):
                do {
                    body = try Self.requiringSecrets(try templates.template(source), context)
                        .renderJSONText(context, derivedSecrets: &derived)
                } catch {
                    throw RequestBuildError(part: "body", error: error)
                }
                try addDefault("Content-Type", "application/json")
            case .form(let fields):
                var pairs: [String] = []
                for field in fields {
                    let value = try render(
                        field.value, context, .form, part: "body.\(field.name)", asFormField: true, derivedSecrets: &derived)
                    pairs.append(OutputMode.form.escaped(field.name) + "=" + value)
                }
                body = pairs.joined(separator: "&")
                try addDefault("Content-Type", "application/x-www-form-urlencoded")
            case .raw(let source, let contentType):
                body = try render(source, context, .text, part: "body", derivedSecrets: &derived)
                try addDefault("Content-Type", contentType)
            }
        }
        if body.utf8.count > Self.maximumBodyBytes {
            throw RequestBuildError(
                part: "body",
                error: TemplateError(
                    line: 1, column: 1,
                    message: "the rendered body is \(body.utf8.count) bytes; the limit is 1 MiB"))
        }
        try Self.checkSendable(headers, configuredNames: configuredNames)
        return PreparedRequest(
            method: webhook.method, url: url, headers: headers, body: body,
            secretValues: Array(secrets.values) + derived, deliveryID: deliveryID)
    }

    /// Refuses a header no server should get: a value with a line break or control character
    /// written in the file (a merged one is refused as it renders), or a field over 8 KiB.
    private static func checkSendable(_ headers: [HeaderField], configuredNames: Set<String>) throws(RequestBuildError) {
        for header in headers {
            let isAuth = header.name == "Authorization" && !configuredNames.contains("authorization")
            let part = isAuth ? "auth" : "headers.\(header.name)"
            if !HTTPFieldSyntax.isFieldValue(header.value) {
                throw RequestBuildError(
                    part: part,
                    error: TemplateError(
                        line: 0, column: 0, message: "the value of header '\(header.name)' holds a line break or control character"))
            }
            let bytes = header.name.utf8.count + 2 + header.value.utf8.count
            if bytes > ReservedHeaders.maximumFieldBytes {
                throw RequestBuildError(
                    part: part,
                    error: TemplateError(
                        line: 0, column: 0,
                        message: "the header field '\(header.name)' is \(bytes) bytes rendered; the limit is 8 KiB (nginx and Apache refuse longer fields)"))
            }
        }
    }

    /// How a webhook's deliveries are made: signing with its rendered secret, its timeout, its CA.
    public func deliveryOptions(
        for webhook: Webhook, context: TemplateContext, secrets: [String: String]
    ) throws(RequestBuildError) -> Deliverer.Options {
        do {
            return try unmaskedDeliveryOptions(for: webhook, context: context, secrets: secrets)
        } catch {
            throw error.masked(by: SecretMasker(secretValues: Array(secrets.values)))
        }
    }

    private func unmaskedDeliveryOptions(
        for webhook: Webhook, context: TemplateContext, secrets: [String: String]
    ) throws(RequestBuildError) -> Deliverer.Options {
        let context = context.adding(secrets: secrets)
        var options = Deliverer.Options(timeout: webhook.timeout?.seconds, endpoint: webhook.id)
        if let retry = try Self.retryPolicy(retries: webhook.retries) { options.retry = retry }
        if case .oauth2ClientCredentials(let tokenURL, let clientID, let clientSecret, let scope) = webhook.auth {
            // Sent only to the token endpoint, whose exchange is not kept; the client secret as
            // rendered is masked in each attempt (`PreparedRequest.authorized(byBearer:clientSecret:)`).
            var derived: [String] = []
            options.oauth2 = Deliverer.OAuth2Credentials(
                tokenURL: try sendableURL(tokenURL, context: context, part: "auth.tokenUrl", derivedSecrets: &derived),
                clientID: try render(clientID, context, .text, part: "auth.clientId", derivedSecrets: &derived),
                clientSecret: try render(clientSecret, context, .text, part: "auth.clientSecret", derivedSecrets: &derived),
                scope: try scope.map { s throws(RequestBuildError) in
                    try render(s, context, .text, part: "auth.scope", derivedSecrets: &derived)
                })
        }
        if let signing = webhook.signing { options.signer = try signer(for: signing, context: context) }
        if let tls = webhook.tls {
            do {
                options.trustRoots = try TrustRoots(pem: tls.caPEM)
            } catch {
                throw RequestBuildError(
                    part: "tls.ca", error: TemplateError(line: 1, column: 1, message: "\(tls.caFile): \(error)"))
            }
        }
        return options
    }

    /// The webhook's own retry schedule (`retries:`), nil for the standard one; what `validate`
    /// checks too, so a list every send would refuse is reported at its line.
    static func retryPolicy(retries: [WorkflowDuration]?) throws(RequestBuildError) -> RetryPolicy? {
        guard let retries else { return nil }
        do {
            return RetryPolicy(schedule: try RetrySchedule(delays: retries.map(\.seconds)))
        } catch {
            throw RequestBuildError(part: "retries", error: TemplateError(line: 0, column: 0, message: "\(error)"))
        }
    }

    /// The signer of a webhook's `signing:` secret rendered in `context` (secrets added); what
    /// `validate` checks too.
    func signer(for signing: WebhookSigning, context: TemplateContext) throws(RequestBuildError) -> StandardWebhooksSigner {
        // The key only signs: it is never sent, kept or shown.
        var derived: [String] = []
        let secret = try render(signing.secret, context, .text, part: "signing.secret", derivedSecrets: &derived)
        do {
            return try StandardWebhooksSigner(secrets: secret.split(separator: " ").map(String.init))
        } catch {
            throw RequestBuildError(part: "signing.secret", error: TemplateError(line: 0, column: 0, message: "\(error)"))
        }
    }

    /// A URL template (the webhook's `url`, an OAuth2 `tokenUrl`) rendered as it is sent
    /// (``renderURL(_:context:part:derivedSecrets:)``), without its fragment, with `email=<address>` added to
    /// its query when `email` is given (Update User Profile nodes), its host in ASCII and what
    /// follows the host percent-encoded where it must be (``RequestTarget/encoded(_:)``).
    /// - Parameter part: What an error names: `url` or `auth.tokenUrl`.
    private func sendableURL(
        _ source: String, context: TemplateContext, part: String, appendingEmailQuery email: String? = nil,
        derivedSecrets: inout [String]
    ) throws(RequestBuildError) -> String {
        var url = RequestTarget.removingFragment(
            try renderURL(source, context: context, part: part, derivedSecrets: &derivedSecrets))
        // A url that names the user itself (`?email={{email}}&src=crm`) is sent as written: a
        // second `email=` would leave the endpoint to pick one.
        if let email, !RequestTarget.queryHasItem(named: "email", in: url) {
            url = RequestTarget.appendingQueryItem("email=" + OutputMode.form.escaped(email), to: url)
        }
        do {
            return try RequestTarget.encoded(RequestTarget.asciiHost(url))
        } catch {
            throw RequestBuildError(part: part, error: TemplateError(line: 0, column: 0, message: error.message))
        }
    }

    /// The scheme and host are literal; the path renders in url-path mode and the query in url-query mode.
    private func renderURL(
        _ source: String, context: TemplateContext, part: String, derivedSecrets: inout [String]
    ) throws(RequestBuildError) -> String {
        // A byte scan rules out a URL with no query before the Character search, which walks graphemes.
        guard source.utf8.contains(UInt8(ascii: "?")), let question = source.firstIndex(of: "?") else {
            return try renderPath(source, context: context, part: part, derivedSecrets: &derivedSecrets)
        }
        let path = try renderPath(String(source[..<question]), context: context, part: part, derivedSecrets: &derivedSecrets)
        let query = try render(
            String(source[source.index(after: question)...]), context, .urlQuery, part: part, derivedSecrets: &derivedSecrets)
        return path + "?" + query
    }

    /// The URL up to its query, in url-path mode, refused when a merged value makes a whole
    /// segment `.` or `..` (any spelling, ``RequestTarget/dotSegments(in:)``): url-path mode
    /// leaves dots as they are, and servers and proxies resolve such a segment away, so
    /// `/a/{{x}}/b` with `x` = `..` would PUT or DELETE `/b`. A profile value must not choose
    /// the resource. Dot segments written in the file are its own; `validate` warns of them.
    private func renderPath(
        _ source: String, context: TemplateContext, part: String, derivedSecrets: inout [String]
    ) throws(RequestBuildError) -> String {
        let path = try render(source, context, .urlPath, part: part, derivedSecrets: &derivedSecrets)
        // Only a path with a dot segment pays for finding what wrote it.
        if RequestTarget.dotSegments(in: path).isEmpty { return path }
        let traced: (text: String, merges: [Template.MergedOutput])
        do {
            traced = try templates.template(source).renderTracingMerges(context, mode: .urlPath)
        } catch {
            throw RequestBuildError(part: part, error: error)
        }
        let bytes = Array(traced.text.utf8)
        for segment in RequestTarget.dotSegments(in: traced.text) {
            guard let merge = Self.merge(shaping: segment.range, among: traced.merges) else { continue }
            let spelled = bytes[segment.range].contains(UInt8(ascii: "%")) ? " (spelled with %2e)" : ""
            let resolved = segment.isParent ? "away with the segment before it" : "away"
            throw RequestBuildError(
                part: part,
                error: TemplateError(
                    line: merge.location.line, column: merge.location.column,
                    message: "a merged value makes the path segment \(segment.isParent ? "'..'" : "'.'")\(spelled), "
                        + "which servers and proxies resolve \(resolved) (RFC 3986 §5.2.4): the request would reach "
                        + "another resource, so it is not sent"))
        }
        return path
    }

    /// The first merge that wrote into the path segment at `segment`, or one of the slashes around
    /// it, or sits in it rendering nothing (`.{{ext}}`): nil when the segment is the file's own text.
    static func merge(shaping segment: Range<Int>, among merges: [Template.MergedOutput]) -> Template.MergedOutput? {
        merges.first { $0.range.lowerBound <= segment.upperBound && $0.range.upperBound >= segment.lowerBound }
    }

    /// - Parameters:
    ///   - asFormField: The source is a form field's value, whose own text is encoded too.
    ///   - derivedSecrets: Gets what helpers computed from secrets (``Template/render(_:mode:derivedSecrets:)``).
    private func render(
        _ source: String, _ context: TemplateContext, _ mode: OutputMode, part: String, asFormField: Bool = false,
        derivedSecrets: inout [String]
    ) throws(RequestBuildError) -> String {
        do {
            let template = try Self.requiringSecrets(try templates.template(source), context)
            return try asFormField
                ? template.renderFormFieldValue(context, derivedSecrets: &derivedSecrets)
                : template.render(context, mode: mode, derivedSecrets: &derivedSecrets)
        } catch {
            throw RequestBuildError(part: part, error: error)
        }
    }

    /// A secret the template reads but nobody set would render as nothing: credentials sent
    /// empty, a signature made with an empty key. Such a request is not sent.
    private static func requiringSecrets(_ template: Template, _ context: TemplateContext) throws(TemplateError) -> Template {
        let missing = template.secretNames.filter { !context.hasSecret($0) }
        guard let first = missing.first else { return template }
        let names = missing.map { "'\($0)'" }.joined(separator: ", ")
        let them = missing.count == 1 ? "it" : "them"
        throw TemplateError(
            line: 0, column: 0,
            message: "secret\(missing.count == 1 ? "" : "s") \(names) not set: add \(them) to \(SecretsFile.path) (a running studio or serve reads it again when it changes) or set \(SecretStore.environmentPrefix)\(first) before hookline starts")
    }
}

/// A template in a webhook could not be rendered; `part` names which (`url`, `body`, `headers.X`).
public struct RequestBuildError: Error, Sendable, CustomStringConvertible {
    public var part: String
    public var error: TemplateError

    /// This error with the secret values `masker` knows hidden: a helper's message quotes the
    /// value it could not read (`dateFormat cannot read '…'`), which may be a secret.
    func masked(by masker: SecretMasker) -> RequestBuildError {
        var copy = self
        copy.error.message = masker.mask(error.message)
        return copy
    }

    /// `body:3:14: message`; a problem of no one place (line 0) is `secrets: message`.
    public var description: String {
        error.line > 0 ? "\(part):\(error.line):\(error.column): \(error.message)" : "\(part): \(error.message)"
    }
}

/// The version sent in `User-Agent` and printed by `--version`.
public enum HooklineVersion {
    public static let current = "0.1.0"
}
