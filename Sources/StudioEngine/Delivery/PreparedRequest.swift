import StudioModel

/// A request rendered from a webhook for one user, exactly as it will go on the wire.
///
/// It holds secrets in clear text; only ``masked`` copies may be stored or shown.
public struct PreparedRequest: Sendable, Hashable {
    public var method: HTTPMethod
    public var url: String
    public var headers: [HeaderField]
    public var body: String
    /// Secret values that appear in this request, for masking.
    public var secretValues: [String]
    public var deliveryID: String

    public init(
        method: HTTPMethod, url: String, headers: [HeaderField], body: String, secretValues: [String],
        deliveryID: String
    ) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.secretValues = secretValues
        self.deliveryID = deliveryID
    }

    /// The request an attempt sent, as it was stored: masked, with the signature, timestamp and
    /// token headers of that attempt. Nil when the stored method is not one Hookline sends.
    public init?(sentIn record: AttemptRecord) {
        guard let method = HTTPMethod(rawValue: record.method) else { return nil }
        self.init(
            method: method, url: record.url, headers: record.requestHeaders, body: record.requestBody, secretValues: [],
            deliveryID: record.deliveryID)
    }

    /// This request with `Authorization: Bearer <token>` instead of any `Authorization` header
    /// (OAuth2 client credentials); the token and the client secret it came with are masked.
    func authorized(byBearer token: String, clientSecret: String) -> PreparedRequest {
        var copy = self
        copy.headers.removeAll { $0.name.lowercased() == "authorization" }
        copy.headers.append(HeaderField("Authorization", "Bearer " + token))
        copy.secretValues += [token, clientSecret]
        return copy
    }

    /// The masker that hides this request's secrets, and the credentials it carries by name
    /// wherever a receiver echoes them.
    public var masker: SecretMasker {
        SecretMasker(
            secretValues: secretValues + SecretMasker.credentials(in: headers, url: url),
            wholeValues: SecretMasker.wholeValueCredentials(in: headers, url: url))
    }

    /// A copy safe to store and display: secret values and credentials replaced by `••••••`.
    public var masked: PreparedRequest { masked(with: masker) }

    /// ``masked`` with a masker already made for this request.
    func masked(with masker: SecretMasker) -> PreparedRequest {
        var copy = self
        copy.url = masker.maskURL(url)
        copy.headers = masker.mask(headers)
        copy.body = masker.mask(body)
        // What is shown and stored says the length of the body that was sent, not of its masked copy.
        let sentLength = body.utf8.count
        if copy.body.utf8.count != sentLength, let length = WireHeaders.contentLength(method: method, bodyByteCount: sentLength) {
            copy.headers.append(HeaderField("Content-Length", String(length)))
        }
        copy.secretValues = []
        return copy
    }
}

extension PreparedRequest {
    /// This request with fresh Standard Webhooks `webhook-timestamp` and `webhook-signature`
    /// headers for an attempt at `timestamp` (the `webhook-id` is already there).
    public func signed(by signer: StandardWebhooksSigner, at timestamp: Int) -> PreparedRequest {
        var copy = self
        copy.headers.removeAll { ["webhook-timestamp", "webhook-signature"].contains($0.name.lowercased()) }
        copy.headers += signer.headers(id: deliveryID, timestamp: timestamp, body: body).filter { $0.name != "webhook-id" }
        return copy
    }
}
