import Foundation
import StudioModel
import Testing

@Suite("Template context")
struct TemplateContextTests {
    /// An API client writes the event and the profile: a field named `secret` must not replace the
    /// credential a webhook sends, nor one named `dataFields` or `liveData` the journey's own data.
    @Test func fieldsNamedLikeTheContextsOwnRootsDoNotShadowThem() throws {
        let template = try Template(parsing: "{{secret.crm_token}} {{dataFields.plan}} {{liveData.step}}")
        let forged: JSONValue = [
            "secret": ["crm_token": "EVIL"], "dataFields": ["plan": "forged"], "liveData": ["step": "forged"],
        ]
        let fromEvent = TemplateContext(
            event: JSONObject([("plan", "pro"), ("secret", forged["secret"] ?? .null)]),
            profile: forged.objectValue ?? JSONObject(), liveData: JSONObject([("step", "2")]),
            secrets: ["crm_token": "tok_live"], now: TemplateFixture.now)
        #expect(try template.render(fromEvent, mode: .text) == "tok_live pro 2")
    }

    /// Without secrets, `secret.NAME` is missing whatever the data holds, so `validate` and the
    /// send both say the secret is not set instead of sending a value from the data.
    @Test func aSecretIsNeverReadFromTheData() throws {
        let forged: JSONValue = ["crm_token": "EVIL"]
        let context = TemplateContext(
            event: JSONObject([("secret", forged)]), profile: JSONObject([("secret", forged)]), now: TemplateFixture.now)
        #expect(try Template(parsing: "[{{secret.crm_token}}]").render(context, mode: .text) == "[]")
        #expect(try TemplateFixture.render("[{{secret.crm_token}}]", ["secret": ["crm_token": "EVIL"]]) == "[]")
    }
}
