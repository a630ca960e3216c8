import Foundation
import Testing

/// A secrets file that is not a flat mapping of names to values stops the commands that would
/// send with it, says where, and never prints a line of it.
struct SecretsFileCommandTests {
    @Test func aBrokenSecretsFileIsAnErrorWithWhereAndNoSecretIsPrinted() async throws {
        let workspace = try TestWorkspace.make()
        defer { workspace.remove() }
        try workspace.write("webhooks/crm.yaml", "id: crm\nmethod: POST\nurl: https://crm.example.com/hook\nauth: {type: bearer, token: '{{secret.crm_token}}'}\n")
        try workspace.writeWelcomeWorkflow(calling: "crm")
        try workspace.writeSecrets(["crm_token": "tok_live_51Hsecret", "pin": "[1,"])

        let validate = try await workspace.hookline("validate")
        #expect(validate.status == 65)
        #expect(validate.stderr.contains(".hookline/secrets.yaml:3:1: error: invalid YAML: did not find expected node content"), "\(validate.stderr)")
        #expect(!validate.stderr.contains("tok_live_51Hsecret"))

        let run = try await workspace.hookline("run", "welcome", "--all")
        #expect(run.status == 65)
        #expect(run.stderr.hasPrefix(".hookline/secrets.yaml:3:1: error: invalid YAML"), "\(run.stderr)")
        #expect(!run.stderr.contains("tok_live_51Hsecret"))
    }

    /// `ingest_api_key: ""` was taken, and then an empty Api-Key header let a request in: an
    /// empty key is an error at its line, and serve does not start with it.
    @Test func anEmptyIngestKeyIsAnErrorAtItsLineAndServeDoesNotStart() async throws {
        let workspace = try TestWorkspace.make()
        defer { workspace.remove() }
        try workspace.write("hookline.yaml", "name: Keys\n")
        try workspace.writeSecrets(["crm_token": "tok_live_51Hsecret", "ingest_api_key": #""""#])
        let message = ".hookline/secrets.yaml:2:17: error: secret 'ingest_api_key' is empty"

        let validate = try await workspace.hookline("validate")
        #expect(validate.status == 65)
        #expect(validate.stderr.contains(message), "\(validate.stderr)")
        let serve = try await workspace.hookline("serve", "--port", "0")
        #expect(serve.status == 65)
        #expect(serve.stderr.hasPrefix(message), "\(serve.stderr)")
        #expect(!serve.stderr.contains("listening"))
    }

    /// `validate`'s warning that the file is readable by others points at the file, not at its
    /// first line, which holds a secret.
    @Test func theExposureWarningDoesNotPrintTheFilesFirstLine() async throws {
        let workspace = try TestWorkspace.make()
        defer { workspace.remove() }
        try workspace.write("hookline.yaml", "name: Exposed\n")
        let file = try workspace.write(".hookline/secrets.yaml", "crm_token: tok_live_51Hsecret\n")
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: file.path)

        let validate = try await workspace.hookline("validate")
        #expect(validate.stderr.contains(".hookline/secrets.yaml:1:1: warning: the secrets file can be read by every user (mode 644)"))
        #expect(!validate.stderr.contains("tok_live_51Hsecret"), "\(validate.stderr)")
    }

    /// A warning on a line that holds a literal credential prints the line with the credential
    /// masked, the caret still under the key it is about.
    @Test func aLineWithALiteralCredentialIsPrintedMasked() async throws {
        let workspace = try TestWorkspace.make()
        defer { workspace.remove() }
        try workspace.write(
            "webhooks/crm.yaml",
            "id: crm\nmethod: POST\nurl: https://crm.example.com/hook\nauth: {type: bearer, token: 'tok_live_51Hsecret', extra: 1}\n")
        try workspace.writeWelcomeWorkflow(calling: "crm")

        let validate = try await workspace.hookline("validate")
        let shown = "auth: {type: bearer, token: '••••••', extra: 1}"
        let caret = String(repeating: " ", count: shown.distance(from: shown.startIndex, to: try #require(shown.range(of: "extra")).lowerBound))
        #expect(validate.stderr.contains("webhooks/crm.yaml:4:51: warning: unknown key 'extra' in auth (expected type or token)\n\(shown)\n\(caret)^\n"), "\(validate.stderr)")
        #expect(!validate.stderr.contains("tok_live_51Hsecret"), "\(validate.stderr)")
    }

    /// A value of the secrets file pasted into a template or header was printed in clear with the
    /// line of an error, by `validate` and by every command that loads the webhook first.
    @Test func aSecretStoreValuePastedIntoAFileIsMaskedInTheLineAndTheMessage() async throws {
        let workspace = try TestWorkspace.make()
        defer { workspace.remove() }
        try workspace.write(
            "webhooks/leak.yaml",
            "id: leak\nmethod: POST\nurl: https://crm.example.com/hook\nheaders: {X-Note: 'crm-TOKEN-abcdef99 {{#if}}'}\n")
        try workspace.writeWelcomeWorkflow(calling: "leak")
        try workspace.writeSecrets(["crm_token": "crm-TOKEN-abcdef99"])

        let validate = try await workspace.hookline("validate")
        #expect(validate.status == 65, "\(validate.stderr)")
        let preview = try await workspace.hookline("preview", "leak", "--user", "ada@example.com")
        #expect(preview.status == 65, "\(preview.stderr)")
        let run = try await workspace.hookline("run", "welcome", "--all")
        for (arguments, command) in [("validate", validate), ("preview", preview), ("run", run)] {
            #expect(command.stderr.contains("webhooks/leak.yaml:4:"), "\(arguments): \(command.stderr)")
            #expect(command.stderr.contains("X-Note: '••••••"), "\(arguments): \(command.stderr)")
            #expect(!command.stderr.contains("crm-TOKEN-abcdef99"), "\(arguments): \(command.stderr)")
        }
    }
}
