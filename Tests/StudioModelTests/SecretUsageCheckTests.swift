import Testing

@testable import StudioModel

/// `validate` names each secret a webhook reads that the secret store lacks, where it is written.
struct SecretUsageCheckTests {
    @Test func aSecretNobodySetIsAWarningAtItsFirstUse() {
        let text = "id: lob\nurl: https://api.lob.com/v1\nauth: {type: basic, username: \"{{secret.lob_key}}\", password: \"\"}\n"
            + "headers: {X-Sig: \"{{defaultIfEmpty secret.hmac 0}}\", X-Key: \"{{secret.lob_key}}\"}\n"
        let webhook = Webhook(
            id: "lob", url: "https://api.lob.com/v1", auth: .basic(username: "{{secret.lob_key}}", password: ""),
            headers: [HeaderTemplate(name: "X-Sig", value: "{{defaultIfEmpty secret.hmac 0}}"),
                      HeaderTemplate(name: "X-Key", value: "{{secret.lob_key}}")])
        let warnings = SecretUsageCheck.warnings(for: [(webhook, "webhooks/lob.yaml")], known: ["hmac"]) { _ in text }
        #expect(warnings.map(\.description) == [
            "webhooks/lob.yaml:3:34: warning: secret 'lob_key' is not set, so this webhook's requests are not sent (add it to .hookline/secrets.yaml or set HOOKLINE_SECRET_lob_key)",
        ])
        #expect(SecretUsageCheck.warnings(for: [(webhook, "webhooks/lob.yaml")], known: ["hmac", "lob_key"]) { _ in text }.isEmpty)
        // CRLF line ends: the third line, not column 76 of one long line.
        let crlf = text.replacingOccurrences(of: "\n", with: "\r\n")
        #expect(SecretUsageCheck.warnings(for: [(webhook, "webhooks/lob.yaml")], known: ["hmac"]) { _ in crlf }.map(\.description) == [
            "webhooks/lob.yaml:3:34: warning: secret 'lob_key' is not set, so this webhook's requests are not sent (add it to .hookline/secrets.yaml or set HOOKLINE_SECRET_lob_key)",
        ])
        // `secret.lob` is not found inside `secret.lob_key`.
        let short = Webhook(id: "lob", url: "https://api.lob.com/v1", headers: [HeaderTemplate(name: "X-Key", value: "{{secret.lob}}")])
        let shortText = "id: lob\nauth: {type: bearer, token: \"{{secret.lob_key}}\"}\nheaders: {X-Key: \"{{secret.lob}}\"}\n"
        #expect(SecretUsageCheck.warnings(for: [(short, "webhooks/lob.yaml")], known: []) { _ in shortText }.map(\.line) == [3])
    }

    /// A secret of three characters was sent and shown in clear wherever a template wrote it, with
    /// no word of it: the masker leaves values that short alone.
    @Test func aSecretTooShortToMaskIsAWarningAtItsFirstUse() {
        let text = "id: crm\nurl: https://crm.example.com/v1?pin={{secret.pin}}\n"
        let webhook = Webhook(id: "crm", url: "https://crm.example.com/v1?pin={{secret.pin}}")
        let tooShort = SecretUsageCheck.tooShortToMask(["pin": "yes", "token": "tok_live_1", "empty": ""])
        #expect(tooShort == ["pin"])
        let warnings = SecretUsageCheck.warnings(for: [(webhook, "webhooks/crm.yaml")], known: ["pin"], tooShort: tooShort) { _ in text }
        #expect(warnings.map(\.description) == [
            "webhooks/crm.yaml:2:39: warning: secret 'pin' is shorter than 4 characters, so it is not masked where a template writes it (only credential headers such as Authorization hide it; use a longer value)",
        ])
    }

    /// An Update Profile step could write `{{secret.x}}` into every profile, where the Users screen
    /// showed it in clear, with no word from `validate`; a hash of it gives nothing away.
    @Test func anUpdateProfileStepWritingASecretIsAWarningAtItsUse() {
        let text = """
            id: w
            nodes:
              - id: stamp
                type: updateProfile
                fields:
                  token: "{{hmacSHA256 email secret.signing}}"
                  onboarded: "{{#if secret.feature}}yes{{/if}}"
                  apiKey: "key {{upper secret.crm_key}}"
                  copy: "{{secret.crm_key}}"
            """
        let workspace = WorkspaceLoader.load(files: ["workflows/w.yaml": text])
        #expect(workspace.errors.isEmpty, "\(workspace.errors)")
        let warnings = SecretUsageCheck.warnings(in: workspace, known: ["signing", "feature", "crm_key"]) { _ in text }
        #expect(warnings.map(\.description) == [
            "workflows/w.yaml:8:28: warning: step 'stamp' writes secret 'crm_key' into user profiles, where the Users screen, the ingest API's getByEmail and exports show it unmasked (secrets belong in webhook requests; to keep a value made from one, hash it: {{hmacSHA256 email secret.crm_key}})",
        ])
    }

    @Test func aSecretIsWrittenOutUnlessOnlyHashedOrTested() throws {
        func written(_ source: String) throws -> [String] { try Template(parsing: source).secretNamesWrittenOut }
        #expect(try written("{{secret.a}}") == ["a"])
        #expect(try written("{{sha256 secret.a}} {{md5 (concat secret.b \"x\")}}") == ["b"])
        #expect(try written("{{#unless secret.a}}none{{/unless}}{{#each secret.list}}{{this}}{{/each}}") == ["list"])
        #expect(try written("{{#base64 secret.a}}{{/base64}}{{#with secret.b}}{{this}}{{/with}}") == ["a", "b"])
        #expect(try written("{{#ifEq secret.a \"on\"}}{{defaultIfEmpty secret.b \"-\"}}{{/ifEq}}") == ["b"])
    }
}
