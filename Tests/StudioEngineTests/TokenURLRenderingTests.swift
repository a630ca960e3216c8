import StudioEngine
import StudioModel
import Testing

/// An OAuth2 `tokenUrl` renders as the webhook's `url` does, by the same function: merged values
/// percent-encoded for the path and for the query, dot segments made by a value refused.
struct TokenURLRenderingTests {
    private static let template = "https://auth.example.com/tenants/{{tenant}}/token?audience={{audience}}"

    private static func webhook(tokenURL: String) -> Webhook {
        Webhook(
            id: "oauth", url: template,
            auth: .oauth2ClientCredentials(tokenURL: tokenURL, clientID: "app", clientSecret: "cs", scope: nil))
    }

    private static func context(tenant: String) -> TemplateContext {
        TemplateContext(
            profile: JSONObject([
                ("email", .string("ada@example.com")), ("tenant", .string(tenant)), ("audience", .string("a&b c")),
            ]))
    }

    /// A merged value was written as plain text: `acme corp/eu` made a token URL with a space
    /// and a new path segment, where the webhook's url got `acme%20corp%2Feu`.
    @Test func aMergedValueInTheTokenURLIsEncodedAsInTheWebhookURL() throws {
        let webhook = Self.webhook(tokenURL: Self.template)
        let context = Self.context(tenant: "acme corp/eu")
        let builder = RequestBuilder()
        let options = try builder.deliveryOptions(for: webhook, context: context, secrets: [:])
        let request = try builder.build(webhook, context: context, secrets: [:], deliveryID: "msg_1")
        #expect(options.oauth2?.tokenURL == "https://auth.example.com/tenants/acme%20corp%2Feu/token?audience=a%26b%20c")
        #expect(options.oauth2?.tokenURL == request.url)
    }

    @Test func aMergedValueThatMakesADotSegmentInTheTokenURLIsRefused() {
        let webhook = Self.webhook(tokenURL: Self.template)
        #expect {
            try RequestBuilder().deliveryOptions(for: webhook, context: Self.context(tenant: ".."), secrets: [:])
        } throws: { error in
            (error as? RequestBuildError)?.part == "auth.tokenUrl"
                && "\(error)".contains("a merged value makes the path segment '..'")
        }
    }
}
